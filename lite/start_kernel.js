// The course's JupyterLite site (docs/lite.md): python -m dl_instructor.lite build adds this script
// to every page of the app. It starts a notebook's kernel as soon as the notebook is opened.
//
// JupyterLab (4.4, in JupyterLite 0.6) starts a notebook's kernel only once the notebook's file is
// loaded, a checkpoint of it written and its cells laid out: on a 2-core machine the kernel's worker
// started 3 s after the notebook opened, while the page's own thread was busy and the other core
// idle. Here, when a notebook widget is created, the kernel's session for its path is started at
// once, with the site's one kernel; the notebook's session context then finds that session by its
// path and connects to it, as it would to a session started elsewhere. The notebook's own start
// waits until that session exists (its initialize, wrapped), so the two never start two kernels.
// Nothing changes where this cannot apply: a site with more than one kernel, a notebook whose path
// has a session already, or an error (the notebook then starts its kernel itself, as before).
// What it did is in window.dlCourseKernelStart (the offline test reads it).
(function () {
  'use strict';
  const status = { prestarted: [], skipped: [], errors: [] };
  window.dlCourseKernelStart = status;
  const SPEC_WAIT_MS = 5000; // the kernel's spec registers as the app starts: it is there by then

  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // The site's only kernel's name, or null when there is not exactly one.
  async function onlyKernel(specsManager) {
    for (let waited = 0; waited <= SPEC_WAIT_MS; waited += 50) {
      const specs = specsManager.specs;
      const names = specs ? Object.keys(specs.kernelspecs) : [];
      if (names.length > 1) {
        return null;
      }
      if (names.length === 1) {
        return names[0];
      }
      await pause(50);
      await specsManager.refreshSpecs();
    }
    return null;
  }

  async function startSession(app, sessionContext) {
    const { path, name, type } = sessionContext;
    const manager = app.serviceManager;
    const kernel = await onlyKernel(manager.kernelspecs);
    if (kernel === null) {
      status.skipped.push({ path, why: 'not exactly one kernel' });
      return;
    }
    await manager.sessions.ready;
    await manager.sessions.refreshRunning();
    for (const session of manager.sessions.running()) {
      if (session.path === path) {
        status.skipped.push({ path, why: 'a session is running' });
        return;
      }
    }
    // As the notebook's session context would start it: its path, name and type.
    const session = await manager.sessions.startNew({ path, name, type, kernel: { name: kernel } });
    status.prestarted.push({ path, kernel: session.kernel.id, at: performance.now() });
  }

  function watch(app, factory) {
    factory.widgetCreated.connect((sender, panel) => {
      const sessionContext = panel.context.sessionContext;
      const started = startSession(app, sessionContext).catch((error) => {
        status.errors.push({ path: sessionContext.path, error: String(error) });
      });
      const initialize = sessionContext.initialize.bind(sessionContext);
      sessionContext.initialize = async () => {
        await started;
        return initialize();
      };
    });
  }

  (async function () {
    while (!window.jupyterapp) {
      await pause(10);
    }
    const app = window.jupyterapp;
    // The notebook's widget factory registers as the app starts; a notebook given in the page's
    // URL is opened right after. Watching from the registration on, no widget is missed.
    const factory = app.docRegistry.getWidgetFactory('Notebook');
    if (factory) {
      watch(app, factory);
      return;
    }
    app.docRegistry.changed.connect(function added(registry, change) {
      // The registry names its factories in lower case here (and finds them in any case).
      if (change.type === 'widgetFactory' && change.change === 'added' && change.name.toLowerCase() === 'notebook') {
        registry.changed.disconnect(added);
        watch(app, registry.getWidgetFactory('Notebook'));
      }
    });
  })().catch((error) => {
    status.errors.push({ path: null, error: String(error) });
  });
})();
