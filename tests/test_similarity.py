"""Similar submissions per exercise: copies stand out from the class's own pairs, worded as evidence.

A small class of notebook 03 (``compute_cost``) and 02 (``linear_forward``): learners who write the
answer each in a style of their own (dl_instructor.synthetic_class's honest learners), one who hands
in another's work with every variable renamed and a comment added, one who pastes the library's
reference renamed so, and one who hands in the blank learner version (left out: the starter code is
nobody's work). No grading is needed: the comparison reads the submissions as the grader does.
"""

import inspect
import json
from pathlib import Path

import nbformat
import numpy as np
import pytest

pytest.importorskip("copydetect")

from dl_instructor import similarity, synthetic_class  # noqa: E402

COURSE = similarity.COURSE

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ["02_forward", "03_cost"]


def match(filename):
    stem = Path(filename).stem
    return stem if stem in NOTEBOOKS else None


def _write(folder, learner, cells):
    """``cells``: {notebook: {grade_id: source}} over the solved course notebook."""
    for notebook in NOTEBOOKS:
        nb = nbformat.read(ROOT / "notebooks" / f"{notebook}.ipynb", as_version=4)
        for grade_id, source in cells.get(notebook, {}).items():
            synthetic_class._cell(nb, grade_id).source = source
        (folder / learner).mkdir(exist_ok=True)
        nbformat.write(nb, folder / learner / f"{notebook}.ipynb")


def _solution(notebook, grade_id):
    return synthetic_class._cell(nbformat.read(ROOT / "notebooks" / f"{notebook}.ipynb", as_version=4), grade_id).source


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    cost, forward = _solution("03_cost", "ex_compute_cost"), _solution("02_forward", "ex_linear_forward")
    own = {}
    for k in range(8):
        rng = np.random.default_rng(100 + k)
        own[k] = {"03_cost": {"ex_compute_cost": synthetic_class.restyled(cost, rng)},
                  "02_forward": {"ex_linear_forward": synthetic_class.restyled(forward, rng)}}
        _write(folder, f"own_{k}", own[k])
    # A different, honest, longer answer to compute_cost: a loop over the examples.
    _write(folder, "own_loop", {"03_cost": {"ex_compute_cost": (
        "def compute_cost(AL, Y):\n    total = 0.0\n    m = Y.shape[1]\n    for i in range(m):\n"
        "        y, a = Y[0, i], AL[0, i]\n        total += y * np.log(a) + (1 - y) * np.log(1 - a)\n"
        "    return float(-total / m)\n")}})
    # own_7's functions are its own alone; own_3's compute_cost is also own_5's, token for token (their
    # styles drew the same choices): a copy of it is a third learner with the same code, common code.
    _write(folder, "copier", {nb: {g: synthetic_class.renamed(src, "all mine") for g, src in cells.items()}
                              for nb, cells in own[7].items()})
    _write(folder, "copier_of_common", {"03_cost": {"ex_compute_cost": synthetic_class.renamed(
        own[3]["03_cost"]["ex_compute_cost"], "mine too")}})
    _write(folder, "pasted", {"03_cost": {"ex_compute_cost": synthetic_class.renamed(
        synthetic_class.reference_source("compute_cost"), "my answer")}})
    blank = nbformat.read(ROOT / "notebooks" / "exercises" / "03_cost.ipynb", as_version=4)
    (folder / "blank").mkdir()
    nbformat.write(blank, folder / "blank" / "03_cost.ipynb")
    results, seconds = similarity.analyse(folder, ROOT / "notebooks", NOTEBOOKS, match)
    return folder, {r.exercise: r for r in results}, seconds


def test_normalised_functions_ignore_comments_docstrings_and_names():
    a = 'def f(x, y):\n    """Add."""\n    # the sum\n    total = x + y  # here\n    return total\n'
    b = "def f(x, y):\n    s = x + y\n\n    return s\n"
    written, normalised = similarity.function_source(a, "f")
    assert written.startswith("def f(x, y):") and "# the sum" in written
    assert '"""' not in normalised and "#" not in normalised
    fa, fb = (similarity._fingerprint(similarity.function_source(s, "f")[1]) for s in (a, b))
    assert similarity.score(fa, fb) == 1.0
    assert similarity.function_source("def f(:\n", "f") == (None, None)
    assert similarity.function_source("def g():\n    pass\n", "f") == (None, None)


def test_the_copy_of_a_peer_stands_out_and_the_blank_starter_is_left_out(analysed):
    _, by_exercise, _ = analysed
    cost = by_exercise["compute_cost"]
    assert "blank" not in {p.a for p in cost.flagged} | {p.b for p in cost.flagged}
    assert cost.learners == 12  # 8 own styles, the loop, the two copiers, the paster; not the blank
    flagged = {(p.a, p.b): p for p in cost.flagged}
    assert ("copier", "own_7") in flagged and flagged["copier", "own_7"].score == 1.0
    pair = flagged["copier", "own_7"]
    assert "cost_mine" in pair.a_source and "cost_value" in pair.b_source  # as written: the renamed copy, its source
    assert not any("own_loop" in k for k in flagged)  # a different honest answer is no one's copy
    assert cost.threshold > cost.median


def test_code_that_much_of_the_class_wrote_counts_for_nothing(analysed):
    """Three learners with one compute_cost (two honest, one copy): above the share, so common code, not listed.

    A copy of code that honest learners also wrote is the same text as theirs: the comparison cannot
    find it, and says so, rather than list the honest learners with it.
    """
    _, by_exercise, _ = analysed
    cost = by_exercise["compute_cost"]
    assert cost.common_limit == 2 and cost.common_fingerprints > 0 and cost.only_common >= 3
    listed = {p.a for p in cost.flagged} | {p.b for p in cost.flagged}
    assert not listed & {"copier_of_common", "own_3", "own_5"}
    pairs, _, common, bare = similarity.scores(*_found(analysed, "compute_cost"))
    assert {"copier_of_common", "own_3", "own_5"} <= bare
    assert pairs["copier_of_common", "own_3"] == pairs["own_3", "own_5"] == 0.0


def test_pairs_are_ranked_by_their_evidence_over_all_exercises(analysed):
    """Each exercise adds -log10 of the share of the class's pairs as alike; the same code, the same evidence.

    The copier handed in own_7's two functions; own_3 and own_5 wrote one compute_cost by chance (their
    styles drew the same choices), and all three wrote the linear_forward most of the class wrote. No
    text tells the two pairs apart, and they rank together, above every pair that is not the same code.
    """
    _, by_exercise, _ = analysed
    ranked = {(a, b): (total, exercises) for a, b, total, exercises in similarity.across(by_exercise.values())}
    assert ranked["copier", "own_7"] == ranked["own_3", "own_5"]
    total, exercises = ranked["copier", "own_7"]
    assert exercises == ["compute_cost"]  # among the most alike tenth of the pairs there; linear_forward is common
    others = [t for key, (t, _) in ranked.items() if key not in {("copier", "own_7"), ("own_3", "own_5")}]
    assert total > max(others) + 0.3  # a factor of two in the share of the class's pairs as alike
    cost = by_exercise["compute_cost"]
    pairs = cost.pairs
    identical = sum(1 for k, e in cost.evidence.items() if COURSE not in k and e == cost.evidence["copier", "own_7"])
    assert cost.evidence["copier", "own_7"] == round(-np.log10(identical / pairs), 4)
    pair = similarity.Pair
    made = [similarity.ExerciseSimilarity("02_forward", "L_model_forward", 9, 36, 0.1, 0.1, 0.8, [], [],
                                          evidence={("copier", "own"): 1.5, ("own_0", "own_4"): 0.2,
                                                    ("pasted", COURSE): 0.9}),
            similarity.ExerciseSimilarity("03_cost", "compute_cost", 9, 36, 0.1, 0.1, 0.8,
                                          [pair("own_0", "own_4", 1.0)], [],
                                          evidence={("copier", "own"): 0.6, ("own_0", "own_4"): 1.6,
                                                    ("pasted", COURSE): 0.9})]
    assert similarity.across(made) == [("copier", "own", 2.1, ["L_model_forward"]),
                                       ("own_0", "own_4", 1.8, ["compute_cost"]),
                                       ("pasted", COURSE, 1.8, [])]


def _found(analysed, exercise):
    folder, _, _ = analysed
    found = similarity.collect(folder, ROOT / "notebooks", NOTEBOOKS, match)
    return next(f[2:] for f in found if f[1] == exercise)


def test_the_pasted_reference_is_named_as_matching_the_course_answer(analysed):
    _, by_exercise, _ = analysed
    matches = {(p.a, p.b): p.score for p in by_exercise["compute_cost"].reference}
    assert matches.get(("pasted", "dl_utils.cost.compute_cost")) == 1.0


def test_the_report_section_shows_both_functions_side_by_side_as_evidence(analysed, tmp_path):
    _, by_exercise, seconds = analysed
    results = list(by_exercise.values())
    (tmp_path / "r.json").write_text(json.dumps({"rows": []}))
    (tmp_path / "r.html").write_text("<html><body><h1>The class</h1></body></html>")
    similarity.attach(results, seconds, tmp_path / "r")
    page = (tmp_path / "r.html").read_text()
    assert page.index("<h1>The class</h1>") < page.index("Similar submissions") < page.index("</body>")
    assert "evidence for a person to read, not a verdict" in page
    assert page.count('<div class="similar">') >= 2 and "&lt;" not in page.split("Similar submissions")[0]
    data = json.loads((tmp_path / "r.json").read_text())["similarity"]
    assert data["method"]["library"].startswith("copydetect")
    cost = next(e for e in data["exercises"] if e["exercise"] == "compute_cost")
    assert {"a": "copier", "b": "own_7"}.items() <= next(p for p in cost["flagged"] if p["a"] == "copier").items()
    a, b, evidence, exercises = similarity.across(results)[0]
    assert data["pairs"][0] == {"a": a, "b": b, "evidence": evidence, "exercises": exercises}
    assert {a, b} in ({"copier", "own_7"}, {"own_3", "own_5"}) and "evidence" not in cost
    assert "Pairs over all exercises" in page
    assert "not a verdict" in data["about"]


def test_a_learner_name_in_the_page_is_escaped():
    pair = similarity.Pair("<script>x</script>", "b", 1.0, "def f(): return '<b>'", "def f(): pass")
    result = similarity.ExerciseSimilarity("03_cost", "compute_cost", 2, 1, 0.5, 0.1, 0.9, [pair], [])
    html = similarity.html_section([result])
    assert "<script>x" not in html and "&lt;script&gt;" in html and "&lt;b&gt;" in html


def test_hostile_cells_are_left_out_not_fatal():
    assert similarity.function_source("def f():\n    return 1\x00\n", "f") == (None, None)
    deep = similarity.function_source("def f():\n    return " + "[" * 5000 + "]" * 5000 + "\n", "f")
    assert deep == (None, None) or deep[1].startswith("def f")  # parsed or left out, never an exception
    assert similarity.function_source("def f():\n    x = 1\n" + "#" * similarity.MAX_CHARS, "f") == (None, None)


def test_every_synthetic_mistake_runs_as_written():
    """Each catalogued mistake the synthetic class hands in names only what its own cell defines or imports.

    (The four sigmoid_backward mistakes used the catalogue's ``_sigmoid`` without its source: NameError.)
    """
    import builtins
    import dis

    from dl_utils.checks import mistakes

    written = [(entry, synthetic_class.mistake_source(entry)) for entry in mistakes.CATALOGUE]
    written = [(entry, source) for entry, source in written if source is not None]
    assert len(written) > 100 and any(entry.id == "sb_s_squared" for entry, _ in written)
    for entry, source in written:
        namespace = {}
        exec(compile(source, entry.id, "exec"), namespace)  # noqa: S102 - the course's own catalogue
        for fn in [v for v in namespace.values() if callable(v) and getattr(v, "__code__", None)
                   and v.__code__.co_filename == entry.id]:
            codes = [fn.__code__] + [c for c in fn.__code__.co_consts if hasattr(c, "co_code")]
            missing = {i.argval for code in codes for i in dis.get_instructions(code) if i.opname == "LOAD_GLOBAL"
                       and i.argval not in namespace and not hasattr(builtins, i.argval)}
            assert not missing, (entry.id, fn.__name__, missing)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """The synthetic class of 02-04 (python -m dl_instructor.synthetic_class makes the same): its folder and kinds."""
    folder = tmp_path_factory.mktemp("synthetic") / "class"
    return folder, synthetic_class.make_class(folder, ("02_forward", "03_cost", "04_backward"))


def test_over_all_exercises_every_copier_ranks_above_every_honest_pair(synthetic):
    """The instructor's view on the synthetic class: the two peer copies and the two copies of the course's answers
    rank above every pair of learners who copy no one (1,806 of them share some code). Measured: lowest copy
    5.76 (the reference pasted, the solution as shipped), highest honest pair 5.65 (honest_1 with honest_2,
    who wrote all nine exercises in styles drawn from a few variants each): a thin margin, 0.117 in log10
    of the class's share of pairs as alike.
    """
    folder, kinds = synthetic
    over = synthetic_class.copies_ranked_across(folder)
    copies = {(a, b) for a, b, _, _ in over["copies"]}
    assert copies == {("copy_of_honest_0", "honest_0"), ("copy_of_honest_1", "honest_1"),
                      ("copy_of_reference", COURSE), ("solution_as_shipped", COURSE)}
    assert len(over["honest"]) > 1500
    assert over["lowest_copy"] > over["highest_honest"] and over["margin"] > 0.1
    ranked = similarity.across(similarity.analyse(folder, ROOT / "notebooks", synthetic_class.NOTEBOOKS, lambda f: (
        Path(f).stem if Path(f).stem in synthetic_class.NOTEBOOKS else None))[0])
    assert {(a, b) for a, b, _, _ in ranked[:4]} == copies  # the report's table opens with them


def test_every_catalogued_mistake_of_02_to_04_is_a_learner_or_left_out_with_its_reason(synthetic):
    """The synthetic class hands in each mistake of 02-04 (multi-line decorators, factory-made too), or says why not.

    The only reason left on 02-04: the mistake calls the course's own answer to its exercise (the
    grader's sandbox strips it). A written-out cell, run, gives the catalogued mistake's own output.
    """
    from dl_utils.checks import mistakes

    notebooks = ("02_forward", "03_cost", "04_backward")
    kinds = synthetic[1]
    written, left_out = synthetic_class.catalogue_of(notebooks)
    exercises = {e.exercise for e in mistakes.CATALOGUE if e.id in written or e.id in dict(left_out)}
    expected = {e.id for e in mistakes.CATALOGUE if e.exercise in exercises}
    learners = {k.removeprefix("mistake_") for k in kinds if k.startswith("mistake_")}
    assert learners == set(written) and not learners & set(dict(left_out))
    assert learners | set(dict(left_out)) == expected and len(exercises) == 9
    assert {why for _, why in left_out} == {synthetic_class.CALLS_ITS_ANSWER}
    by_id = {e.id: e for e in mistakes.CATALOGUE}

    def source(entry_id):
        try:
            return inspect.getsource(by_id[entry_id].fn)
        except OSError:  # made from a string (a notebook global read): the catalogue's text holds it
            return None

    for entry_id, _ in left_out:
        assert entry_id == "lmf_reads_global" or f".{by_id[entry_id].exercise}(" in source(entry_id)
    # Decorators over two lines or more, a notebook global, a factory's lambdas: written out, each makes its mistake.
    multi_line = [i for i in written if source(i) and source(i).startswith("@")
                  and not source(i).splitlines()[0].rstrip().endswith(")")]
    assert len(multi_line) >= 20
    rng = np.random.default_rng(0)
    A_prev, W, b = rng.standard_normal((3, 4)), rng.standard_normal((2, 3)), rng.standard_normal((2, 1))
    args = {"linear_forward": (A_prev, W, b), "linear_activation_forward": (A_prev, W, b, "sigmoid")}
    tried = [i for i in multi_line if by_id[i].exercise in args] + ["lf_reads_global", "laf_sigmoid_sign", "laf_np_max"]
    assert len(tried) >= 5
    for entry_id in tried:
        namespace, entry = {}, by_id[entry_id]
        exec(compile(written[entry_id], entry_id, "exec"), namespace)  # noqa: S102 - the course's own catalogue
        try:
            theirs = entry.fn(*args[entry.exercise])
        except Exception as error:  # noqa: BLE001 - a mistake that raises: the written-out one raises the same
            with pytest.raises(type(error)):
                namespace[entry.exercise](*args[entry.exercise])
            continue
        mine = namespace[entry.exercise](*args[entry.exercise])
        assert np.array_equal(mine[0], theirs[0], equal_nan=True), entry_id


def test_a_score_is_the_same_in_every_process():
    """copydetect hashes k-grams with Python's salted hash(): unless replaced, winnowing picks other fingerprints."""
    import os
    import subprocess
    import sys

    code = ("from dl_instructor import similarity as s\n"
            "a = s._fingerprint('def f(A, Y):\\n    m = Y.shape[1]\\n    return -np.sum(Y * np.log(A)) / m')\n"
            "b = s._fingerprint('def f(A, Y):\\n    m = Y.shape[1]\\n    return -(Y * np.log(A)).sum() / m')\n"
            "print(s.score(a, b), sorted(a.hashes)[:3])")
    printed = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(printed) == 1 and 0 < float(printed.pop().split()[0]) < 1
