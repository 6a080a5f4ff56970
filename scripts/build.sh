#!/usr/bin/env bash
# Builds codexsync into build/ (the binary is build/codexsync), installing the
# build dependencies first. Works from any directory.
#
# Environment:
#   JOBS=N                parallel compile jobs (default 2)
#   CI=true               also turn warnings into errors (-DCODEXSYNC_WERROR=ON)
#   CODEXSYNC_SKIP_DEPS=1 do not run scripts/install-deps.sh (deps come from elsewhere)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

if [[ "${CODEXSYNC_SKIP_DEPS:-0}" != 1 ]]; then
  ./scripts/install-deps.sh
fi

# A build/ configured with another generator cannot be reused; say how to fix it
# rather than let CMake fail with a less direct message.
if [[ -f build/CMakeCache.txt ]] &&
  ! grep -qx 'CMAKE_GENERATOR:INTERNAL=Ninja' build/CMakeCache.txt; then
  printf 'build.sh: build/ was configured with another generator than Ninja.\n' >&2
  printf 'build.sh: remove it (rm -rf %s/build) and run this script again.\n' "$repo_root" >&2
  exit 1
fi

configure_args=(-S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo)
case "${CI:-}" in
  "" | 0 | false | FALSE | False) ;;
  *) configure_args+=(-DCODEXSYNC_WERROR=ON) ;;
esac

cmake "${configure_args[@]}"
cmake --build build -j "${JOBS:-2}"
