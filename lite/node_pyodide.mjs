// What the site's build scripts under Node share (py_compile.mjs, font_cache.mjs, snapshot.mjs):
// their arguments, and a local Pyodide loaded from its folder.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * The script's first `count` arguments; without them, `usage` on stderr and exit status 2.
 */
export function requireArgs(usage, count) {
  const args = process.argv.slice(2, 2 + count);
  if (args.length < count || args.some((arg) => !arg)) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  return args;
}

/**
 * Pyodide loaded from the local folder `pyodideDir` (tests/lite/local_pyodide.py assembles one, verified).
 */
export async function loadLocalPyodide(pyodideDir, options = {}) {
  const indexURL = resolve(pyodideDir) + "/";
  const { loadPyodide } = await import(pathToFileURL(indexURL + "pyodide.mjs").href);
  return loadPyodide({ indexURL, ...options });
}
