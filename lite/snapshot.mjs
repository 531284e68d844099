// Write the memory snapshot the site's kernel boots Pyodide from:
//
//     node lite/snapshot.mjs PYODIDE_DIR OUT.bin.gz
//
// PYODIDE_DIR is the site's own Pyodide (tests/lite/local_pyodide.py assembles one, verified). Booting
// Pyodide is mostly CPython starting up and importing Pyodide's own modules, the same work at every
// kernel start: seconds of it in a browser (issue 28). Here Pyodide boots once, under Node, imports
// IPython as the kernel will (lite/course_snapshot.py, from the wheels of PYODIDE_DIR's lock), and its
// whole WebAssembly memory is written out (Pyodide 0.27's makeMemorySnapshot, gzip-compressed);
// lite/course-pyodide.js, in the browser, restores it instead of booting. No shared library is loaded
// first: a package's shared libraries live outside that memory, so the kernel loads numpy and the
// rest after the restore, as it did before, and this script fails if one was loaded.
// Restoring it needs the very Pyodide build that wrote it (Pyodide checks its build id).
import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

import { loadLocalPyodide, requireArgs } from "./node_pyodide.mjs";

const [pyodideDir, out] = requireArgs("node lite/snapshot.mjs PYODIDE_DIR OUT.bin.gz", 2);
// The packages whose modules the snapshot imports (IPython's, jedi's for its completer, comm), with
// every dependency but those course_snapshot.py leaves to after the restore (their shared libraries).
const ROOTS = ["ipython", "jedi", "comm"];
// Emscripten names the program (os.environ["_"]) after Node's argv[1], this file's path on the build
// machine; without it, it is "./this.program", as in a browser.
process.argv.splice(1);
const pyodide = await loadLocalPyodide(pyodideDir, { _makeSnapshot: true });
const libraries = () => Object.keys(pyodide._module.LDSO.loadedLibsByName);
const librariesAtBoot = libraries();
pyodide.FS.writeFile("/tmp/course_snapshot.py", readFileSync(new URL("course_snapshot.py", import.meta.url)));
const afterRestore = pyodide
  .runPython(
    `import sys
sys.path.insert(0, "/tmp")
import course_snapshot
sys.path.remove("/tmp")
sys.path_importer_cache.pop("/tmp")
course_snapshot.AFTER_RESTORE`,
    { globals: pyodide.toPy({}) },
  )
  .toJs();
const lock = JSON.parse(readFileSync(`${pyodideDir}/pyodide-lock.json`, "utf8")).packages;
const wanted = new Set();
const visit = (dependency) => {
  const name = dependency.replace(/[-_.]+/g, "-").toLowerCase(); // the lock's keys, as Pyodide normalizes
  if (wanted.has(name) || afterRestore.includes(name)) return;
  if (!lock[name]) throw new Error(`${pyodideDir}/pyodide-lock.json has no package ${name}`);
  wanted.add(name);
  lock[name].depends.forEach(visit);
};
ROOTS.forEach(visit);
pyodide.FS.mkdirTree("/tmp/wheels");
const wheels = [...wanted].sort().map((name) => {
  const path = `/tmp/wheels/${lock[name].file_name}`;
  pyodide.FS.writeFile(path, readFileSync(`${pyodideDir}/${lock[name].file_name}`));
  return path;
});
const imported = pyodide.runPython(
  `import sys, course_snapshot
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
  `wrote ${out}: Pyodide ${pyodide.version} booted, ${imported} modules of ${wanted.size} packages imported, ` +
    `${snapshot.length} bytes of memory`,
);
