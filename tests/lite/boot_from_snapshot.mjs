// Does the site's Pyodide restored from its snapshot start as a plain boot does? Run by test_site_build.py:
//
//     node tests/lite/boot_from_snapshot.mjs SITE
//
// Boots the site's own Pyodide (SITE/static/pyodide) twice under Node: from scratch, and restored
// from the site's snapshot (course-snapshot.bin.gz) as lite/course-pyodide.js restores it in the
// browser; in each, loads numpy and reads what Python's start-up set. Prints one JSON line:
// {"plain": {...}, "restored": {...}}, each with "boot_s", the seconds loadPyodide took (the
// snapshot read and unpacked included): a figure, not a test.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { gunzipSync } from "node:zlib";

import { loadLocalPyodide } from "../../lite/node_pyodide.mjs";

const pyodideDir = resolve(process.argv[2], "static", "pyodide");
process.argv.splice(1); // as lite/snapshot.mjs: the program's name is the browser's, not this file's path
const STATE = `
import json, os, sys
import numpy as np
json.dumps({
    "sys_path": sys.path,
    "environ": dict(os.environ),
    "modules": sorted(sys.modules),
    "numpy": float(np.arange(4.0) @ np.arange(4.0)),
})`;
const state = {};
for (const kind of ["plain", "restored"]) {
  const started = performance.now();
  const options = kind === "restored" ? { _loadSnapshot: gunzipSync(readFileSync(pyodideDir + "/course-snapshot.bin.gz")) } : {};
  const pyodide = await loadLocalPyodide(pyodideDir, options);
  const bootSeconds = (performance.now() - started) / 1000;
  await pyodide.loadPackage(["numpy"], { messageCallback: () => {} });
  state[kind] = { ...JSON.parse(pyodide.runPython(STATE)), boot_s: bootSeconds };
}
console.log(JSON.stringify(state));
