"""The LMS export: the columns each LMS's documented grade import reads, from the report's own totals.

Canvas (gradebook import, "How do I import grades in the Gradebook?"): the columns ``Student``,
``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section`` first, then one column per assignment, named
``Name (id)`` for an existing one; a ``Points Possible`` line under the header. Moodle (Import >
CSV file): a header line, a column that identifies the user (mapped to ``Email address`` or ``ID
number`` on import), and a grade column mapped to the grade item. The rosters below have the
columns those LMSs' own exports have.
"""

import csv
import io

import pytest

from dl_instructor import lms, report

CANVAS_EXPORT = (
    "Student,ID,SIS User ID,SIS Login ID,Section,Homework 1 (1201),ps1 (1234),Current Score,Final Score\n"
    "    Points Possible,,,,,10.00,20.00,(read only),(read only)\n"
    "\"Lovelace, Ada\",101,S001,ada,Section A,9,,90,90\n"
    "\"Babbage, Charles\",102,S002,cbabbage,Section A,7,,70,70\n"
    "\"Hopper, Grace\",103,S003,ghopper,Section B,10,,100,100\n"
    "\"Student, Test\",999,,,Section A,,,,\n"
)
MOODLE_EXPORT = (
    "First name,Last name,ID number,Institution,Department,Email address,Assignment: ps1 (Real),"
    "Last downloaded from this course\n"
    "Ada,Lovelace,S001,,,ada@example.org,-,1733500000\n"
    "Charles,Babbage,S002,,,cb@example.org,-,1733500000\n"
    "Grace,Hopper,S003,,,grace@example.org,-,1733500000\n"
)


def rows(points):
    """Report rows: two exercises per learner, ``points[learner]`` being the points of each."""
    out = []
    for learner, (first, second) in points.items():
        out += [{"learner": learner, "notebook": "02_forward", "exercise": "linear_forward", "points": first,
                 "max_points": 2.0, "status": "passed" if first else "failed", "message": "", "seconds": 0.0,
                 "mistake": ""},
                {"learner": learner, "notebook": "02_forward", "exercise": "relu", "points": second,
                 "max_points": 1.0, "status": "passed" if second else "failed", "message": "", "seconds": 0.0,
                 "mistake": ""}]
    return out


def roster_file(tmp_path, text, name="roster.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read_csv(path):
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_canvas_file_has_canvas_columns_the_points_possible_line_and_the_report_totals(tmp_path):
    graded = rows({"ada": (2.0, 1.0), "cbabbage": (0.0, 1.0), "stranger": (2.0, 0.0)})
    roster = lms.read_roster(roster_file(tmp_path, CANVAS_EXPORT), "canvas")
    result = lms.export(graded, roster, tmp_path / "report", "ps1")
    assert result.path == tmp_path / "report.canvas.csv"
    lines = read_csv(result.path)
    assert lines[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "ps1 (1234)"]
    assert lines[1] == ["Points Possible", "", "", "", "", "3"]
    totals = report.totals(graded)
    assert lines[2] == ["Lovelace, Ada", "101", "S001", "ada", "Section A", f"{totals['ada']['points']:g}"]
    assert lines[3] == ["Babbage, Charles", "102", "S002", "cbabbage", "Section A", "1"]
    assert lines[4] == ["Hopper, Grace", "103", "S003", "ghopper", "Section B", ""]  # nothing handed in
    assert len(lines) == 5  # Canvas's test student is not a learner
    assert result.unknown == ["stranger"] and result.missing == ["Hopper, Grace"]
    said = "\n".join(lms.describe(result))
    assert "1 submission folder(s) match no one of the roster (not in the file): stranger" in said
    assert "1 learner(s) of the roster handed in nothing (their grade left empty): Hopper, Grace" in said


def test_canvas_new_assignment_gets_a_column_of_its_own_name_and_ids_match_by_any_identifier(tmp_path):
    roster = lms.read_roster(roster_file(tmp_path, CANVAS_EXPORT), "canvas")
    result = lms.export(rows({"S001": (2.0, 0.0), "103": (2.0, 1.0)}), roster, tmp_path / "r.json", "ps2")
    lines = read_csv(result.path)
    assert lines[0][-1] == "ps2" and [line[-1] for line in lines[2:]] == ["2", "", "3"]


def test_moodle_file_has_the_identifier_columns_and_the_grade_column(tmp_path):
    roster = lms.read_roster(roster_file(tmp_path, MOODLE_EXPORT), "moodle")
    result = lms.export(rows({"ada@example.org": (2.0, 1.0), "S002": (1.0, 0.0)}), roster, tmp_path / "report",
                        "ps1")
    assert result.path == tmp_path / "report.moodle.csv"
    lines = read_csv(result.path)
    assert lines[0] == ["First name", "Last name", "ID number", "Email address", "ps1"]
    assert lines[1:] == [["Ada", "Lovelace", "S001", "ada@example.org", "3"],
                         ["Charles", "Babbage", "S002", "cb@example.org", "1"],
                         ["Grace", "Hopper", "S003", "grace@example.org", ""]]
    assert result.missing == ["Grace Hopper"] and result.unknown == []


def test_a_semicolon_separated_moodle_export_is_read(tmp_path):
    roster = lms.read_roster(roster_file(tmp_path, MOODLE_EXPORT.replace(",", ";")), "moodle")
    assert [p["Email address"] for p in roster.people] == ["ada@example.org", "cb@example.org", "grace@example.org"]


def test_a_roster_of_the_other_lms_is_refused_with_the_right_option(tmp_path):
    with pytest.raises(lms.RosterError, match=r"not a Canvas roster: it lacks the column\(s\) Student, ID.*"
                                              r"use --lms moodle"):
        lms.read_roster(roster_file(tmp_path, MOODLE_EXPORT), "canvas")
    with pytest.raises(lms.RosterError, match=r"not a Moodle roster.*use --lms canvas"):
        lms.read_roster(roster_file(tmp_path, CANVAS_EXPORT), "moodle")


def test_a_file_that_is_no_roster_is_refused(tmp_path):
    with pytest.raises(lms.RosterError, match="not a Canvas roster: it lacks the column"):
        lms.read_roster(roster_file(tmp_path, "name,score\nada,3\n"), "canvas")
    with pytest.raises(lms.RosterError, match="the roster is empty"):
        lms.read_roster(roster_file(tmp_path, "\n\n"), "moodle")
    with pytest.raises(lms.RosterError, match="cannot be read"):
        lms.read_roster(tmp_path / "nowhere.csv", "moodle")


def test_duplicate_identifiers_are_refused_naming_both_people(tmp_path):
    doubled = CANVAS_EXPORT.replace("103,S003,ghopper", "103,S003,ada")
    with pytest.raises(lms.RosterError, match=r"the same identifier names two people.*'ada' for Lovelace, Ada "
                                              r"and Hopper, Grace"):
        lms.read_roster(roster_file(tmp_path, doubled), "canvas")
    doubled = MOODLE_EXPORT.replace("grace@example.org", "ada@example.org")
    with pytest.raises(lms.RosterError, match="'ada@example.org' for Ada Lovelace and Grace Hopper"):
        lms.read_roster(roster_file(tmp_path, doubled), "moodle")


def test_a_formula_in_a_roster_name_is_written_as_text(tmp_path):
    roster = lms.read_roster(roster_file(tmp_path, MOODLE_EXPORT.replace("Ada,Lovelace", "=HYPERLINK(1),x")),
                             "moodle")
    lines = read_csv(lms.export(rows({}), roster, tmp_path / "r", "ps1").path)
    assert lines[1][0] == "'=HYPERLINK(1)"
