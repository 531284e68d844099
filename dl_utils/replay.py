"""Trainings replayed in the browser from the site's build, so notebook 06 runs there in seconds.

Python in the browser (the JupyterLite site, Pyodide) runs numpy about 5.5 times slower than a
desktop, and notebook 06 trains about 70 networks: minutes in a browser tab. When the site is built
(``dl_instructor.lite``), notebook 06 is run once natively with recording on, and every result of
:func:`L_layer_model` it computes is saved in ``replay_record.npz``, package data of the site's
``dl_utils`` wheel. In the browser, a call whose inputs are exactly those of a recorded call
returns the recorded result instead of training again, and the cell says so in one line of its
output; any other call (another seed, another learning rate, one pixel changed) trains for real.

A call's key is the sha256 of everything its result depends on: the function's name, every
argument (an array by its dtype, shape and bytes), and the text of the library's own modules, so
a library changed after the record was made never replays a stale result. What numpy computed
natively when the site was built can differ from what the browser's numpy would compute in the
last bits of a float; the numbers shown are the first.

Replay happens only under Pyodide (``sys.platform == "emscripten"``), only while it is on
(:func:`off`, :func:`on`) and only if the record is in the package. Everywhere else, a
learner's computer, the tests and the grader included, every call trains: the grader must judge
what the learner's code computes in its own run, never a result computed elsewhere.

Recording: with the environment variable ``DL_UTILS_REPLAY_RECORD`` set to a folder, every
replayable call trains and saves its result in that folder as ``KEY.npz``;
``dl_instructor.lite_replay`` merges them into the record. A record that cannot be read is an
error that says so (the site was built wrong); a missing record, or a call not in it, trains.
"""

import functools
import hashlib
import inspect
import io
import json
import os
import sys
import zipfile
from pathlib import Path

import numpy as np

RECORD = Path(__file__).resolve().parent / "replay_record.npz"
RECORD_ENV = "DL_UTILS_REPLAY_RECORD"
# Replay on or off (off(), on()), and the replays of the running cell, for its one line of notice.
_state = {"on": True, "replayed": 0, "notice_hooked": False}


def off():
    """Train for real from now on, in the browser too (until :func:`on`)."""
    _state["on"] = False


def on():
    """Replay the recorded trainings again in the browser (the default)."""
    _state["on"] = True


def replayable(unless=None):
    """Decorate a trainer that returns ``(parameters, costs)`` so that its results can be recorded and replayed.

    Parameters
    ----------
    unless : str, optional
        The name of an argument that, when true, makes the call train for real and not be
        recorded (``print_cost``: its printed lines are the training's progress).

    Returns
    -------
    decorator : callable
        Takes the trainer and returns it wrapped; the wrapped trainer has the same signature and
        the same results.
    """

    def decorator(trainer):
        signature = inspect.signature(trainer)

        @functools.wraps(trainer)
        def wrapped(*args, **kwargs):
            if not (_replaying() or os.environ.get(RECORD_ENV)):  # natively, not recording: no key to compute
                return trainer(*args, **kwargs)
            key = None
            try:
                bound = signature.bind(*args, **kwargs)
                bound.apply_defaults()
                if not (unless and bound.arguments.get(unless)):
                    key = call_key(trainer.__qualname__, bound.arguments)
            except TypeError:  # wrong arguments: the trainer itself says what is wrong
                pass
            if key is not None and _replaying():
                found = lookup(key)
                if found is not None:
                    _announce()
                    return found
            result = trainer(*args, **kwargs)
            if key is not None and os.environ.get(RECORD_ENV):
                save_entry(Path(os.environ[RECORD_ENV]) / f"{key}.npz", *result)
            return result

        return wrapped

    return decorator


def call_key(name, arguments):
    """Return the sha256 (hex) of a call: ``name``, its ``arguments`` and the library's source; None if not replayable.

    Parameters
    ----------
    name : str
        The trainer's name.
    arguments : dict of str to object
        Every argument by name, defaults included. Arrays and numpy scalars count by dtype,
        shape and bytes; ``bool``, ``int``, ``float``, ``str``, ``None`` and lists or tuples of
        them by value and type. Any other argument (a ``numpy.random.Generator`` seed) makes the
        call not replayable.

    Returns
    -------
    key : str or None
    """
    digest = hashlib.sha256(b"dl_utils.replay 1\0" + name.encode() + b"\0" + library_digest().encode())
    for argument, value in sorted(arguments.items()):
        digest.update(argument.encode() + b"\0")
        if isinstance(value, (np.ndarray, np.generic)):
            array = np.ascontiguousarray(value)
            digest.update(f"array {array.dtype.str} {array.shape}\0".encode() + array.tobytes())
        elif _plain(value):
            digest.update(json.dumps(value).encode() + b"\0")
        else:
            return None
    return digest.hexdigest()


def library_digest(package=None):
    """Return the sha256 (hex) of the text of the library's modules (``package/*.py``, default
    ``dl_utils``'s own folder), in name order."""
    digest = hashlib.sha256()
    for module in sorted(Path(package or Path(__file__).resolve().parent).glob("*.py")):
        digest.update(module.name.encode() + b"\0" + module.read_bytes() + b"\0")
    return digest.hexdigest()


def lookup(key, record=None):
    """Return the recorded ``(parameters, costs)`` of the call ``key``, or None if the record has none.

    Parameters
    ----------
    key : str
        A :func:`call_key`.
    record : Path, optional
        The record file; default ``RECORD``, the one in the package. A missing file gives None.

    Returns
    -------
    result : tuple (dict of str to ndarray, list of float) or None

    Raises
    ------
    ValueError
        If the record exists but cannot be read, or holds a part of the entry only.
    """
    record = Path(RECORD if record is None else record)
    if not record.is_file():
        return None
    try:
        with np.load(record, allow_pickle=False) as entries:
            names = [n[len(key) + 1 :] for n in entries.files if n.startswith(key + "/")]
            if not names:
                return None
            if "costs" not in names:
                raise ValueError(f"its entry {key} has no costs")
            names.remove("costs")
            parameters = {n: entries[f"{key}/{n}"] for n in sorted(names, key=_parameter_order)}
            costs = entries[f"{key}/costs"].tolist()
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise ValueError(
            f"The replay record {record} cannot be read ({error}). Run import dl_utils; dl_utils.replay.off() to train "
            "for real; the site's build made a bad record: rebuild it."
        ) from error
    return parameters, costs


def save_entry(path, parameters, costs):
    """Save one call's ``parameters`` (dict of arrays) and ``costs`` (list of float) as the npz file ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, costs=np.asarray(costs, dtype=np.float64), **parameters)


def write_record(entries, path):
    """Write ``entries`` (dict of key to the path of its :func:`save_entry` file) into one record ``path``.

    The same bytes for the same entries: members in sorted order, a fixed timestamp, no pickle.
    """
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for key in sorted(entries):
            with np.load(entries[key], allow_pickle=False) as entry:
                for name in sorted(entry.files):
                    member = io.BytesIO()
                    np.lib.format.write_array(member, entry[name], allow_pickle=False)
                    info = zipfile.ZipInfo(f"{key}/{name}.npy", date_time=(2020, 1, 1, 0, 0, 0))
                    z.writestr(info, member.getvalue(), zipfile.ZIP_DEFLATED)


def _replaying():
    return sys.platform == "emscripten" and _state["on"]


def _plain(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    return isinstance(value, (list, tuple)) and all(_plain(v) for v in value)


def _parameter_order(name):
    """``W1, b1, W2, b2, ...``, the order initialize_parameters_deep makes them in."""
    return int(name[1:]), name[0] != "W"


def _announce():
    """Count a replay for the running cell's one line of notice (printed as the cell ends)."""
    shell = _shell()
    if shell is None:  # no IPython: say it at each replay
        print(_notice(1))
        return
    if not _state["notice_hooked"]:
        shell.events.register("post_run_cell", _end_of_cell)
        _state["notice_hooked"] = True
    _state["replayed"] += 1


def _end_of_cell(result=None):
    if _state["replayed"]:
        print(_notice(_state["replayed"]))
        _state["replayed"] = 0


def _notice(count):
    trainings = "1 training" if count == 1 else f"{count} trainings"
    return (
        f"(In the browser: {trainings} of this cell replayed from the site's build, where this same code "
        "trained on the same data from the same seeds. To train here instead (minutes): run "
        "import dl_utils; dl_utils.replay.off(), then this cell again.)"
    )


def _shell():
    ipython = sys.modules.get("IPython")
    return ipython.get_ipython() if ipython is not None else None
