"""The grader's file handling against every hostile file and folder a submission can be.

Finding (dl_instructor.files.find_submissions), reading (files.read_bytes), parsing
(submission.read_submission) and the report (dl_instructor.report): each case is made in
``tmp_path`` and its exact outcome asserted. No kernel runs here; the graded runs are in
tests/test_grade.py.
"""

import json

import nbformat
import pytest

from dl_instructor import submission
from dl_instructor.submission import InvalidSubmission, read_submission

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
