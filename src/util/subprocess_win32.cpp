#include "subprocess_os.hpp"

#include <algorithm>
#include <cctype>

namespace codexsync::util::detail {

// A Windows process always ends with a code (TerminateProcess sets one too).
std::optional<int> exit_code_of(int native_status) { return native_status; }

bool is_executable(const std::filesystem::path& /*file*/) { return true; }

std::string env_key(const std::string& name) {
  std::string key = name;
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return key;
}

} // namespace codexsync::util::detail
