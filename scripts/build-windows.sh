#!/usr/bin/env bash
# Cross-builds codexsync for 64-bit Windows with mingw-w64 into build-windows/:
# codexsync.exe, codexsyncw.exe (no console, for Task Scheduler), the unit tests
# (build-windows/tests/codexsync_unit_tests.exe) and the test helpers. Every .exe
# is linked statically and needs no DLL but Windows' own. Works from any folder.
#
# What it uses (cmake/toolchains/mingw-w64-x86_64.cmake says how):
#   - Debian's g++-mingw-w64-x86-64-posix and libz-mingw-w64-dev;
#   - the header-only packages the Linux build installs (Boost, toml++, CLI11,
#     nlohmann_json, spdlog, fmt, Catch2);
#   - libzip, which Debian does not package for mingw: this script downloads
#     its Debian source package with apt-get source (checked against the
#     archive's signed index) and cross-builds it once into
#     build-windows/deps/prefix; later runs reuse it without the network.
#
# Environment:
#   JOBS=N                parallel compile jobs (default 2)
#   CI=true               also turn warnings into errors (-DCODEXSYNC_WERROR=ON)
#   CODEXSYNC_SKIP_DEPS=1 do not run scripts/install-deps.sh --windows
#
# Exit status: 0 built; 1 the build failed; 77 the toolchain or libzip's source
# could not be had (nothing was built; the message says why).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

build_dir="$repo_root/build-windows"
deps_dir="$build_dir/deps"
prefix="$deps_dir/prefix"
toolchain="$repo_root/cmake/toolchains/mingw-w64-x86_64.cmake"
jobs="${JOBS:-2}"

say() { printf 'build-windows: %s\n' "$*"; }
unavailable() {
  printf 'build-windows: %s\n' "$*" >&2
  exit 77
}

# --- the toolchain ---------------------------------------------------------------

if [[ "${CODEXSYNC_SKIP_DEPS:-0}" != 1 ]]; then
  if ! ./scripts/install-deps.sh --windows; then
    unavailable "could not install the mingw-w64 toolchain and Wine (scripts/install-deps.sh --windows failed; see above)"
  fi
fi
# Wine too: CTest's test discovery runs the unit-test .exe right after linking.
for tool in x86_64-w64-mingw32-g++-posix cmake ninja dpkg-source wine; do
  command -v "$tool" >/dev/null 2>&1 ||
    unavailable "$tool is missing; run scripts/install-deps.sh --windows"
done
[[ -f /usr/x86_64-w64-mingw32/lib/libz.a ]] ||
  unavailable "zlib for mingw-w64 is missing (/usr/x86_64-w64-mingw32/lib/libz.a); install libz-mingw-w64-dev"

# --- libzip, cross-built from its Debian source package, once ----------------------

# Prints the archive URI (e.g. the Debian mirror this machine uses) serving
# "main" for this release, read from apt's own view of its sources.
apt_archive_uri() {
  local codename
  codename="$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")"
  [[ -n "$codename" ]] || return 1
  apt-cache policy | awk -v want="$codename/main" '
    $2 ~ /^https?:/ && $3 == want { print $2; exit }'
}

# Downloads libzip's source package into the current folder: with this
# machine's apt configuration when it has deb-src entries, else with a private
# one (under build-windows/deps/apt) naming the same archive as deb-src.
fetch_libzip_source() {
  if apt-get source --download-only libzip </dev/null >/dev/null 2>&1; then
    return 0
  fi
  local uri codename apt_dir
  uri="$(apt_archive_uri)" || true
  codename="$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")"
  if [[ -z "$uri" || -z "$codename" ]]; then
    say "cannot tell which archive serves this release's sources (apt-cache policy)" >&2
    return 1
  fi
  apt_dir="$deps_dir/apt"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
  printf 'deb-src %s %s main\n' "$uri" "$codename" >"$apt_dir/sources.list"
  local opts=(
    -o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/none"
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o Debug::NoLocking=1
  )
  ((EUID == 0)) && opts+=(-o APT::Sandbox::User=root)
  say "reading the source index of $uri $codename"
  apt-get "${opts[@]}" update </dev/null >"$apt_dir/update.log" 2>&1 || {
    cat "$apt_dir/update.log" >&2
    return 1
  }
  apt-get "${opts[@]}" source --download-only libzip </dev/null
}

build_libzip() {
  local compiler_version stamp src_dir
  compiler_version="$(x86_64-w64-mingw32-g++-posix -dumpfullversion 2>/dev/null || echo unknown)"
  stamp="$prefix/.codexsync-libzip"
  if [[ -f "$stamp" && -f "$prefix/lib/libzip.a" ]] &&
    grep -qx "compiler $compiler_version" "$stamp"; then
    say "libzip: using $(head -n 1 "$stamp") from $prefix"
    return 0
  fi

  rm -rf "$deps_dir/libzip-src" "$deps_dir/libzip-build" "$prefix"
  mkdir -p "$deps_dir/download"
  (
    cd "$deps_dir/download"
    rm -f libzip_*
    say "downloading libzip's Debian source package"
    fetch_libzip_source
  ) || unavailable "could not download libzip's Debian source package (needs the network once; see above)"

  local dsc
  dsc="$(ls "$deps_dir"/download/libzip_*.dsc | head -n 1)"
  dpkg-source --no-check -x "$dsc" "$deps_dir/libzip-src" >/dev/null
  src_dir="$deps_dir/libzip-src"

  say "cross-building $(basename "$dsc" .dsc) (static, zlib only)"
  cmake -S "$src_dir" -B "$deps_dir/libzip-build" -G Ninja \
    -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DBUILD_SHARED_LIBS=OFF \
    -DENABLE_COMMONCRYPTO=OFF -DENABLE_GNUTLS=OFF -DENABLE_MBEDTLS=OFF \
    -DENABLE_OPENSSL=OFF -DENABLE_WINDOWS_CRYPTO=OFF \
    -DENABLE_BZIP2=OFF -DENABLE_LZMA=OFF \
    -DBUILD_TOOLS=OFF -DBUILD_REGRESS=OFF -DBUILD_EXAMPLES=OFF -DBUILD_DOC=OFF \
    >"$deps_dir/libzip-configure.log" 2>&1 || {
    cat "$deps_dir/libzip-configure.log" >&2
    say "configuring libzip failed" >&2
    exit 1
  }
  cmake --build "$deps_dir/libzip-build" -j "$jobs" >"$deps_dir/libzip-build.log" 2>&1 &&
    cmake --install "$deps_dir/libzip-build" >>"$deps_dir/libzip-build.log" 2>&1 || {
    tail -n 40 "$deps_dir/libzip-build.log" >&2
    say "building libzip failed (log: $deps_dir/libzip-build.log)" >&2
    exit 1
  }
  printf '%s\ncompiler %s\n' "$(basename "$dsc" .dsc)" "$compiler_version" >"$stamp"
  rm -rf "$deps_dir/libzip-build"
}

mkdir -p "$build_dir"
build_libzip

# --- codexsync ---------------------------------------------------------------------

if [[ -f "$build_dir/CMakeCache.txt" ]] &&
  ! grep -qx 'CMAKE_GENERATOR:INTERNAL=Ninja' "$build_dir/CMakeCache.txt"; then
  printf 'build-windows: %s was configured with another generator than Ninja.\n' "$build_dir" >&2
  printf 'build-windows: remove it (rm -rf %s) and run this script again.\n' "$build_dir" >&2
  exit 1
fi

# Release at -O2, as the Linux build (-O3 wakes GCC 12's false -Wrestrict alarms).
configure_args=(-S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release
  -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG"
  -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCODEXSYNC_WINDOWS_DEPS="$prefix")
if command -v ccache >/dev/null 2>&1; then
  configure_args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
case "${CI:-}" in
  "" | 0 | false | FALSE | False) ;;
  *) configure_args+=(-DCODEXSYNC_WERROR=ON) ;;
esac

cmake "${configure_args[@]}"
cmake --build "$build_dir" -j "$jobs"
say "built $build_dir/codexsync.exe"
