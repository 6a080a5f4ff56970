// Makes a conflict store entry through the real code path
// (state::keep_conflict_loser), for end-to-end tests of `conflicts list` and
// `conflicts restore` that need an entry without a sync deciding a conflict:
//   keep_conflict WORKSPACE MACHINE FILE RELATIVE_PATH [local|cloud] [REASON]
// Prints the new entry's id on stdout and exits 0; on failure prints the
// error on stderr and exits with its codexsync exit code.
#include <codexsync/core/error.hpp>
#include <codexsync/state/conflict_store.hpp>
#include <codexsync/util/fs.hpp>

#include <exception>
#include <iostream>
#include <optional>
#include <string>

int main(int argc, char** argv) {
  using namespace codexsync;
  if (argc < 5 || argc > 7) {
    std::cerr << "usage: keep_conflict WORKSPACE MACHINE FILE RELATIVE_PATH [local|cloud] [REASON]\n";
    return 4;
  }
  const std::string side = argc > 5 ? argv[5] : "local";
  const std::string reason =
      argc > 6 ? argv[6] : "changed on both sides; conflict.policy = prefer_cloud (test)";
  try {
    const auto entry =
        state::keep_conflict_loser(util::path_from_utf8(argv[1]), argv[2], util::path_from_utf8(argv[3]),
                                   argv[4], side == "cloud" ? Side::cloud : Side::local, reason, std::nullopt,
                                   std::nullopt, util::system_clock());
    std::cout << entry.id << '\n';
    return 0;
  } catch (const Error& e) {
    std::cerr << "keep_conflict: " << e.what() << '\n';
    return to_int(e.code());
  } catch (const std::exception& e) {
    std::cerr << "keep_conflict: " << e.what() << '\n';
    return 1;
  }
}
