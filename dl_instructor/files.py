"""Find and read learners' submitted files without trusting the folder they came in.

A submissions folder is made by learners (or by unpacking what they sent), so anything can
be in it: a symbolic link to another learner's file or to ``/dev/zero``, a FIFO that blocks
whoever opens it, a file of gigabytes, a million empty folders, names with newlines or bytes
that are not UTF-8. Nothing here follows a link, opens anything but a regular file, or reads
more than the size limit plus one byte; each thing the grader will not read becomes a
:class:`Problem` with its reason, for the report, instead of an exception.

    find_submissions   which file of each learner is which course notebook (looks, never opens)
    read_bytes         the bytes of one of them, checked again on the opened file
    printable          a file name as printable text, one to one
    learner_path       the one path component the grader makes from a learner's name, unique per learner
"""

import errno
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from .submission import MAX_NOTEBOOK_BYTES, InvalidSubmission, too_large

MAX_DEPTH = 6  # folders inside a learner's folder (nbgrader's layout needs 1: <learner>/<assignment>/)
MAX_ENTRIES = 10_000  # files and folders listed in one learner's folder, at every depth together

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_READ = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


@dataclass(frozen=True)
class Problem:
    """Why a learner's file or folder was not graded: its ``reason``, ready for the report."""

    reason: str

    def __str__(self):
        return self.reason


def printable(name):
    """``name`` as printable text, different names always giving different texts.

    Printable characters are kept as they are (a leading ``.``, ``=``, ``+``, ``-``, ``@``
    included: escaping a spreadsheet formula is the report's business, see
    :mod:`dl_instructor.report`). A backslash is doubled; a byte that is not UTF-8 (kept by
    :func:`os.fsdecode` as a lone surrogate) is written ``\\xNN``; an ASCII control
    character as Python writes it (``\\n``, ``\\t``, ``\\r``, ``\\x1b``); any other character
    that does not print (U+0085, a right-to-left override U+202E, a zero-width space) as
    ``\\uNNNN`` or ``\\UNNNNNNNN``.

    Parameters
    ----------
    name : str or bytes
        A file or folder name, as ``os.scandir`` gives it.
    """
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    out = []
    for ch in name:
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the byte code - 0xDC00
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch.isprintable():
            out.append(ch)
        elif code < 0x80:
            out.append(ascii(ch)[1:-1])
        else:
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
    return "".join(out)


def learner_path(learner, suffix=""):
    """The file or folder name made from a learner's name: its safe characters and a hash of the whole name.

    Every path the grader writes that is named after a learner (an ``--executed`` folder, a page of the
    class report) is made here, so two learners never share one (``.coll`` and ``coll``, ``a b`` and
    ``a_b`` differ in their hash), and none is ``..``, hidden, or more than one path component.
    """
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", learner)[:60] or "_"
    digest = hashlib.sha256(learner.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    name = f"{safe}-{digest}{suffix}"
    if not re.fullmatch(r"[A-Za-z0-9_-]+-[0-9a-f]{12}(\.[a-z]+)?", name):
        raise ValueError(f"not a safe path component: {name!r}")
    return name


def _kind(mode):
    for test, what in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return what
    return "not a regular file"


def _link(path):
    try:
        target = printable(os.readlink(path))
    except OSError:
        return "a symbolic link"
    return f"a symbolic link (to {target[:80]}{'...' if len(target) > 80 else ''})"


def find_submissions(submissions_dir, match, *, max_depth=MAX_DEPTH, max_entries=MAX_ENTRIES,
                     max_bytes=MAX_NOTEBOOK_BYTES):
    """Each learner's submitted file for each course notebook, found without opening any file.

    Every folder of ``submissions_dir`` is a learner, whatever its name (one starting with
    ``.`` too), keyed by :func:`printable` of its name. In a learner's folder, files are
    found at any depth (nbgrader's ``submitted/<learner>/<assignment>/``), skipping names
    that start with ``.`` (``.ipynb_checkpoints/``); a file ``*.ipynb`` is the notebook
    ``match`` names. When two files are the same notebook, an exact name beats a prefix
    match (``01_tiny.ipynb`` beats ``01_tiny-Copy1.ipynb``), then a readable file beats a
    :class:`Problem`, then the first path in sorted order wins.

    Nothing is followed or opened: types and sizes come from ``lstat``. A learner's file that
    is a symbolic link, a FIFO, a device, a socket, or over ``max_bytes`` is a Problem. A
    learner folder that is itself a symbolic link, cannot be listed, holds more than
    ``max_entries`` files and folders, or folders more than ``max_depth`` deep, is a Problem
    as a whole. A symbolic link to a folder inside a learner's folder is not followed either,
    so a notebook reached only through it is not found. Other entries of ``submissions_dir``
    (files, FIFOs) are not learners and are left out.

    Parameters
    ----------
    submissions_dir : path
        One folder per learner. Only listed.
    match : callable
        ``match(filename) -> notebook name or None``, e.g. ``Course.match`` of the grader.
    max_depth, max_entries, max_bytes : int
        The bounds above.

    Returns
    -------
    dict
        ``{learner: {notebook: Path | Problem}}``, learners in sorted order, a notebook the
        learner did not submit absent; ``{learner: Problem}`` for a learner folder that was
        not searched. Read a ``Path`` with :func:`read_bytes`, which checks it again.
    """
    root = Path(submissions_dir)
    found = {}
    with os.scandir(root) as listing:
        entries = sorted(listing, key=lambda e: e.name)
    for entry in entries:
        learner = printable(entry.name)
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError as e:
            found[learner] = Problem(f"{learner} could not be examined ({e.strerror}), so nothing in it was graded")
            continue
        if stat.S_ISLNK(mode):
            found[learner] = Problem(f"{learner} is {_link(entry.path)}, not a folder: links are never followed, "
                                     "so nothing in it was graded")
        elif stat.S_ISDIR(mode):
            found[learner] = _search(Path(entry.path), learner, match, max_depth, max_entries, max_bytes)
    return found


def _search(folder, learner, match, max_depth, max_entries, max_bytes):
    """``{notebook: Path | Problem}`` of one learner's folder, or a Problem for the whole folder."""
    best = {}  # notebook -> (rank, Path | Problem)
    listed = 0
    pending = [(folder, ())]
    while pending:
        path, parts = pending.pop()
        entries = []
        try:
            with os.scandir(path) as listing:
                for entry in listing:
                    listed += 1
                    if listed > max_entries:
                        return Problem(f"{learner} holds more than {max_entries} files and folders: the grader "
                                       "stopped looking, so nothing in it was graded; remove what is not a notebook")
                    entries.append(entry)
        except OSError as e:
            where = "/".join([learner, *map(printable, parts)])
            return Problem(f"{where} could not be listed ({e.strerror}), so nothing in {learner} was graded")
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name.startswith("."):
                continue
            here = (*parts, entry.name)
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:  # gone since it was listed
                continue
            if stat.S_ISDIR(st.st_mode):
                if len(here) > max_depth:
                    return Problem(f"{learner} has folders more than {max_depth} deep ({'/'.join(map(printable, here))}"
                                   "): the grader stopped looking, so nothing in it was graded")
                pending.append((Path(entry.path), here))
                continue
            notebook = match(entry.name) if entry.name.endswith(".ipynb") else None
            if notebook is None:
                continue
            name = "/".join(map(printable, here))
            if stat.S_ISLNK(st.st_mode):
                found = Problem(f"{name} is {_link(entry.path)}: links are never followed, so it was not graded")
            elif not stat.S_ISREG(st.st_mode):
                found = Problem(f"{name} is {_kind(st.st_mode)}, not a file: it was not read")
            elif st.st_size > max_bytes:
                found = Problem(f"{name}: {too_large(st.st_size, max_bytes)}")
            else:
                found = Path(entry.path)
            rank = (Path(entry.name).stem != notebook, isinstance(found, Problem), here)
            if notebook not in best or rank < best[notebook][0]:
                best[notebook] = rank, found
    return {notebook: best[notebook][1] for notebook in sorted(best)}


def read_bytes(path, *, root=None, max_bytes=MAX_NOTEBOOK_BYTES):
    """The bytes of the regular file ``path``, at most ``max_bytes`` of them, or InvalidSubmission.

    ``path`` is checked again where it is opened, since it may have changed since it was
    listed: opened with ``O_NOFOLLOW | O_NONBLOCK`` (a symbolic link is refused, a FIFO does
    not block), the opened descriptor ``fstat``-ed (anything but a regular file, or a file
    over ``max_bytes``, is refused before a byte is read), then at most ``max_bytes + 1``
    bytes read (a file that grows meanwhile is refused too). With ``root``, every folder
    between ``root`` and ``path`` is opened in turn without following links either, so a
    learner folder swapped for a link since it was listed is refused as well.

    Parameters
    ----------
    path : path
        The file, e.g. a ``Path`` from :func:`find_submissions`.
    root : path, optional
        A trusted folder that holds ``path`` (the submissions folder).
    max_bytes : int
        The size limit.

    Raises
    ------
    InvalidSubmission
        With the reason, in words that follow the file's name (``the file is a FIFO ...``).
    """
    path = Path(path)
    if root is not None and not (hasattr(os, "O_NOFOLLOW") and {os.open, os.stat} <= os.supports_dir_fd):
        root = None  # no race-free walk on this system: O_NOFOLLOW on the file's own name only
    parent = None
    try:
        if root is None:
            folders, name = [], str(path)
        else:
            rel = path.relative_to(root)  # ValueError: the caller's mistake, not the learner's
            *folders, name = rel.parts
            parent = os.open(root, _READ | _DIRECTORY)
        for folder in folders:
            try:
                fd = os.open(folder, _READ | _DIRECTORY | _NOFOLLOW, dir_fd=parent)
            except OSError as e:
                if e.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                    raise InvalidSubmission(f"the folder {printable(folder)} that holds it is no longer a folder "
                                            "(a symbolic link?): it was not followed") from None
                raise
            os.close(parent)
            parent = fd
        return _read_file(name, parent, max_bytes)
    except OSError as e:
        raise InvalidSubmission(f"the file could not be read ({e.strerror or e})") from None
    finally:
        if parent is not None:
            os.close(parent)


def _read_file(name, dir_fd, max_bytes):
    refuse = "the file is {}, not a regular file: it was not read"
    st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)  # nothing but a regular file is even opened
    if not stat.S_ISREG(st.st_mode):
        raise InvalidSubmission(refuse.format(_kind(st.st_mode)))
    try:
        fd = os.open(name, _READ | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0), dir_fd=dir_fd)
    except OSError as e:
        if e.errno in (errno.ELOOP, errno.EMLINK):  # made a link since the lstat
            raise InvalidSubmission(refuse.format("a symbolic link")) from None
        raise
    try:
        st = os.fstat(fd)  # what was opened, whatever the name points to now
        if not stat.S_ISREG(st.st_mode):
            raise InvalidSubmission(refuse.format(_kind(st.st_mode)))
        if st.st_size > max_bytes:
            raise too_large(st.st_size, max_bytes)
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:
            raise InvalidSubmission(f"the file grew past the grader's limit of {max_bytes / 1e6:.0f} MB "
                                    "while it was read")
        return b"".join(chunks)
    finally:
        os.close(fd)
