#!/usr/bin/env bash
# Install everything platgraph needs on a fresh Debian machine, idempotently:
#   Debian packages (Java 17, Maven, Chromium for browser tests, a CJK font, poppler, LibreOffice Writer), the Python
#   package with its dev extras, and the Neo4j engine's jars from Maven Central (built once).
# Safe to re-run: each step skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1;36m[setup]\033[0m %s\n' "$*"; }

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

missing=()
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
[ -x /usr/bin/chromium ] || missing+=(chromium)
# (no `grep -q` on a pipe: with pipefail, fc-list's SIGPIPE would count as "missing")
[ -n "$(fc-list :lang=zh family 2>/dev/null)" ] || missing+=(fonts-noto-cjk)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)  # DOCX → PDF in the report page test
command -v ss >/dev/null 2>&1 || missing+=(iproute2)
if [ ${#missing[@]} -gt 0 ]; then
  say "Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
here=$(pwd -P)
# Where the installed `platgraph` package lives, asked from / so this folder is not on sys.path:
# an editable install of another checkout (e.g. a CI clone) must be replaced by this one.
installed=$(cd / && $PY -c "import os, api.cli, pytest, hypothesis, schemathesis, playwright; print(os.path.dirname(os.path.dirname(os.path.realpath(api.__file__))))" 2>/dev/null || true)
if [ "$installed" != "$here" ] || [ pyproject.toml -nt .platgraph/pip.stamp ]; then
  say "Python packages (pip install -e .[dev])"
  $PY -m pip install -q --disable-pip-version-check -e ".[dev]"
  mkdir -p .platgraph && touch .platgraph/pip.stamp
fi

say "Neo4j engine jars (Maven Central, cached in ~/.m2)"
$PY -c "from graph.local_neo4j import ensure_built; from graph.settings import get_settings; ensure_built(get_settings())"
say "ready"
