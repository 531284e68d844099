"""Which learners handed in the same function, per exercise: evidence for a person to read, not a verdict.

For every exercise of the assignment, each learner's function (from the exercise cell, found as the
grader finds it, :func:`dl_instructor.submission.assemble`) is normalised, fingerprinted and compared
with every other learner's, and with the course's own answers a learner can read: the reference in
``dl_utils`` and the solution in the course notebook. The comparison is copydetect's (the winnowing of
Schleimer, Wilkerson and Aiken, 2003, MOSS's algorithm): the function's text is rewritten by Python's
own parser (``ast.unparse``: no comments, one layout) without its docstring, then tokenized by
copydetect, which writes every name as ``V``, so renamed variables change nothing; fingerprints that
the starter code of the learner version has (the ``def`` line) are left out.

Code that much of the class wrote alike is weak evidence, and is left out the way MOSS (its ``-m``:
"ignore matches that appear in more than m programs") and Dolos (fingerprints found in more than a
count or share of the files are "ignored") leave it out: per exercise, a fingerprint that more than
``COMMON_SHARE`` of the learners' functions have (and more than ``COMMON_FLOOR`` of them) is treated as
boilerplate, copydetect's word for it, like the starter code. Two learners who both wrote the class's
common answer then share nothing that counts, and score 0; two who share code that few others wrote
score high. A copy of the common answer, by someone who could have written it, looks exactly like it:
no comparison of text can tell the two apart, and the page says so.

The course's answers are short and canonical: many honest learners write ``Z = W @ A_prev + b``. So a
pair is reported only when it stands far above *this class's* pairs for *this exercise*: above the
median of the exercise's pair scores plus ``SPREAD`` robust standard deviations (1.4826 times the median
absolute deviation), and at least ``MINIMUM``. The same threshold decides when a learner's function is
reported as matching the course's reference. The class report shows each reported pair side by side,
as the learners wrote them; ``REPORT.json`` has the same under ``"similarity"``.

A score on one exercise says little where the answer is one canonical line: honest learners write it
token for token. The instructor's view is the ranking over all exercises (:func:`across`), where each
exercise adds the pair's :func:`evidence`, -log10 of the share of the class's pairs at least as alike
(common code included): a copier of every function gains on every exercise. copydetect's k-grams are
hashed with CRC-32 here (:func:`_stable_kgrams`), so a score is the same in every process.
"""

import ast
import io
import statistics
import time
from collections import Counter
from dataclasses import asdict, dataclass, field

K = 9  # copydetect's k: characters of the tokenized code in one fingerprint (its noise threshold)
WINDOW = 3  # the winnowing window: a copy of K + WINDOW - 1 characters is always found
SPREAD = 3.0  # robust standard deviations above the median that make a pair stand out
MINIMUM = 0.8  # and never below this score: where every pair differs, nothing is "far above"
ROBUST = 1.4826  # MAD to standard deviation, for normal data
COMMON_SHARE = 0.1  # fingerprints in more than this share of the class's functions are the class's common code
COMMON_FLOOR = 2  # ... and in more than this many: code that two learners alone share is never common
COURSE = "the course's answers"  # the author of the references and solutions, in the ranking over exercises
MAX_CHARS = 20_000  # an exercise cell longer than this is no one's answer to compare (the course's are < 2,000)


@dataclass
class Pair:
    """Two functions of one exercise, their score (0: nothing shared, 1: the same after normalisation)."""

    a: str
    b: str
    score: float
    a_source: str = ""
    b_source: str = ""


@dataclass
class ExerciseSimilarity:
    notebook: str
    exercise: str
    learners: int  # learners whose function was compared (not the blank starter)
    pairs: int
    median: float
    mad: float
    threshold: float
    flagged: list = field(default_factory=list)  # Pair, learner with learner
    reference: list = field(default_factory=list)  # Pair, learner (a) with a course answer (b)
    common_limit: int = 0  # a fingerprint in more than this many learners' functions is common (left out)
    common_fingerprints: int = 0
    only_common: int = 0  # learners whose whole function is the class's common code (nothing left to compare)
    # (a, b) -> -log10 of the share of this exercise's pairs at least as alike, common code included (see
    # :func:`evidence`); (learner, COURSE) the same against the course's answers. Summed by :func:`across`.
    evidence: dict = field(default_factory=dict, repr=False)


def function_source(cell_source, name):
    """The learner's ``def name`` as written (comments and all), and as compared; (None, None) if there is none."""
    if len(cell_source) > MAX_CHARS:
        return None, None
    try:
        tree = ast.parse(cell_source)
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
                return _written_and_normalised(cell_source, node)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # not Python, a null byte, nested too deep
        return None, None
    return None, None


def _written_and_normalised(cell_source, node):
    """The function as the learner wrote it, less the docstring (the course's text), and as compared."""
    lines = cell_source.splitlines()
    first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
    kept = range(first, node.end_lineno + 1)
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
            and isinstance(body[0].value.value, str):
        kept = [n for n in kept if not body[0].lineno <= n <= body[0].end_lineno]
        body = body[1:] or [ast.Pass()]
    written = "\n".join(lines[n - 1] for n in kept)
    node.body, node.decorator_list = body, []
    return written, ast.unparse(node)


def _stable_kgrams(string, k):
    """copydetect's ``hashed_kgrams`` with a hash that is the same in every process (CRC-32 of the k-gram).

    copydetect hashes each k-gram with Python's ``hash``, which is salted per process (PYTHONHASHSEED):
    winnowing keeps the smallest hash of each window, so which k-grams are fingerprints, and every
    partial score, changed from one run to the next (0.58 to 0.62 for one pair, measured).
    """
    import zlib

    import numpy as np

    return np.array([zlib.crc32(string[i:i + k].encode("utf-8")) for i in range(len(string) - k + 1)], dtype=np.int64)


def _fingerprint(code, boilerplate=None):
    from copydetect import CodeFingerprint, utils

    salted, utils.hashed_kgrams = utils.hashed_kgrams, _stable_kgrams
    try:
        return CodeFingerprint("function.py", K, WINDOW, boilerplate=boilerplate, fp=io.StringIO(code),
                               language="python")
    finally:
        utils.hashed_kgrams = salted


def score(first, second, common=frozenset()):
    """The share of the two functions' fingerprints that both have: 2 |A & B| / (|A| + |B|), 1 for the same code.

    Fingerprints in ``common`` (the class's common code, see :func:`common_limit`) are left out of both;
    a function with none left shares nothing that counts, and scores 0.

    MOSS's and Dolos's measure, on copydetect's winnowed fingerprints: a set intersection, microseconds
    a pair, where copydetect's own ``compare_files`` (which also locates the copied slices, for its
    highlighting) takes about a millisecond.
    """
    a, b = (first.hashes - common, second.hashes - common) if common else (first.hashes, second.hashes)
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def common_limit(learners):
    """How many of ``learners`` functions may share a fingerprint before it is the class's common code."""
    return max(COMMON_FLOOR, int(COMMON_SHARE * learners))


def common_code(prints, writers, learners):
    """The fingerprints more than :func:`common_limit` of the class's functions have (each learner counted once).

    ``prints``: distinct normalised text -> its CodeFingerprint; ``writers``: text -> how many learners wrote it.
    """
    count = Counter()
    for text, fingerprint in prints.items():
        for h in fingerprint.hashes:
            count[h] += writers[text]
    limit = common_limit(learners)
    return frozenset(h for h, n in count.items() if n > limit)


def threshold(scores):
    """(median, MAD, threshold) of one exercise's pair scores: the class's own distribution sets the bar."""
    if not scores:
        return 0.0, 0.0, 1.0
    median = statistics.median(scores)
    mad = statistics.median(abs(s - median) for s in scores)
    return median, mad, max(MINIMUM, median + SPREAD * ROBUST * mad)


def stands_out(value, median, bar):
    """A score at or above the bar (an identical pair where the bar is above 1), and above the class's median."""
    return value >= min(bar, 1.0) and value > median


def scores(functions, references, starter):
    """Every pair's score, every learner's with each course answer, and the class's common code.

    The first four of :func:`_scored`'s results (the fifth is the evidence of :func:`evidence`).
    """
    return _scored(functions, references, starter)[:4]


def _scored(functions, references, starter):
    """Every pair's score, every learner's with each course answer, the class's common code, and the evidence.

    Returns ``({(a, b): s}, {(learner, answer): s}, common, bare)``: ``common`` the fingerprints of
    :func:`common_code`, left out of every score; ``bare`` the learners with no other fingerprint.

    Parameters
    ----------
    functions : dict of str to (str, str)
        Learner -> (the function as written, as normalised).
    references : dict of str to (str, str)
        Name of a course answer (``dl_utils.forward.linear_forward``) -> (as written, as normalised).
    starter : str or None
        The normalised function of the learner version (the blank starter), whose fingerprints are left out.
    """
    boilerplate = list(_fingerprint(starter).hashes) if starter else None
    # Each distinct text is fingerprinted once, and each pair of distinct texts scored once: short
    # canonical answers repeat, and a class of 1,000 has far fewer distinct functions than learners.
    texts = sorted({normalised for _, normalised in functions.values()})
    prints = {text: _fingerprint(text, boilerplate) for text in texts}
    learners = sorted(functions)
    text = {learner: functions[learner][1] for learner in learners}
    common = common_code(prints, Counter(text.values()), len(learners))
    by_text = {}
    for i, t in enumerate(texts):
        for u in texts[i:]:
            by_text[t, u] = by_text[u, t] = score(prints[t], prints[u], common)
    bare = {learner for learner in learners if not prints[text[learner]].hashes - common}
    pairs = {(a, b): by_text[text[a], text[b]] for i, a in enumerate(learners) for b in learners[i + 1:]}
    answers = {name: _fingerprint(normalised, boilerplate) for name, (_, normalised) in references.items()}
    with_text = {(t, name): score(prints[t], answer, common) for name, answer in answers.items() for t in texts}
    with_answers = {(learner, name): with_text[text[learner], name] for name in answers for learner in learners}
    # The same, common code included, for the evidence over all exercises: rarity is then in the p-value.
    whole = {}
    for i, t in enumerate(texts):
        for u in texts[i:]:
            whole[t, u] = whole[u, t] = score(prints[t], prints[u])
    whole_pairs = {(a, b): whole[text[a], text[b]] for i, a in enumerate(learners) for b in learners[i + 1:]}
    best = {t: max((score(prints[t], answer) for answer in answers.values()), default=0.0) for t in texts}
    found = evidence(whole_pairs)
    with_course = evidence({(learner,): best[text[learner]] for learner in learners})
    found.update({(learner, COURSE): e for (learner,), e in with_course.items()})
    return pairs, with_answers, common, bare, found


def evidence(alike):
    """``{key: -log10 p}``: p the share of ``alike``'s values at least as high as the key's (0 when nothing is shared).

    ``alike`` holds one exercise's scores, every pair of the class (or every learner with the course's
    answers), common code included. A pair that wrote the same lines as half the class gets 0.3; one of
    a hundred pairs as alike, 2. Summed over the exercises (:func:`across`) it is Fisher's way of
    combining independent tests (his statistic over 2 ln 10), each exercise's null distribution the
    class's own pairs: an honest pair that wrote the canonical answer of several exercises gains a little
    on each, a copier who handed in another's every function gains on all of them, common code or not.
    """
    import bisect
    import math

    values = sorted(alike.values())
    n = len(values)
    return {key: round(-math.log10((n - bisect.bisect_left(values, v)) / n), 4) for key, v in alike.items() if v > 0}


def compare_exercise(notebook, exercise, functions, references, starter):
    """One exercise's pairs that stand out from the class's own, and its learners who match a course answer.

    The arguments are those of :func:`scores`. Returns an :class:`ExerciseSimilarity`.
    """
    pairs, with_answers, common, bare, found = _scored(functions, references, starter)
    median, mad, bar = threshold(list(pairs.values()))
    result = ExerciseSimilarity(notebook, exercise, len(functions), len(pairs), round(median, 4), round(mad, 4),
                                round(bar, 4), common_limit=common_limit(len(functions)),
                                common_fingerprints=len(common), only_common=len(bare), evidence=found)
    for (a, b), s in sorted(pairs.items(), key=lambda t: -t[1]):
        if stands_out(s, median, bar):
            result.flagged.append(Pair(a, b, round(s, 4), functions[a][0], functions[b][0]))
    for (learner, name), s in sorted(with_answers.items(), key=lambda t: -t[1]):
        if stands_out(s, median, bar):
            result.reference.append(Pair(learner, name, round(s, 4), functions[learner][0], references[name][0]))
    return result


def references_of(name, solution_cell):
    """The course's answers to exercise ``name`` a learner can read: the library's reference and the solution cell."""
    import inspect

    import dl_utils

    out = {}
    fn = getattr(dl_utils, name, None)
    if fn is not None:
        try:
            module = inspect.getmodule(fn).__name__
            written, normalised = function_source(inspect.getsource(inspect.getmodule(fn)), name)
            if written:
                out[f"{module}.{name}"] = (written, normalised)
        except (OSError, TypeError):
            pass
    if solution_cell is not None:
        written, normalised = function_source(solution_cell, name)
        if written and normalised not in {n for _, n in out.values()}:
            out["the course notebook's solution"] = (written, normalised)
    return out


def analyse(submissions_dir, source_dir, notebooks, match):
    """Compare every assigned exercise across the class in ``submissions_dir``; return (list of ExerciseSimilarity, s).

    ``match(filename)`` names the course notebook a submitted file is (``Course.match`` of the grader).
    """
    started = time.perf_counter()
    results = [compare_exercise(*found) for found in collect(submissions_dir, source_dir, notebooks, match)]
    return results, time.perf_counter() - started


def collect(submissions_dir, source_dir, notebooks, match):
    """Per exercise: ``(notebook, exercise, functions, references, starter)``, the arguments of compare_exercise."""
    import nbformat

    from . import files
    from . import submission as sub
    from .release import learner_version

    found = files.find_submissions(submissions_dir, match)
    results = []
    for notebook in notebooks:
        source_nb = nbformat.read(f"{source_dir}/{notebook}.ipynb", as_version=4)
        committed = f"{source_dir}/exercises/{notebook}.ipynb"
        try:
            blank_nb = nbformat.read(committed, as_version=4)
        except OSError:
            blank_nb = learner_version(source_nb)
        cells = {}
        for learner, mine in found.items():
            if not isinstance(mine, dict) or notebook not in mine:
                continue
            try:
                assembled = sub.assemble(source_nb, blank_nb, sub.read_submission(
                    files.read_bytes(mine[notebook], root=submissions_dir)))
            except Exception:  # noqa: BLE001 - unreadable here as in the grader (its row says why): not compared
                continue
            cells[learner] = assembled
        for ex in sub.exercises(source_nb):
            if ex.solution_id is None:
                continue
            blank_cell = next((c.source for c in blank_nb.cells if sub.grade_id(c) == ex.solution_id), None)
            solution_cell = next((c.source for c in source_nb.cells if sub.grade_id(c) == ex.solution_id), None)
            starter = function_source(blank_cell, ex.name)[1] if blank_cell else None
            functions = {}
            for learner, assembled in cells.items():
                index = assembled.index_of.get(ex.solution_id)
                written, normalised = function_source(assembled.nb.cells[index].source, ex.name) \
                    if index is not None else (None, None)
                if normalised and normalised != starter:
                    functions[learner] = (written, normalised)
            results.append((notebook, ex.name, functions, references_of(ex.name, solution_cell), starter))
    return results


def across(results):
    """The pairs ranked by their evidence over every exercise: ``[(a, b, evidence, [exercise, ...])]``, most first.

    A pair's evidence is the sum over the exercises of :func:`evidence` (-log10 of the share of that
    exercise's pairs at least as alike); the course's answers (the library's references and the
    notebooks' solutions) count as one author, ``COURSE``. The exercises listed are those where the pair
    is among the most alike tenth of the class's pairs (evidence 1 or more). Two honest learners who
    write the canonical answers of several short exercises gain a little on each; a copier who hands in
    another's work gains on every exercise, however common the copied code.
    """
    found = {}
    for r in results:
        for key, value in r.evidence.items():
            total, exercises = found.get(key, (0.0, []))
            found[key] = (total + value, exercises + [r.exercise] * (value >= 1))
    ranked = sorted(found.items(), key=lambda item: (-item[1][0], item[0]))
    return [(a, b, round(total, 4), exercises) for (a, b), (total, exercises) in ranked]


PAIRS_KEPT = 200  # pairs over all exercises kept in REPORT.json, most evidence first (a class of n has n(n-1)/2)


def as_json(results, seconds):
    """The ``"similarity"`` entry of ``REPORT.json``."""
    return {"about": "pairs of learners whose functions for an exercise are far more alike than the class's other "
                     "pairs, and learners whose function matches the course's own answer: evidence for a person "
                     "to read, not a verdict (short canonical answers can coincide honestly; code much of the "
                     "class wrote alike is left out, so a copy of it is not found)",
            "method": {"library": "copydetect (winnowing)", "k": K, "window": WINDOW, "spread": SPREAD,
                       "minimum": MINIMUM, "common_share": COMMON_SHARE, "common_floor": COMMON_FLOOR},
            "seconds": round(seconds, 3),
            "pairs": [{"a": a, "b": b, "evidence": total, "exercises": exercises}
                      for a, b, total, exercises in across(results)[:PAIRS_KEPT]],
            "exercises": [{k: v for k, v in asdict(r).items() if k != "evidence"} for r in results]}


SHOWN = 12  # pairs shown side by side per exercise and kind; the JSON has them all

STYLE = (".similar{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:.5em;margin:.3em 0 1.2em}"
         ".similar pre{background:#f7f7f7;border:1px solid #ddd;padding:.4em;overflow-x:auto;font-size:80%;margin:0}"
         ".similar h4{margin:.2em 0;font-size:90%}")


def _side_by_side(pair, left_label, right_label):
    from html import escape

    return (f"<p><b>{pair.score:.2f}</b>: {escape(left_label)} and {escape(right_label)}</p><div class=\"similar\">"
            f"<div><h4>{escape(left_label)}</h4><pre>{escape(pair.a_source)}</pre></div>"
            f"<div><h4>{escape(right_label)}</h4><pre>{escape(pair.b_source)}</pre></div></div>")


def html_section(results):
    """The class report's section: per exercise, the pairs that stand out and the matches of a course answer."""
    from html import escape

    parts = [f"<style>{STYLE}</style><h2 id=\"similarity\">Similar submissions</h2>",
             "<p>This is <b>evidence for a person to read, not a verdict</b>. For each exercise, every learner's "
             "function (comments, docstring and names left out) was compared with every other learner's and with the "
             "course's own answers (copydetect's winnowing). Code that more than "
             f"{COMMON_SHARE:.0%} of the class wrote alike is the class's common code and counts for nothing (as "
             "MOSS and Dolos ignore it): two learners who both wrote the answer most of the class wrote are not "
             "listed, and neither is a copy of it, which no comparison of text can tell from honest work. Listed "
             "are the pairs far above this class's own pairs for that exercise (above the median plus three "
             f"robust standard deviations, and at least {MINIMUM:.1f}), and the learners whose function matches a "
             "course answer as closely. The course's answers are short: two learners can write the same lines "
             "honestly, and a pair that is listed says only that the two functions are alike. A pair alike on "
             "many exercises is stronger evidence than a pair alike on one: the table over all exercises adds, per "
             "exercise, -log10 of the share of the class's pairs at least as alike (common code included: 1 for "
             "one pair in ten, 2 for one in a hundred, 0.3 for code half the class wrote). A score on one "
             "exercise says little where the answer is one canonical line that many honest learners write "
             "token for token: such a pair and a copy of that line read the same. Read them side by side, and "
             "ask.</p>"]
    ranked = across(results)
    if ranked:
        rows = "".join(f"<tr><td>{escape(a)}</td><td>{escape(b)}</td><td>{total:.2f}</td>"
                       f"<td>{escape(', '.join(exercises))}</td></tr>" for a, b, total, exercises in ranked[:SHOWN])
        parts.append("<h3>Pairs over all exercises</h3><table><tr><th>learner</th><th>with</th><th>evidence</th>"
                     "<th>exercises where the pair is among the most alike tenth</th></tr>"
                     f"{rows}</table>")
    for r in results:
        if not r.flagged and not r.reference:
            continue
        parts.append(f"<h3>{escape(r.notebook)}: {escape(r.exercise)}</h3><p>{r.learners} learners' functions, "
                     f"{r.pairs} pairs; the class's median score {r.median:.2f}, the bar {min(r.threshold, 1):.2f}; "
                     f"{len(r.flagged)} pair(s) above it, {len(r.reference)} match(es) of a course answer; "
                     f"{r.only_common} function(s) hold nothing but the class's common code.</p>")
        parts += [_side_by_side(p, p.a, p.b) for p in r.flagged[:SHOWN]]
        parts += [_side_by_side(p, p.a, f"the course's answer: {p.b}") for p in r.reference[:SHOWN]]
        if len(r.flagged) > SHOWN or len(r.reference) > SHOWN:
            parts.append("<p>(more in REPORT.json, under \"similarity\")</p>")
    if not ranked:
        parts.append("<p>No pair stands out from the class for any exercise.</p>")
    return "".join(parts)


def attach(results, seconds, basename):
    """Add the section to ``basename.html`` and ``"similarity"`` to ``basename.json``, each file replaced whole."""
    import json
    import os

    from .report import beside

    page, report = beside(basename, ".html"), beside(basename, ".json")
    data = json.loads(report.read_text(encoding="utf-8"))
    data["similarity"] = as_json(results, seconds)
    text = page.read_text(encoding="utf-8")
    at = text.rfind("</body>")
    updates = {report: json.dumps(data, indent=1, allow_nan=False, ensure_ascii=True) + "\n",
               page: text[:at] + html_section(results) + "\n" + text[at:]}
    for path, content in updates.items():
        temporary = path.with_name(f".{path.name}.similarity.tmp")
        temporary.write_text(content, encoding="utf-8")
        os.replace(temporary, path)
