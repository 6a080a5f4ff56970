#include <codexsync/util/environment.hpp>

#include <unistd.h>

#include <array>

namespace codexsync::util {

std::string host_name() {
  std::array<char, 256> buffer{};
  if (gethostname(buffer.data(), buffer.size() - 1) != 0) {
    return {};
  }
  return std::string(buffer.data());
}

} // namespace codexsync::util
