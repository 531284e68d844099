// Compile the Python files of wheels to bytecode with the CPython the site runs, Pyodide's own:
//
//     node lite/py_compile.mjs PYODIDE_DIR JOBS.json
//
// PYODIDE_DIR is a local Pyodide (tests/lite/local_pyodide.py assembles one, verified). JOBS.json is
// a list of {"wheel": path, "out": path, "keep_source": bool}: for each, every .py member of the
// wheel is compiled by py_compile in Pyodide's CPython 3.12 (there is no other 3.12 on the build
// machine, and a .pyc is only read by the CPython version that wrote it), and "out" becomes a zip
// of the compiled members alone, at the paths they take in the wheel: beside the source in
// __pycache__/NAME.cpython-312.pyc when keep_source, else NAME.pyc in the source's place, as
// pyodide-build's py-compile does for Pyodide's own packages. dl_instructor/lite.py
// (compile_wheels) writes them into the wheels. Every .pyc is UNCHECKED_HASH: it holds no
// timestamp, so the same source gives the same bytes (and the same wheel sha256) at every build,
// and Python never compares it with the source's mtime (a zip's dates would otherwise decide
// whether the bytecode is used).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

import { loadLocalPyodide, requireArgs } from "./node_pyodide.mjs";

const [pyodideDir, jobsPath] = requireArgs("node lite/py_compile.mjs PYODIDE_DIR JOBS.json", 2);
const pyodide = await loadLocalPyodide(pyodideDir);
// The host's files, under /host in Pyodide's file system.
pyodide.FS.mkdir("/host");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: "/" }, "/host");
const jobs = JSON.parse(readFileSync(jobsPath, "utf8")).map((job) => ({
  ...job,
  wheel: "/host" + resolve(job.wheel),
  out: "/host" + resolve(job.out),
}));
pyodide.globals.set("jobs_json", JSON.stringify(jobs));
const summary = pyodide.runPython(`
import importlib.util, json, py_compile, sys, tempfile, zipfile
from pathlib import Path

assert sys.implementation.cache_tag == "cpython-312", sys.implementation.cache_tag
lines = []
with tempfile.TemporaryDirectory() as tmp:
    source, compiled = Path(tmp) / "source.py", Path(tmp) / "compiled.pyc"
    for job in json.loads(jobs_json):
        count = 0
        with zipfile.ZipFile(job["wheel"]) as wheel, zipfile.ZipFile(job["out"], "w") as out:
            for name in wheel.namelist():
                if not name.endswith(".py"):
                    continue
                source.write_bytes(wheel.read(name))
                # dfile: the path in the wheel, as pyodide-build gives it (a kept source's path
                # replaces it as Python imports the module).
                py_compile.compile(
                    str(source), cfile=str(compiled), dfile=name, doraise=True,
                    invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
                )
                target = importlib.util.cache_from_source(name) if job["keep_source"] else name + "c"
                info = zipfile.ZipInfo(target, date_time=(2020, 1, 1, 0, 0, 0))
                out.writestr(info, compiled.read_bytes(), zipfile.ZIP_DEFLATED)
                count += 1
        lines.append(f"{Path(job['wheel']).name}: {count} files compiled")
"\\n".join(lines)
`);
console.log(summary);
