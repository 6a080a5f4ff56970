#include "subprocess_os.hpp"

#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace codexsync::util::detail {

std::optional<int> exit_code_of(int native_status) {
  if (WIFEXITED(native_status)) {
    return WEXITSTATUS(native_status);
  }
  return std::nullopt;
}

bool is_executable(const std::filesystem::path& file) { return ::access(file.c_str(), X_OK) == 0; }

std::string env_key(const std::string& name) { return name; }

std::vector<std::string> current_environment() {
  std::vector<std::string> lines;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    lines.emplace_back(*entry);
  }
  return lines;
}

} // namespace codexsync::util::detail
