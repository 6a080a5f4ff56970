#include <codexsync/cli/cli.hpp>
#include <codexsync/core/exit_code.hpp>

#include <iostream>

namespace codexsync::cli {

int run(int /*argc*/, const char* const* /*argv*/, const util::Environment& /*env*/, Streams streams) {
  streams.err << "codexsync: not built yet\n";
  return to_int(ExitCode::runtime_error);
}

int main_entry(int argc, char** argv) {
  return run(argc, argv, util::Environment::current(), Streams{std::cout, std::cerr});
}

} // namespace codexsync::cli
