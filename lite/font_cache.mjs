// Write the font cache of Pyodide's matplotlib, made by that matplotlib in that Pyodide:
//
//     node lite/font_cache.mjs PYODIDE_DIR lite/matplotlib-fontlist.json
//
// PYODIDE_DIR is a local Pyodide (tests/lite/local_pyodide.py assembles one, verified). Pyodide
// 0.27.7's matplotlib 3.8.4 reads its font cache from matplotlib/fontlist.json, beside its own
// code, but the file it ships is another machine's (cache version 390, a desktop's fonts) while
// its font_manager wants version 330: it rebuilds the cache at every kernel start and says so on
// stderr ("Matplotlib is building the font cache"). Here matplotlib builds its cache once, over
// the only fonts Pyodide has (its own), and the lists are sorted by file name so that the file
// is the same at every run; dl_instructor/lite.py puts it into the site's matplotlib wheel.
import { writeFileSync } from "node:fs";

import { loadLocalPyodide, requireArgs } from "./node_pyodide.mjs";

const [pyodideDir, out] = requireArgs("node lite/font_cache.mjs PYODIDE_DIR OUT.json", 2);
const pyodide = await loadLocalPyodide(pyodideDir);
await pyodide.loadPackage("matplotlib", { messageCallback: () => {} });
const text = pyodide.runPython(`
import io, json
from matplotlib import font_manager

manager = font_manager.FontManager()  # scans the fonts Pyodide has: matplotlib's own
manager.afmlist.sort(key=lambda entry: entry.fname)
manager.ttflist.sort(key=lambda entry: entry.fname)
json.dumps(manager, cls=font_manager._JSONEncoder, indent=2) + "\\n"
`);
const version = JSON.parse(text)._version;
writeFileSync(out, text);
console.log(`wrote ${out}: matplotlib's font cache, version ${version}, from Pyodide in ${pyodideDir}`);
