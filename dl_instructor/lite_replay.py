"""Record notebook 06's trainings for the JupyterLite site, so the browser replays them (dl_utils.replay).

Pyodide's numpy is about 5.5 times slower than a desktop's, and notebook 06 trains about 70
networks: about 295 s in the browser against 54 s natively (issue 28). The site's build runs 06
once, natively, in a kernel of the Python that builds it, with ``DL_UTILS_REPLAY_RECORD`` set: each
``L_layer_model`` call of that run saves its result, and :func:`record_members` returns them as one
file, ``dl_utils/replay_record.npz``, which the build adds to the site's ``dl_utils`` wheel. The
build takes one native run of 06 longer (about a minute).

The kernel imports ``dl_utils`` from ``root`` (``PYTHONPATH``), the same files the wheel is made of:
each recorded call's key holds the text of the library's modules, so a record made from any other
library would never replay.
"""

import os
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from dl_utils import replay

ROOT = Path(__file__).resolve().parent.parent
RECORDED = ("notebooks/06_application.ipynb",)
MEMBER = "dl_utils/" + replay.RECORD.name


def record_members(root=ROOT, notebooks=RECORDED, timeout=1800):
    """Run ``notebooks`` natively with recording on; return ``{MEMBER: the record's bytes}`` for the wheel.

    Parameters
    ----------
    root : Path
        The checkout: its ``dl_utils/`` is what the kernel imports, its notebooks what it runs.
    notebooks : sequence of str
        The notebooks to run, relative to ``root``, each in its own kernel, in its own folder.
    timeout : int
        Seconds a cell may take (06's longest takes about 20 s on a quiet machine).

    Returns
    -------
    members : dict of str to bytes

    Raises
    ------
    RuntimeError
        If the notebooks made no call to record.
    """
    root = Path(root).resolve()
    with tempfile.TemporaryDirectory(prefix="replay-") as tmp:
        calls = Path(tmp) / "calls"
        python_path = os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))
        env = {**os.environ, replay.RECORD_ENV: str(calls), "PYTHONPATH": python_path, "MPLBACKEND": "Agg"}
        for name in notebooks:
            path = root / name
            nb = nbformat.read(path, as_version=4)
            client = NotebookClient(
                nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
            )
            client.execute(env=env)
        entries = {path.stem: path for path in sorted(calls.glob("*.npz"))}
        if not entries:
            raise RuntimeError(f"{', '.join(notebooks)} made no call to record: is {replay.RECORD_ENV} read?")
        record = Path(tmp) / replay.RECORD.name
        replay.write_record(entries, record)
        return {MEMBER: record.read_bytes()}
