#pragma once

#include <functional>
#include <string>

// Running test code in a forked child (fault points end the process, mounts
// and limits stay with it). POSIX only; private_mounts Linux only.
namespace codexsync::test {

#ifndef _WIN32
struct ChildResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string output;
};

// Runs `body` in a forked child and returns its exit code and what it
// returned (an exception's message as "exception: ..."). The child never
// returns into Catch.
ChildResult run_in_child(const std::function<std::string()>& body);
#endif

#ifdef __linux__
// Gives this (child) process its own mount table, so mounts vanish with it.
// Without root, an unprivileged user namespace may allow it.
bool private_mounts();
#endif

} // namespace codexsync::test
