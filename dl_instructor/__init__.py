"""The instructor's tools for the course: make the learner versions, grade submissions.

Kept apart from :mod:`dl_utils`, the learner's library, which never imports this package:

    release      the learner versions of the course notebooks, by nbgrader's own preprocessors
    files        find and read the submitted files, trusting no file or folder
    submission   read a submitted notebook and rebuild the notebook the grader runs
    report       write the report (CSV and JSON), escaped, whole or not at all
    grade        score a folder of submissions and write the report

Install with the ``instructor`` extra (``pip install .[instructor]``, or
``requirements-dev.txt``); the commands are ``dl-release`` and ``dl-grade`` (or
``python -m dl_instructor.release`` and ``python -m dl_instructor.grade``).
"""

import sys

# nbformat imports jsonschema, which imports rfc3987_syntax when it is installed (jupyter-events asks for it), and
# rfc3987_syntax builds an Earley parser as it is imported: 2.8-3.2 s of CPU (0.3 s without) in the grader and in each
# of its --jobs worker processes, before any notebook is graded. Without it jsonschema only lacks its "iri" format
# check, which nbformat's schema never uses. (The root conftest.py does the same for the test processes.)
sys.modules.setdefault("rfc3987_syntax", None)
