#pragma once

#include <codexsync/util/environment.hpp>

#include <exception>
#include <iosfwd>
#include <string>

namespace codexsync::cli {

struct Streams {
  std::ostream& out;
  std::ostream& err;
  bool terminal = false;  // `out` is an interactive terminal (progress may be drawn)
};

// Parses the command line, runs the command and returns the process exit code
// (see core/exit_code.hpp). Never throws and never calls exit(): this is the one
// place where errors become exit codes. Every non-zero code comes with a line
// on `streams.err` saying what failed; output that `streams.out` could not take
// turns exit 0 into 1 (runtime error) and is said on `streams.err`.
int run(int argc, const char* const* argv, const util::Environment& env, Streams streams);

// The program's entry: run() with the real environment, stdout and stderr. An
// exception that reaches std::terminate ends the program with exit code 1 and
// detail::terminate_message on stderr (not abort()'s silent 3 on Windows).
int main_entry(int argc, char** argv);

namespace detail {
// The line on_terminate prints: what the exception in flight (if any) said.
std::string terminate_message(const std::exception_ptr& uncaught);
} // namespace detail

} // namespace codexsync::cli
