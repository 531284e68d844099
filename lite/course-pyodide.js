// The site's Pyodide loader (the kernel's pyodideUrl in a site that serves Pyodide itself): Pyodide
// restored from the memory snapshot the site's build took (lite/snapshot.mjs), with IPython imported,
// instead of booted from scratch at every kernel start.
//
// jupyterlite-pyodide-kernel 0.6.1's worker runs importScripts(pyodideUrl), then
// self.loadPyodide({indexURL: the folder of pyodideUrl, ...loadPyodideOptions}). This script's
// loadPyodide loads Pyodide's own loader from that folder and calls it with the snapshot; Pyodide
// then loads the packages of loadPyodideOptions as it would have.
const SNAPSHOT = "course-snapshot.bin.gz";
// What a restored kernel runs first (lite/course_snapshot.py): the modules the snapshot could not
// hold bound where IPython expects them, random reseeded. tests/lite/boot_from_snapshot.mjs runs it too.
const ON_RESTORE = 'await __import__("course_snapshot").restored()';

self.loadPyodide = async function loadPyodideFromSnapshot(options) {
  importScripts(new URL("pyodide.js", options.indexURL).href); // sets self.loadPyodide: Pyodide's own
  const loadPyodide = self.loadPyodide;
  self.loadPyodide = loadPyodideFromSnapshot;
  const snapshot = fetch(new URL(SNAPSHOT, options.indexURL)).then(async (response) => {
    if (!response.ok) {
      throw new Error(`${response.url}: HTTP ${response.status}; the site's build writes it (lite/snapshot.mjs)`);
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    // A server may have sent the file with Content-Encoding: gzip, and the browser unpacked it already.
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
      return bytes;
    }
    const unpacked = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(unpacked).arrayBuffer());
  });
  const pyodide = await loadPyodide({ ...options, _loadSnapshot: snapshot });
  await pyodide.runPythonAsync(ON_RESTORE);
  return pyodide;
};
