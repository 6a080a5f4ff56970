#!/usr/bin/env bash
# Installs what building and testing codexsync needs, from the platform's
# package manager. Safe to run again: when everything is already there it only
# checks, and needs neither root nor the network.
#
#   Debian/Ubuntu  apt-get (as root, or through passwordless sudo; otherwise it
#                  prints the command to run and exits 1)
#   macOS          Homebrew
#   Windows        vcpkg, from vcpkg.json (not this script)
#
# With --windows it also installs what cross-building for Windows and running
# the result under Wine needs (scripts/build-windows.sh; Debian/Ubuntu only).
#
# Exit status: 0 when everything is installed, 1 when it could not be.
set -euo pipefail

windows=0
case "${1:-}" in
  "") ;;
  --windows) windows=1 ;;
  *)
    printf 'usage: install-deps.sh [--windows]\n' >&2
    exit 1
    ;;
esac

export DEBIAN_FRONTEND=noninteractive

apt_packages_common=(
  build-essential cmake ninja-build pkg-config git
  libtomlplusplus-dev libzip-dev zipcmp zipmerge ziptool
  libspdlog-dev libfmt-dev catch2 libcli11-dev nlohmann-json3-dev
  libssl-dev zip unzip
  libxml2-utils libplist-utils # the tests parse the scheduler's XML and plist
  syncthing                     # the Syncthing tests carry the cloud folder between two instances
  rsync unison                  # the benchmark's peers (bench/run.sh; its smoke test runs in the suite)
  strace                        # a test checks which files a no-op sync opens
  xfsprogs                      # a test and the benchmark put the cloud folder on XFS (a file system that clones)
)
# The mingw-w64 cross compiler (posix threads), zlib for it, Wine to run the
# result, dpkg-source to unpack libzip's source package, and Xvfb, an X server
# without a screen on which programs under Wine make windows (the tests of the
# polite close post WM_CLOSE to one).
apt_packages_windows=(g++-mingw-w64-x86-64-posix libz-mingw-w64-dev wine wine64 dpkg-dev xz-utils xvfb)
if ((windows)); then
  apt_packages_common+=("${apt_packages_windows[@]}")
fi
# Debian 12 packages Boost 1.81; Ubuntu releases without those names get the
# distribution's default Boost instead (CMake asks for 1.80 or newer).
apt_boost_versioned=(libboost1.81-dev libboost-filesystem1.81-dev)
apt_boost_default=(libboost-dev libboost-filesystem-dev)

brew_formulae=(cmake ninja boost tomlplusplus libzip spdlog fmt catch2 cli11 nlohmann-json openssl@3)

sudo=() # set to (sudo -n) when not root but allowed to use sudo

say() { printf 'install-deps: %s\n' "$*"; }
fail() {
  printf 'install-deps: %s\n' "$*" >&2
  exit 1
}

# --- Debian / Ubuntu -----------------------------------------------------------

apt_installed() {
  local status
  status="$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" || return 1
  [[ "$status" == "install ok installed" ]]
}

# True when the package lists offer a version of the package.
apt_available() {
  local candidate
  candidate="$(apt-cache policy "$1" 2>/dev/null | awk '$1 == "Candidate:" { print $2; exit }')"
  [[ -n "$candidate" && "$candidate" != "(none)" ]]
}

all_installed() {
  local pkg
  for pkg in "$@"; do
    apt_installed "$pkg" || return 1
  done
}

# Sets `boost` to the Boost packages for this system: the ones already
# installed, else the 1.81 ones when the package lists know them, else the
# distribution's default.
choose_boost() {
  if all_installed "${apt_boost_versioned[@]}"; then
    boost=("${apt_boost_versioned[@]}")
  elif all_installed "${apt_boost_default[@]}"; then
    boost=("${apt_boost_default[@]}")
  elif apt_available "${apt_boost_versioned[0]}"; then
    boost=("${apt_boost_versioned[@]}")
  else
    boost=("${apt_boost_default[@]}")
  fi
}

# Runs apt-get as root: directly, or through `sudo -n` (set up by install_apt).
run_apt() {
  if ((${#sudo[@]})); then
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "$@" </dev/null
  else
    apt-get "$@" </dev/null
  fi
}

install_apt() {
  local boost=() missing=() pkg
  choose_boost
  for pkg in "${apt_packages_common[@]}" "${boost[@]}"; do
    apt_installed "$pkg" || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    say "all build dependencies are installed"
    return 0
  fi
  say "missing: ${missing[*]}"

  if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      {
        printf 'install-deps: not root, and sudo needs a password (or is missing). Run:\n\n'
        printf '  sudo apt-get update\n'
        printf '  sudo apt-get install -y --no-install-recommends %s\n\n' "${missing[*]}"
        printf 'then run this script again.\n'
      } >&2
      exit 1
    fi
  fi

  # Refresh the package lists only when they cannot serve the install: some
  # missing package is unknown to them (e.g. a fresh container with no lists).
  local updated=0
  for pkg in "${missing[@]}"; do
    if ! apt_available "$pkg"; then
      say "the package lists do not know $pkg; running apt-get update"
      run_apt update
      updated=1
      break
    fi
  done
  if ((updated)); then
    # Fresh lists may change which Boost packages this system offers.
    choose_boost
    missing=()
    for pkg in "${apt_packages_common[@]}" "${boost[@]}"; do
      apt_installed "$pkg" || missing+=("$pkg")
    done
  fi

  say "apt-get install ${missing[*]}"
  if ! run_apt install -y --no-install-recommends "${missing[@]}"; then
    if ((updated)); then
      fail "apt-get install failed; see its messages above"
    fi
    # Stale lists point at files the mirror no longer has: refresh once, retry.
    say "apt-get install failed; running apt-get update and trying once more"
    run_apt update
    run_apt install -y --no-install-recommends "${missing[@]}" ||
      fail "apt-get install failed; see its messages above"
  fi

  for pkg in "${missing[@]}"; do
    apt_installed "$pkg" || fail "$pkg is still not installed after apt-get install"
  done
  say "done"
}

# --- macOS ---------------------------------------------------------------------

install_brew() {
  if ! command -v brew >/dev/null 2>&1; then
    fail "Homebrew is needed (https://brew.sh), then: brew install ${brew_formulae[*]}"
  fi
  local missing=() formula
  for formula in "${brew_formulae[@]}"; do
    brew list --formula "$formula" >/dev/null 2>&1 || missing+=("$formula")
  done
  if ((${#missing[@]} == 0)); then
    say "all build dependencies are installed"
    return 0
  fi
  say "brew install ${missing[*]}"
  HOMEBREW_NO_AUTO_UPDATE="${HOMEBREW_NO_AUTO_UPDATE:-1}" brew install "${missing[@]}" </dev/null
}

# --- anything else ---------------------------------------------------------------

explain_other() {
  {
    printf 'install-deps: no installer for this system (%s). codexsync needs:\n' "$(uname -s)"
    printf '  a C++20 compiler, CMake >= 3.25, Ninja, pkg-config, git\n'
    printf '  Boost >= 1.80 (filesystem; Process is header-only), toml++ 3, libzip,\n'
    printf '  spdlog, fmt, Catch2, CLI11, nlohmann-json 3, OpenSSL (libcrypto), zip, unzip\n'
    printf 'On Windows use vcpkg with vcpkg.json at the repository root.\n'
    printf 'Install them with your package manager, then run: CODEXSYNC_SKIP_DEPS=1 ./scripts/build.sh\n'
  } >&2
  exit 1
}

case "$(uname -s)" in
  Linux)
    if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
      install_apt
    else
      explain_other
    fi
    ;;
  Darwin)
    ((windows)) && fail "--windows: the cross-build for Windows needs Debian or Ubuntu (apt-get)"
    install_brew
    ;;
  *) explain_other ;;
esac
