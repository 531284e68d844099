// Write the memory snapshot the site's kernel boots Pyodide from:
//
//     node lite/snapshot.mjs PYODIDE_DIR OUT.bin.gz WHEEL...
//
// PYODIDE_DIR is the site's own Pyodide (tests/lite/local_pyodide.py assembles one, verified). Booting
// Pyodide is mostly CPython starting up and importing Pyodide's own modules, the same work at every
// kernel start: seconds of it in a browser (issue 28). Here Pyodide boots once, under Node, imports
// IPython as the kernel will (lite/course_snapshot.py, from the WHEELs, files of PYODIDE_DIR: the pure
// Python ones of its lock that dl_instructor/lite.py's snapshot_wheels lists), and its
// whole WebAssembly memory is written out (Pyodide 0.27's makeMemorySnapshot, gzip-compressed);
// lite/course-pyodide.js, in the browser, restores it instead of booting. No shared library is loaded
// first: a package's shared libraries live outside that memory, so the kernel loads numpy and the
// rest after the restore, as it did before, and this script fails if one was loaded.
// Restoring it needs the very Pyodide build that wrote it (Pyodide checks its build id).
import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

import { loadLocalPyodide, requireArgs } from "./node_pyodide.mjs";

const [pyodideDir, out] = requireArgs("node lite/snapshot.mjs PYODIDE_DIR OUT.bin.gz WHEEL...", 2);
const wheelFiles = process.argv.slice(4);
// Emscripten names the program (os.environ["_"]) after Node's argv[1], this file's path on the build
// machine; without it, it is "./this.program", as in a browser.
process.argv.splice(1);
const pyodide = await loadLocalPyodide(pyodideDir, { _makeSnapshot: true });
const libraries = () => Object.keys(pyodide._module.LDSO.loadedLibsByName);
const librariesAtBoot = libraries();
pyodide.FS.mkdirTree("/tmp/wheels");
const wheels = wheelFiles.map((file) => {
  pyodide.FS.writeFile(`/tmp/wheels/${file}`, readFileSync(`${pyodideDir}/${file}`));
  return `/tmp/wheels/${file}`;
});
pyodide.FS.writeFile("/tmp/course_snapshot.py", readFileSync(new URL("course_snapshot.py", import.meta.url)));
const imported = pyodide.runPython(
  `import sys
sys.path.insert(0, "/tmp")
import course_snapshot
sys.path.remove("/tmp")
sys.path_importer_cache.pop("/tmp")
imported = course_snapshot.take(${JSON.stringify(wheels)}, "${pyodide._api.sitepackages}")
# loadPyodide puts "" first on sys.path once more after a restore: once is enough.
sys.path.remove("")
len(imported)`,
  { globals: pyodide.toPy({}) },
);
const loaded = libraries().filter((name) => !librariesAtBoot.includes(name));
if (loaded.length) {
  throw new Error(`shared libraries loaded before the snapshot, which cannot hold them: ${loaded.join(", ")}`);
}
pyodide.FS.unlink("/tmp/course_snapshot.py");
const snapshot = pyodide.makeMemorySnapshot();
writeFileSync(out, gzipSync(snapshot, { level: 9 }));
console.log(
  `wrote ${out}: Pyodide ${pyodide.version} booted, ${imported} modules of ${wheels.length} wheels imported, ` +
    `${snapshot.length} bytes of memory`,
);
