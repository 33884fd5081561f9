#!/usr/bin/env bash
# Install what is missing: the virtual environment, the Python dependencies, gettext and the compiled
# translations. Sourced by scripts/run and scripts/test; quick when everything is already in place.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi
}

apt_install() {
  if [ ! -f /tmp/.learner-rights-apt-updated ]; then
    as_root apt-get update -qq && touch /tmp/.learner-rights-apt-updated
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

PYTHON_BIN=${PYTHON_BIN:-$(command -v python3.11 || command -v python3)}
if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtual environment (.venv)."
  "$PYTHON_BIN" -m venv .venv
fi

deps_stamp=".venv/.dependencies-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$deps_stamp" ]; then
  echo "Installing Python dependencies."
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e '.[dev]'
  rm -f .venv/.dependencies-*
  touch "$deps_stamp"
fi

if ! command -v msgfmt >/dev/null; then
  echo "Installing gettext for the translations."
  apt_install gettext
fi
# The entry points default to the production settings; this machine runs the development ones, named in .env
# (never committed). The tests name their own settings (pyproject.toml), whatever .env says.
if ! grep -qs '^DJANGO_SETTINGS_MODULE=' .env; then
  echo "DJANGO_SETTINGS_MODULE=config.settings.local" >> .env
fi
.venv/bin/python manage.py compilemessages --ignore=.venv --verbosity 0

mkdir -p var

# From npm, pinned in package-lock.json: Chart.js for the dashboard, served by the app itself; axe-core, which
# only the accessibility test reads from node_modules (never served).
lock_stamp="node_modules/.lock-$(sha256sum package-lock.json | cut -c1-16)"
if [ ! -d node_modules ] || [ ! -f "$lock_stamp" ]; then
  echo "Installing the browser assets (npm ci)."
  npm ci --include=dev --no-audit --no-fund >/dev/null
  touch "$lock_stamp"
fi
mkdir -p static/vendor
cp node_modules/chart.js/dist/chart.umd.js node_modules/chart.js/dist/chart.umd.js.map static/vendor/

# A TrueType CJK font the Chinese PDF reports embed (ReportLab falls back to a CID font without it).
if [ ! -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ]; then
  echo "Installing the WenQuanYi Zen Hei font for the PDF reports."
  apt_install fonts-wqy-zenhei
fi
