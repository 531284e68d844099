// Does the site's Python import from the bytecode the build compiled? Run by test_site_build.py:
//
//     node tests/lite/imports_from_bytecode.mjs SITE
//
// Boots the site's own Pyodide (SITE/static/pyodide) under Node with the packages the kernel loads
// at start by name and the site's wheels (SITE/pypi), then imports what a kernel start and 02's first cell
// import, counting every module Python compiles from source on the way (a .pyc it could not use,
// or none) from site-packages; the standard library's zip holds sources only and zipimport compiles
// them apart (tests/lite/boot_from_snapshot.mjs counts those a restored start compiles). Prints one
// JSON line: those modules, the import times, and where dl_utils's bytecode and source are.
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const site = resolve(process.argv[2]);
const indexURL = site + "/static/pyodide/";
const { loadPyodide } = await import(pathToFileURL(indexURL + "pyodide.mjs").href);
const pyodide = await loadPyodide({ indexURL });
// What the site's kernel loads at boot by name (jupyter-lite.json), from the site's Pyodide lock.
const config = JSON.parse(readFileSync(site + "/jupyter-lite.json", "utf-8"));
const kernel = config["jupyter-config-data"].litePluginSettings["@jupyterlite/pyodide-kernel-extension:kernel"];
const byName = kernel.loadPyodideOptions.packages.filter((name) => !name.endsWith(".whl"));
await pyodide.loadPackage(byName, { messageCallback: () => {} });
pyodide.FS.mkdir("/site");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: site }, "/site");
pyodide.globals.set("wheels", readdirSync(site + "/pypi").filter((name) => name.endsWith(".whl")));
console.log(
  pyodide.runPython(`
import importlib._bootstrap_external as external, inspect, json, site, time, zipfile

for wheel in wheels:  # the site's own wheels, as Pyodide installs them: unpacked into site-packages
    zipfile.ZipFile(f"/site/pypi/{wheel}").extractall(site.getsitepackages()[0])
from_source = []
source_to_code = external.SourceLoader.source_to_code
def counting(self, data, path, *args, **kwargs):
    from_source.append(path)
    return source_to_code(self, data, path, *args, **kwargs)
external.SourceLoader.source_to_code = counting
seconds = {}
for module in ["IPython", "jedi", "piplite", "ipykernel", "numpy", "matplotlib.pyplot", "pyfive", "comm", "dl_utils",
               "dl_utils.checks"]:
    start = time.perf_counter()
    __import__(module)
    seconds[module] = round(time.perf_counter() - start, 3)
import dl_utils
json.dumps({
    "from_source": from_source,
    "seconds": seconds,
    "dl_utils_cached": dl_utils.__cached__,
    "dl_utils_file": dl_utils.__file__,
    "relu_source": inspect.getsource(dl_utils.relu),
})
`),
);
