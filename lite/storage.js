// The course's JupyterLite site (docs/lite.md): python -m dl_instructor.lite build adds this script
// to every page of the app. A learner's notebooks live in this browser's storage for the site
// (IndexedDB), which the browser may delete when the disk runs short of space, unless the site has
// persistent storage. The script asks for it (navigator.storage.persist(): Chromium grants or
// refuses it silently, Firefox asks the learner), then tells the learner, in a JupyterLab
// notification, where their work lives, whether the browser keeps it, and how to keep a copy.
// What it found is in window.dlCourseStorage (the offline test reads it).
(function () {
  'use strict';
  const status = { before: null, requested: false, persisted: null, error: null, told: null };
  window.dlCourseStorage = status;

  async function askToKeep() {
    if (!(navigator.storage && navigator.storage.persist)) {
      status.error = 'this browser has no navigator.storage.persist()';
      return;
    }
    try {
      // Asked at every load, even when already persistent: the answer is then yes at once, with no
      // prompt (and Chromium's persisted() may say yes before any request, on a permission alone).
      status.before = await navigator.storage.persisted();
      status.requested = true;
      status.persisted = await navigator.storage.persist();
    } catch (error) {
      status.error = String(error);
    }
  }

  // The app is window.jupyterapp once it exists (the site's page config sets exposeAppInBrowser).
  async function theApp() {
    for (let waited = 0; waited < 600000; waited += 250) {
      if (window.jupyterapp) {
        await window.jupyterapp.restored;
        return window.jupyterapp;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return null;
  }

  // A JupyterLab notification shows its first 140 characters: each message fits in them.
  const KEPT = 'Your work is kept in this browser (persistent storage). ' +
    'To keep a copy: right-click a notebook > Download.';
  const MAY_GO = 'Your work is saved in this browser only, which may delete it when space runs short. ' +
    'Keep a copy: right-click a notebook > Download.';

  async function tell(app) {
    const message = status.persisted ? KEPT : MAY_GO;
    const type = status.persisted ? 'info' : 'warning';
    const autoClose = status.persisted ? 15000 : false;
    await app.commands.execute('apputils:notify', { message, type, options: { autoClose } });
    status.told = message;
  }

  (async function () {
    const [app] = await Promise.all([theApp(), askToKeep()]);
    if (app && app.commands.hasCommand('apputils:notify')) {
      await tell(app);
    }
  })();
})();
