"""What the class got wrong: one self-contained HTML page for the teacher, and one page per learner.

Made from the grader's rows (``dl_instructor.grade``), written beside the CSV and JSON reports:
``REPORT.html`` (the class) and ``REPORT_learners/<learner>.html`` (each learner's own rows, with
the judge's messages). The same numbers go into ``REPORT.json`` under ``"class"``
(:func:`summarize`). Per exercise: how many learners handed it in, the share that passed, the
named mistakes ranked by how many learners made them (with the hint each was given), the time
spent judging it, and how many hit a timeout or crashed their sandbox. The plots are PNGs drawn
with matplotlib and embedded in the page, so it opens anywhere with nothing beside it.
Everything a learner wrote (folder names, messages) is escaped before it enters the page.
"""

import base64
import html
import io
from collections import Counter

from .files import learner_path
from .report import beside

PROBLEM_STATUSES = ("timeout", "crashed", "out_of_time", "not_run", "grader_error", "invalid")


def _hint(mistake):
    try:
        from dl_utils.checks import mistakes
    except ImportError:
        return ""
    return next((m.hint for m in mistakes.CATALOGUE if m.id == mistake), "")


def summarize(rows):
    """Per exercise, in the report's order: the class's numbers, as plain data for the JSON report."""
    exercises = {}
    for r in rows:
        e = exercises.setdefault((r.notebook, r.exercise), {
            "notebook": r.notebook, "exercise": r.exercise, "max_points": r.max_points, "learners": 0,
            "submitted": 0, "passed": 0, "statuses": Counter(), "mistakes": Counter(), "seconds": 0.0})
        e["learners"] += 1
        e["statuses"][r.status] += 1
        if r.status != "not_submitted":
            e["submitted"] += 1
        if r.status == "passed":
            e["passed"] += 1
        if r.mistake:
            e["mistakes"][r.mistake] += 1
        e["seconds"] += r.seconds
    out = []
    for e in exercises.values():
        out.append({**e, "pass_share": e["passed"] / e["submitted"] if e["submitted"] else 0.0,
                    "statuses": dict(e["statuses"]),
                    "mistakes": [{"id": m, "learners": n, "hint": _hint(m)} for m, n in e["mistakes"].most_common()],
                    "seconds": round(e["seconds"], 3),
                    "problems": sum(e["statuses"].get(s, 0) for s in PROBLEM_STATUSES)})
    return out


def _png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _plots(summary):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [f"{e['notebook'][:2]} {e['exercise']}" for e in summary]
    height = 0.8 + 0.28 * len(labels)
    fig, ax = plt.subplots(figsize=(7.5, height))
    shares = [100 * e["pass_share"] for e in summary]
    ax.barh(range(len(labels)), shares, color="#4c9a2a")
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("learners who passed, % of those who handed the notebook in")
    for y, (share, e) in enumerate(zip(shares, summary, strict=True)):
        ax.text(min(share + 1, 88), y, f"{e['passed']}/{e['submitted']}", va="center", fontsize=7)
    fig.tight_layout()
    passed = _png(fig)

    ranked = sorted(((m["learners"], f"{e['exercise']}: {m['id']}") for e in summary for m in e["mistakes"]),
                    reverse=True)[:15]
    mistakes = None
    if ranked:
        fig, ax = plt.subplots(figsize=(7.5, 0.8 + 0.3 * len(ranked)))
        ax.barh(range(len(ranked)), [n for n, _ in ranked], color="#c0392b")
        ax.set_yticks(range(len(ranked)), [name for _, name in ranked], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel("learners who made this mistake")
        ax.xaxis.get_major_locator().set_params(integer=True)
        fig.tight_layout()
        mistakes = _png(fig)

    fig, ax = plt.subplots(figsize=(7.5, height))
    per = [e["seconds"] / max(e["submitted"], 1) for e in summary]
    ax.barh(range(len(labels)), per, color="#2c7fb8", label="judging time per learner (s)")
    problems = [e["problems"] for e in summary]
    for y, n in enumerate(problems):
        if n:
            ax.text(per[y], y, f"  {n} timeout/crash", va="center", fontsize=7, color="#c0392b")
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("seconds spent judging the exercise, per learner who handed it in")
    fig.tight_layout()
    return passed, mistakes, _png(fig)


STYLE = ("body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}"
         "table{border-collapse:collapse;font-size:90%}td,th{border:1px solid #ccc;padding:.3em .5em;"
         "text-align:left;vertical-align:top}th{background:#f3f3f3}.passed{color:#2d7a12}"
         ".failed,.timeout,.crashed,.out_of_time,.invalid,.not_run,.grader_error{color:#b03020}img{max-width:100%}")


def _page(title, body):
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n")


def learner_file(learner):
    """The file name of a learner's page: the folder name made safe, and unique by a hash (files.learner_path)."""
    return learner_path(learner, ".html")


def write(rows, basename):
    """Write ``basename.html`` and ``basename_learners/``; return the class summary (for the JSON)."""
    summary = summarize(rows)
    passed, mistakes, timing = _plots(summary) if summary else (None, None, None)
    learners = list(dict.fromkeys(r.learner for r in rows))
    folder = beside(basename, "_learners")
    folder.mkdir(parents=True, exist_ok=True)
    table = ["<table><tr><th>notebook</th><th>exercise</th><th>passed</th><th>handed in</th>"
             "<th>mistakes named, most common first</th><th>timeouts, crashes</th></tr>"]
    for e in summary:
        named = "<br>".join(f"{m['learners']} &times; <b>{html.escape(m['id'])}</b>: {html.escape(m['hint'])}"
                            for m in e["mistakes"]) or "&ndash;"
        table.append(f"<tr><td>{html.escape(e['notebook'])}</td><td>{html.escape(e['exercise'])}</td>"
                     f"<td>{100 * e['pass_share']:.0f}% ({e['passed']})</td><td>{e['submitted']} of {e['learners']}"
                     f"</td><td>{named}</td><td>{e['problems']}</td></tr>")
    table.append("</table>")
    totals = {}
    for r in rows:
        t = totals.setdefault(r.learner, [0.0, 0.0])
        t[0] += r.points
        t[1] += r.max_points
    people = ["<table><tr><th>learner</th><th>points</th></tr>"] + [
        f"<tr><td><a href=\"{html.escape(folder.name)}/{learner_file(lr)}\">{html.escape(lr)}</a></td>"
        f"<td>{p:g} / {m:g}</td></tr>" for lr, (p, m) in totals.items()] + ["</table>"]
    figures = "".join(f"<p><img alt=\"{alt}\" src=\"{src}\"></p>" for alt, src in (
        ("share of the class that passed each exercise", passed), ("the mistakes the class made most", mistakes),
        ("time spent judging each exercise", timing)) if src)
    body = (f"<h1>The class: {len(learners)} learners</h1>"
            f"<h2>Who passed what</h2>{figures}<h2>Each exercise</h2>{''.join(table)}"
            f"<h2>Each learner</h2>{''.join(people)}")
    beside(basename, ".html").write_text(_page("Class report", body), encoding="utf-8", errors="backslashreplace")
    for learner in learners:
        mine = [r for r in rows if r.learner == learner]
        lines = [f"<h1>{html.escape(learner)}: {totals[learner][0]:g} / {totals[learner][1]:g} points</h1>",
                 "<table><tr><th>notebook</th><th>exercise</th><th>points</th><th>status</th><th>message</th></tr>"]
        lines += [f"<tr><td>{html.escape(r.notebook)}</td><td>{html.escape(r.exercise)}</td>"
                  f"<td>{r.points:g} / {r.max_points:g}</td><td class=\"{html.escape(r.status)}\">"
                  f"{html.escape(r.status)}</td><td>{html.escape(r.message)}</td></tr>" for r in mine]
        (folder / learner_file(learner)).write_text(_page(f"{learner}: report", "".join(lines) + "</table>"),
                                                    encoding="utf-8", errors="backslashreplace")
    return summary
