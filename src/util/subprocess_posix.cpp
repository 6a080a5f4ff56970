#include "subprocess_os.hpp"

#include <sys/wait.h>
#include <unistd.h>

namespace codexsync::util::detail {

std::optional<int> exit_code_of(int native_status) {
  if (WIFEXITED(native_status)) {
    return WEXITSTATUS(native_status);
  }
  return std::nullopt;
}

bool is_executable(const std::filesystem::path& file) { return ::access(file.c_str(), X_OK) == 0; }

std::string env_key(const std::string& name) { return name; }

} // namespace codexsync::util::detail
