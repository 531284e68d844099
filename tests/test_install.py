"""The course installs like a library: a plain ``pip install .`` (not editable) into a fresh virtual
environment, then notebook 06, which loads the digits and the spiral, run from a folder that is
neither the repository nor the installed package.

Slow (a virtual environment, a wheel built and installed, numpy, h5py and matplotlib from pip's
cache, then the notebook's training: minutes, and 06's training again after nbval's run of it): marked
``install``, and run when ``DL_INSTALL=1``, which ``.ci/run`` sets, not by the test command a maintainer
runs often.
The notebook's code cells run as one script in the new environment's Python (they hold no
magics and no display() calls); its printed lines must be the saved outputs of the notebook.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "notebooks" / "06_application.ipynb"
# What building the distribution reads: the project file, then the three packages.
SOURCE = ("pyproject.toml", "dl_utils", "dl_instructor", "dl_bench")


def run(args, **kwargs):
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.mark.install
@pytest.mark.skipif(os.environ.get("DL_INSTALL") != "1",
                    reason="a fresh virtual environment and 06's training (minutes): .ci/run runs it with DL_INSTALL=1")
def test_a_plain_install_runs_notebook_06_from_another_folder(tmp_path):
    # Built from a copy, so that the build's own files (build/, *.egg-info) never land in the repository.
    source = tmp_path / "source"
    source.mkdir()
    shutil.copy(REPO / SOURCE[0], source)
    for package in SOURCE[1:]:
        shutil.copytree(REPO / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv])
    python = venv / "bin" / "python"
    # --no-compile: the byte code of numpy and matplotlib, compiled as they are imported, not all ahead.
    run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile", source])

    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell.source for cell in nb.cells if cell.cell_type == "code"]
    expected = "".join(out.text for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
                       if out.output_type == "stream" and out.name == "stdout")
    script = tmp_path / "elsewhere" / "notebook_06.py"
    script.parent.mkdir()
    script.write_text("\n\n".join(code) + "\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"MPLBACKEND": "Agg"}
    where = Path(run([python, "-c", "import dl_utils; print(dl_utils.__file__)"], cwd=script.parent, env=env).strip())
    assert where.parent.parent.name == "site-packages" and where.is_relative_to(venv), f"dl_utils came from {where}"
    assert (where.parent / "datasets" / "digits.h5").is_file()  # a copy, with its package data
    assert not list(where.parent.parent.glob("__editable__*")), "the install is editable"
    output = run([python, script.name], cwd=script.parent, env=env)
    assert output == expected
