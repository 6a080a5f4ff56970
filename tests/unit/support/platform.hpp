#pragma once

#include "support/catch.hpp"

// Tests that need a facility only POSIX has (fork, signals, file modes, the
// Linux process list, symlinks made without privileges...). On Windows each
// stands in as a test named "skipped on Windows: <name>", tagged [posix-only],
// that passes and says why, so no skip is silent (Catch2 v2 has no SKIP).
// Write it just before the `#ifndef _WIN32` that hides the real test:
//
//   CS_POSIX_ONLY("a copy killed at a fault point ...", "forks a child and kills it (fork, SIGKILL)")
//   #ifndef _WIN32
//   TEST_CASE("a copy killed at a fault point ...", "[apply]") { ... }
//   #endif
#ifdef _WIN32
#define CS_POSIX_ONLY(name, why)                                                                            \
  TEST_CASE("skipped on Windows: " name, "[posix-only]") { WARN("skipped on Windows: " why); }
#else
#define CS_POSIX_ONLY(name, why)
#endif

namespace codexsync::test {

// True when this Windows program runs under Wine (whose files live on a POSIX
// file system: 255 bytes to a name, no change time of its own). Always false
// elsewhere.
bool running_under_wine();

} // namespace codexsync::test
