#!/usr/bin/env bash
# Create (idempotently) a Python venv with lamindb 2.12.1 for Python-interop tests.
#
#   scripts/python-env.sh            -> prints the venv's python path as the last stdout line
#
# Env:
#   LAMIN_TEST_VENV   venv directory (default /var/tmp/lamindb-rs-venv)
#   PYTHON            base interpreter (default python3; needs >= 3.10)
#
# pip output goes to stderr. Exits non-zero with a message on failure.
set -euo pipefail

VENV="${LAMIN_TEST_VENV:-/var/tmp/lamindb-rs-venv}"
PY="${PYTHON:-python3}"

# Versions observed in /work/shared/reference/lamindb-observed.md.
PINS=(
  "lamindb==2.12.1"
  "lamindb-core==2.12.1"
  "lamindb-setup==1.27.0"
  "lamin-cli==1.21.0"
  "django==5.2.19"
  # LaminDB's `lamin io exportdb` reads SQLite tables through SQLAlchemy (pandas.read_sql_table).
  "sqlalchemy==2.0.44"
)

die() { echo "python-env.sh: error: $*" >&2; exit 1; }

check() {
  [ -x "$VENV/bin/python" ] &&
    "$VENV/bin/python" -c 'import lamindb, sqlalchemy; assert lamindb.__version__=="2.12.1", lamindb.__version__' \
      >/dev/null 2>&1 &&
    [ -x "$VENV/bin/lamin" ]
}

if check; then
  echo "python-env.sh: lamindb 2.12.1 already installed in $VENV" >&2
  echo "$VENV/bin/python"
  exit 0
fi

command -v "$PY" >/dev/null 2>&1 || die "base interpreter '$PY' not found (set PYTHON=...)"
"$PY" -c 'import sys; assert sys.version_info >= (3, 10)' 2>/dev/null ||
  die "'$PY' is $("$PY" -V 2>&1); lamindb 2.12.1 needs Python >= 3.10"

start=$(date +%s)
if [ ! -x "$VENV/bin/python" ]; then
  echo "python-env.sh: creating venv at $VENV" >&2
  "$PY" -m venv "$VENV" >&2 || die "could not create venv at $VENV"
fi

echo "python-env.sh: installing ${PINS[*]} (takes a few minutes)" >&2
"$VENV/bin/python" -m pip install --disable-pip-version-check --upgrade pip >&2 ||
  die "pip upgrade failed in $VENV (is the package registry reachable?)"
"$VENV/bin/python" -m pip install --disable-pip-version-check "${PINS[@]}" >&2 ||
  die "pip install ${PINS[*]} failed (is the package registry reachable?)"

check || die "lamindb 2.12.1 (and the lamin CLI) not importable from $VENV/bin/python after install"
echo "python-env.sh: install took $(( $(date +%s) - start ))s" >&2
echo "$VENV/bin/python"
