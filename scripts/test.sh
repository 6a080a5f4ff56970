#!/usr/bin/env bash
# Builds codexsync (scripts/build.sh) and runs every unit and end-to-end test
# with CTest. Extra arguments go to ctest, e.g. `./scripts/test.sh -R config`
# or `./scripts/test.sh -L e2e`. The exit status is ctest's. A run that
# selects no test fails rather than passing silently.
#
# Environment: JOBS=N (default 2) for both the build and ctest; see build.sh.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

./scripts/build.sh
exec ctest --test-dir build --output-on-failure --no-tests=error -j "${JOBS:-2}" "$@"
