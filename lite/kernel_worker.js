// The course's JupyterLite site (docs/lite.md): the kernel's worker, started by the page as it opens
// (lite/early_pyodide.js), before JupyterLab has started, and handed to the kernel when it asks for
// its worker. The build copies it beside the site's loader (static/pyodide/course-kernel-worker.js).
//
// Two messages from the page, in this order:
// - {dlCourseEarlyStart: options}: load Pyodide with the site's loader (course-pyodide.js) and those
//   options, the ones the kernel will pass it, {indexURL, ...loadPyodideOptions}; the load goes on
//   while JupyterLab starts on the page's thread;
// - {dlCourseKernelScript: url}: the kernel asked for its worker, whose script is url (the
//   kernel extension's own worker, jupyterlite-pyodide-kernel's comlink worker): run it here. It
//   listens to the kernel's messages from then on; its initialize() imports the site's loader again
//   and calls it with the kernel's options, which takes the load under way (course-pyodide.js).
importScripts("course-pyodide.js");

self.addEventListener("message", function fromPage(event) {
  const data = event.data || {};
  if (data.dlCourseEarlyStart) {
    const options = data.dlCourseEarlyStart;
    self.dlCourseEarly = { options, taken: false, adopted: null, pyodide: self.loadPyodide(options) };
    // A failed load is the kernel's to report, when its call takes it; none goes unhandled meanwhile.
    self.dlCourseEarly.pyodide.catch(() => {});
  } else if (data.dlCourseKernelScript) {
    self.removeEventListener("message", fromPage);
    importScripts(data.dlCourseKernelScript);
  }
});
