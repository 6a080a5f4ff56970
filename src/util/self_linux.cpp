#include <codexsync/util/self.hpp>

#include <system_error>

namespace codexsync::util {

std::optional<std::filesystem::path> current_executable() {
  std::error_code ec;
  std::filesystem::path path = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec || path.empty()) {
    return std::nullopt;
  }
  return path;
}

} // namespace codexsync::util
