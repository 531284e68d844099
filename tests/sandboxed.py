"""The grader's tests need its sandbox (bubblewrap): in CI they fail without it, elsewhere they skip and say why."""

import os

import pytest

from dl_instructor import sandbox


def require_sandbox():
    """Skip the calling test module when no sandbox can be made here, unless this is CI (CI=true), where it fails."""
    why = sandbox.available()
    if why is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"the grader's sandbox cannot be made in CI: {why}", pytrace=False)
    pytest.skip(f"the grader's sandbox cannot be made here: {why}", allow_module_level=True)
