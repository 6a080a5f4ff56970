#include <codexsync/util/self.hpp>

#include <mach-o/dyld.h>

#include <cstdint>
#include <system_error>
#include <vector>

namespace codexsync::util {

std::optional<std::filesystem::path> current_executable() {
  std::uint32_t size = 0;
  _NSGetExecutablePath(nullptr, &size);
  std::vector<char> buffer(size + 1, '\0');
  if (_NSGetExecutablePath(buffer.data(), &size) != 0) {
    return std::nullopt;
  }
  std::error_code ec;
  std::filesystem::path path = std::filesystem::canonical(buffer.data(), ec);
  if (ec) {
    return std::nullopt;
  }
  return path;
}

} // namespace codexsync::util
