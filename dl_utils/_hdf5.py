"""Open an HDF5 file with h5py, or, where h5py is absent (the JupyterLite site), with pyfive.

pyfive is a pure-Python reader of HDF5 with h5py's interface for what ``dl_utils.data`` uses:
``f.attrs``, ``f[key][()]``, ``key in f``, a context manager. The JupyterLite site ships pyfive
instead of Pyodide's h5py (docs/lite.md says why). It reads the file from bytes in memory: numpy's
memory-mapping, which pyfive uses on a file on disk, fails on the browser's ``/drive``.
"""

import io
from pathlib import Path


def open_hdf5(path, data=None):
    """Open the HDF5 file at ``path`` for reading, as an h5py-like ``File``.

    Parameters
    ----------
    path : str or Path
    data : bytes, optional
        The file's bytes, when the caller has read them already (pyfive then reads no file).
    """
    try:  # imported here, not at the top: only reading a dataset needs it (not `import dl_utils.checks`)
        import h5py
    except ImportError:  # the JupyterLite site: pyfive instead
        h5py = None
    if h5py is not None:
        return h5py.File(path, "r")
    try:
        import pyfive
    except ImportError as error:
        raise ImportError(
            f"reading {path} needs h5py (pip install h5py) or, where h5py is not available, pyfive (pip install pyfive)"
        ) from error
    return pyfive.File(io.BytesIO(data if data is not None else Path(path).read_bytes()))
