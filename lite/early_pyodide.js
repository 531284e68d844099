// The course's JupyterLite site (docs/lite.md): python -m dl_instructor.lite build adds this script
// to every page of the app, before the app's own. When the page opens a notebook (its URL's path),
// the kernel's Python starts loading at once, in a worker of its own, instead of once JupyterLab has
// started and asks for the kernel.
//
// On a 2-core machine JupyterLab's own start (its plugins, their settings, the notebook's layout)
// kept the page's thread busy for about 2 s before the kernel's worker began to load Pyodide, while
// the other core was idle. Here, as the page opens, a worker (lite/kernel_worker.js, beside the site's
// loader) loads Pyodide with the options the kernel will pass its loader (the site's settings,
// jupyter-lite.json). When the kernel then asks for its worker (new Worker with the kernel
// extension's worker script), it gets that worker, which runs the kernel's script; the kernel's own
// call to the loader, with the same options, takes the load under way (lite/course-pyodide.js).
// Nothing changes where this cannot apply: a page that names no notebook, a site whose kernel does
// not load Pyodide with the course's loader (one on the CDN's Pyodide), a cross-origin isolated page
// (whose kernel uses another worker), a kernel that asked first; a second kernel (another notebook, a
// restart) gets a worker of its own, as before. What it did is in window.dlCourseEarlyPyodide (the
// offline test reads it; the worker's self.dlCourseEarly says whether the kernel took the load).
(function () {
  'use strict';
  const status = { started: null, handedOver: null, skipped: null, errors: [] };
  window.dlCourseEarlyPyodide = status;
  const KERNEL_SETTINGS = '@jupyterlite/pyodide-kernel-extension:kernel';
  const LOADER = 'course-pyodide.js';
  const WORKER = 'course-kernel-worker.js'; // beside the loader
  const root = new URL('.', document.currentScript.src); // the script is at the site's root
  const kernelScripts = new URL('extensions/@jupyterlite/pyodide-kernel-extension/static/', root).href;
  const NativeWorker = window.Worker;
  let early = null;
  let kernelAsked = false;

  // The kernel asks for its worker with new Worker(its script's URL): the first time, it gets the one
  // started early, told to run that script. Every other worker is made as before.
  function Worker(url, options) {
    const script = new URL(url, document.baseURI); // with the extension's ?v=HASH
    const href = script.href;
    const isKernel =
      href.startsWith(kernelScripts) && script.pathname.endsWith('.js') && !(options && options.type === 'module');
    if (isKernel && !kernelAsked) {
      kernelAsked = true;
      if (early !== null) {
        early.postMessage({ dlCourseKernelScript: href });
        status.handedOver = { script: href, at: performance.now() };
        return early;
      }
    }
    return new NativeWorker(url, options);
  }
  Worker.prototype = NativeWorker.prototype;
  window.Worker = Worker;

  async function start() {
    const path = new URLSearchParams(window.location.search).get('path');
    if (!path || !path.endsWith('.ipynb')) {
      return 'the page names no notebook';
    }
    if (window.crossOriginIsolated) {
      return 'the page is cross-origin isolated';
    }
    const response = await fetch(new URL('jupyter-lite.json', root));
    if (!response.ok) {
      throw new Error(`${response.url}: HTTP ${response.status}`);
    }
    const settings = (await response.json())['jupyter-config-data'].litePluginSettings[KERNEL_SETTINGS];
    const loader = new URL(settings.pyodideUrl, root).href;
    if (!loader.endsWith('/' + LOADER)) {
      return "the kernel does not load Pyodide with the course's loader";
    }
    if (kernelAsked) {
      return 'the kernel asked for its worker first';
    }
    // As the kernel's worker calls its loader: indexURL, the loader's folder, then loadPyodideOptions.
    const options = { indexURL: loader.slice(0, loader.lastIndexOf('/') + 1), ...settings.loadPyodideOptions };
    early = new NativeWorker(new URL(WORKER, loader));
    early.postMessage({ dlCourseEarlyStart: options });
    status.started = { path, at: performance.now() };
    return null;
  }

  start().then(
    (skipped) => {
      status.skipped = skipped;
    },
    (error) => {
      status.errors.push(String(error));
    },
  );
})();
