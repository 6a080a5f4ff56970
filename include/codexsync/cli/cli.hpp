#pragma once

#include <codexsync/util/environment.hpp>

#include <iosfwd>

namespace codexsync::cli {

struct Streams {
  std::ostream& out;
  std::ostream& err;
  bool terminal = false;  // `out` is an interactive terminal (progress may be drawn)
};

// Parses the command line, runs the command and returns the process exit code
// (see core/exit_code.hpp). Never throws and never calls exit(): this is the one
// place where errors become exit codes.
int run(int argc, const char* const* argv, const util::Environment& env, Streams streams);

// The program's entry: run() with the real environment, stdout and stderr.
int main_entry(int argc, char** argv);

} // namespace codexsync::cli
