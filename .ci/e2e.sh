#!/usr/bin/env bash
# End-to-end test of the course in a real browser: JupyterLab from the project's
# environment on localhost, driven by headless Debian Chromium through Playwright.
# Installs what it needs on a fresh machine (Debian chromium, the e2e Python deps),
# then runs tests/e2e. Screenshots land in artifacts/screenshots/.
# Called by .ci/run after the unit + nbval run; runnable alone: `bash .ci/e2e.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s)
if [ ! -x /usr/bin/chromium ]; then
    echo "== installing Debian chromium (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
/usr/bin/chromium --version 2>/dev/null  # (its Debian wrapper script prints a harmless shell warning)

# .ci/run has installed the project's environment already; alone, this script installs it too.
if ! python -c "import jupyterlab, dl_utils, pytest" 2>/dev/null; then
    python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -e .
fi
python -m pip install --quiet --disable-pip-version-check -r requirements-e2e.txt
echo "== e2e setup took $(( $(date +%s) - start )) s"

echo "== python -m pytest tests/e2e (JupyterLab in headless Chromium)"
# -o addopts= drops the project's --nbval options: this run collects tests/e2e only.
python -m pytest -o addopts="" -p no:cacheprovider tests/e2e -m e2e -v -rs "$@"
echo "== e2e total took $(( $(date +%s) - start )) s"
