#!/usr/bin/env bash
# The Python client's CI step (.ci/run calls it after the Maven suite): install the package into a fresh
# virtual environment the way a user would, build its wheel, and run its tests against the packaged service
# (target/quarkus-app, which ./mvnw verify has built; built here when missing) with a real embedded PostgreSQL.
# Any failure fails CI, and so does a run that collected no test.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$(pwd)
VENV="$ROOT/target/client-venv"
DIST="$ROOT/target/client-dist"
PYTHON=${PYTHON:-python3}

echo "== Python client: fresh virtual environment ($("$PYTHON" --version))"
rm -rf "$VENV" "$DIST"
"$PYTHON" -m venv --system-site-packages "$VENV"   # system site packages: pytest comes from the machine
PY="$VENV/bin/python"
# a Python without pytest (e.g. the distribution's own, earlier on the PATH) gets it from the package index
"$PY" -c 'import pytest' 2>/dev/null || "$PY" -m pip install -q --retries 0 pytest
# --no-build-isolation builds with the environment's setuptools (nothing to download); a setuptools older
# than 70.1 needs the wheel package for that
"$PY" -c 'import wheel' 2>/dev/null || "$PY" -m pip install -q --retries 0 wheel

echo "== pip install ./clients/python[tqdm]"
if ! "$PY" -m pip install -q --retries 0 --no-build-isolation "./clients/python[tqdm]"; then
    echo "!! the tqdm extra could not be installed; installing the package alone (the tqdm test will skip)" >&2
    "$PY" -m pip install -q --no-build-isolation ./clients/python
fi
"$VENV/bin/progress-hub" --help >/dev/null

echo "== pip wheel ./clients/python"
"$PY" -m pip wheel -q --no-build-isolation --no-deps -w "$DIST" ./clients/python
WHEEL=$(ls "$DIST"/progresshub-*.whl)
"$PY" -m zipfile -l "$WHEEL" | grep 'progresshub/py.typed' >/dev/null || { echo "wheel lacks py.typed" >&2; exit 1; }
echo "   $WHEEL"

if [ ! -f target/quarkus-app/quarkus-run.jar ]; then
    echo "== building the service: ./mvnw -B package -DskipTests"
    ./mvnw -B -q package -DskipTests
fi

echo "== pytest clients/python/tests (against the packaged service)"
set +e
(cd clients/python && timeout 1800 "$PY" -m pytest -p no:cacheprovider -q -rs tests)
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "!! pytest collected no test: failing" >&2
    exit 1
fi
exit "$status"
