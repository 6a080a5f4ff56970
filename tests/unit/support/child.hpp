#pragma once

#include <cstdint>
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

// In a (child) process: writes past `bytes` of a file fail with EFBIG from
// now on, like a full disk at that point. False when the OS refuses.
bool limit_file_size(std::uint64_t bytes);
#endif

#ifdef __linux__
// Gives this (child) process its own mount table, so mounts vanish with it.
// Without root, an unprivileged user namespace may allow it.
bool private_mounts();
#endif

} // namespace codexsync::test
