"""Which notebooks a running Jupyter server has open: asked of the server itself, with the standard library.

Every Jupyter server (JupyterLab's, or a JupyterHub's single-user server) writes
``jpserver-<pid>.json`` into Jupyter's runtime directory: its URL, its token and its root
directory. Its REST API lists the open notebooks, ``GET /api/sessions``: one session per notebook
open with a kernel. Whether a tab has unsaved changes is known only to the browser, so a notebook
that is open at all counts: the update stops, and asks for it to be saved and closed first.
"""

import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path


def runtime_dirs():
    """Where Jupyter servers say they run (``jupyter_core.paths.jupyter_runtime_dir``, and its variants)."""
    env = os.environ
    if env.get("JUPYTER_RUNTIME_DIR"):
        return [Path(env["JUPYTER_RUNTIME_DIR"])]
    if env.get("JUPYTER_DATA_DIR"):
        return [Path(env["JUPYTER_DATA_DIR"]) / "runtime"]
    home = Path.home()
    if sys.platform == "darwin":
        data = [home / "Library" / "Jupyter", home / "Library" / "Application Support" / "jupyter"]
    elif sys.platform == "win32":
        data = [Path(env[name]) / "jupyter" for name in ("APPDATA", "LOCALAPPDATA") if env.get(name)]
    else:
        data = [Path(env.get("XDG_DATA_HOME") or home / ".local" / "share") / "jupyter"]
    return [path / "runtime" for path in data]


def _alive(pid):
    if not isinstance(pid, int) or sys.platform == "win32":
        return True  # cannot tell cheaply: ask the server, and a dead one will not answer
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def servers():
    """The running servers' information files, as dicts."""
    found = []
    for folder in runtime_dirs():
        for path in sorted(folder.glob("jpserver-*.json")) if folder.is_dir() else []:
            try:
                info = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(info, dict) and info.get("url") and _alive(info.get("pid")):
                found.append(info)
    return found


def open_notebooks(folder, timeout=5):
    """The notebooks of ``folder`` open in a running Jupyter server, and the servers that could not say.

    Returns
    -------
    open : dict of Path to str
        Each open notebook's resolved path, and the URL of the server that has it open.
    unknown : list of (str, str)
        ``(url, reason)`` of each server that serves ``folder`` but did not answer.
    """
    folder = Path(folder).resolve()
    opened, unknown = {}, []
    for info in servers():
        root = Path(info.get("root_dir") or info.get("notebook_dir") or "/").expanduser().resolve()
        if root != folder and root not in folder.parents:
            continue
        url = info["url"].rstrip("/") + "/api/sessions"
        token = info.get("token") or os.environ.get("JUPYTERHUB_API_TOKEN", "")
        request = urllib.request.Request(url, headers={"Authorization": f"token {token}"} if token else {})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                sessions = json.loads(response.read().decode("utf-8"))
        except urllib.error.URLError as error:
            if isinstance(error, urllib.error.HTTPError) or not isinstance(error.reason, ConnectionRefusedError):
                unknown.append((info["url"], str(error)))
            continue  # refused: the server has stopped since it wrote its file
        except (OSError, ValueError) as error:
            unknown.append((info["url"], str(error)))
            continue
        for session in sessions if isinstance(sessions, list) else []:
            path = session.get("path") or (session.get("notebook") or {}).get("path")
            if isinstance(path, str):
                opened[(root / path).resolve()] = info["url"]
    return opened, unknown
