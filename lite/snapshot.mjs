// Write the memory snapshot the site's kernel boots Pyodide from:
//
//     node lite/snapshot.mjs PYODIDE_DIR OUT.bin.gz
//
// PYODIDE_DIR is the site's own Pyodide (tests/lite/local_pyodide.py assembles one, verified). Booting
// Pyodide is mostly CPython starting up and importing Pyodide's own modules, the same work at every
// kernel start: seconds of it in a browser (issue 28). Here Pyodide boots once, under Node, and its
// whole WebAssembly memory is written out (Pyodide 0.27's makeMemorySnapshot, gzip-compressed: 21 MB
// of memory, 5 MB in the file); lite/course-pyodide.js, in the browser, restores it instead of
// booting. The snapshot is taken before any package is loaded: a package's shared libraries live
// outside that memory, so the kernel loads numpy and the rest after the restore, as it did before.
// Restoring it needs the very Pyodide build that wrote it (Pyodide checks its build id).
import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

import { loadLocalPyodide, requireArgs } from "./node_pyodide.mjs";

const [pyodideDir, out] = requireArgs("node lite/snapshot.mjs PYODIDE_DIR OUT.bin.gz", 2);
// Emscripten names the program (os.environ["_"]) after Node's argv[1], this file's path on the build
// machine; without it, it is "./this.program", as in a browser.
process.argv.splice(1);
const pyodide = await loadLocalPyodide(pyodideDir, { _makeSnapshot: true });
// loadPyodide puts "" first on sys.path once more after a restore: once is enough.
pyodide.runPython('import sys\nsys.path.remove("")');
const snapshot = pyodide.makeMemorySnapshot();
writeFileSync(out, gzipSync(snapshot, { level: 9 }));
console.log(`wrote ${out}: Pyodide ${pyodide.version} booted, ${snapshot.length} bytes of memory`);
