// Does the site's Pyodide restored from its snapshot start a kernel as a plain boot does? Run by
// test_site_build.py:
//
//     node tests/lite/boot_from_snapshot.mjs SITE
//
// Starts the kernel's Python twice under Node with the site's own Pyodide (SITE/static/pyodide) and
// the packages its kernel lists (jupyter-lite.json): booted from scratch, and restored from the
// site's snapshot (course-snapshot.bin.gz) as lite/course-pyodide.js restores it in the browser,
// running the loader's own first statement (its ON_RESTORE). In each, imports what the kernel's
// worker imports (piplite, pyodide_kernel) and reads what the start set. Prints one JSON line:
// {"plain": {...}, "restored": {...}}, each with "boot_s" (loadPyodide with the packages, the
// snapshot read and unpacked included) and "kernel_imports_s": figures, not a test.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { gunzipSync } from "node:zlib";

import { loadLocalPyodide } from "../../lite/node_pyodide.mjs";

const site = resolve(process.argv[2]);
const pyodideDir = resolve(site, "static", "pyodide");
process.argv.splice(1); // as lite/snapshot.mjs: the program's name is the browser's, not this file's path
const config = JSON.parse(readFileSync(resolve(site, "jupyter-lite.json"), "utf8"));
const kernel = config["jupyter-config-data"].litePluginSettings["@jupyterlite/pyodide-kernel-extension:kernel"];
// By name from the lock; the site's own wheels (a URL each) are the worker's to fetch.
const packages = kernel.loadPyodideOptions.packages.filter((name) => !name.includes("/"));
const loader = readFileSync(resolve(pyodideDir, "course-pyodide.js"), "utf8");
const afterRestore = loader.match(/^const ON_RESTORE = '(.*)';$/m)[1];
const STATE = `
import hashlib, json, os, sys, http.client, urllib.request, IPython.core.history, pyodide._package_loader, pyodide_kernel
import numpy as np
def installed(roots):
    found = {}
    for root in roots:
        for folder, _, files in os.walk(root):
            found[folder] = "folder"
            for name in files:
                path = os.path.join(folder, name)
                with open(path, "rb") as f:
                    found[path] = f"{os.stat(path).st_mode:o} {hashlib.sha256(f.read()).hexdigest()}"
    return found
json.dumps({
    "sys_path": sys.path,
    "environ": dict(os.environ),
    "modules": sorted(sys.modules),
    "numpy": float(np.arange(4.0) @ np.arange(4.0)),
    "shared_library_modules": {
        "IPython.core.history.sqlite3": IPython.core.history.sqlite3 is sys.modules["sqlite3"],
        "http.client.ssl": http.client.ssl is sys.modules["ssl"],
        "urllib.request.ssl": urllib.request.ssl is sys.modules["ssl"],
        "http.client.HTTPSConnection": hasattr(http.client, "HTTPSConnection"),
        "sqlite3 runs": IPython.core.history.sqlite3.connect(":memory:").execute("select 6 * 7").fetchone() == (42,),
        "ssl runs": http.client.ssl.OPENSSL_VERSION.startswith("OpenSSL"),
    },
    "importer_cache": sorted(sys.path_importer_cache),
    # What loadPackage unpacked (every file's mode and sha256, every folder), and with which function.
    "installed": installed(("/lib/python3.12/site-packages", "/usr/lib")),
    "unpack_buffer": pyodide._package_loader.unpack_buffer.__module__,
    # After the boot: the loader's first statement, the worker's imports, numpy's.
    "stdlib_compiled": sorted(set(STDLIB_COMPILED)),
    # The kernel's completions (Tab): names of a module, and what only jedi infers, from typeshed's stubs.
    "completions": {
        code: pyodide_kernel.kernel_instance.complete(code, len(code))["matches"]
        for code in ("import os\\nos.pat", "import os\\nos.getcwd().upp")
    },
})`;
// Counts the standard library's modules compiled from source (python_stdlib.zip holds no bytecode).
const COUNT_COMPILES = `
import zipimport
STDLIB_COMPILED = []
def _compiling(pathname, source, compile_source=zipimport._compile_source):
    STDLIB_COMPILED.append(pathname)
    return compile_source(pathname, source)
zipimport._compile_source = _compiling`;
const ZIP_IMPORTERS = `
import sys, zipimport
sorted(path for path, finder in sys.path_importer_cache.items() if isinstance(finder, zipimport.zipimporter))`;
const state = {};
for (const kind of ["plain", "restored"]) {
  let started = performance.now();
  const options = { packages, messageCallback: () => {} };
  if (kind === "restored") {
    options._loadSnapshot = gunzipSync(readFileSync(resolve(pyodideDir, "course-snapshot.bin.gz")));
  }
  const pyodide = await loadLocalPyodide(pyodideDir, options);
  // The zip importers Pyodide's loadPackage just invalidated (each rereads its zip's directory).
  const zipImporters = pyodide.runPython(ZIP_IMPORTERS).toJs();
  pyodide.runPython(COUNT_COMPILES);
  const bound = kind === "restored" ? (await pyodide.runPythonAsync(afterRestore)).toJs() : [];
  const bootSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  await pyodide.runPythonAsync("import piplite.piplite\nimport pyodide_kernel");
  const importSeconds = (performance.now() - started) / 1000;
  state[kind] = {
    ...JSON.parse(pyodide.runPython(STATE)),
    bound,
    zip_importers_at_load: zipImporters,
    boot_s: bootSeconds,
    kernel_imports_s: importSeconds,
  };
}
console.log(JSON.stringify(state));
