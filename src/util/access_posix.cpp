#include <codexsync/util/fs.hpp>

#include <unistd.h>

namespace codexsync::util {

bool can_access_dir(const fs::path& dir, Access access) {
  const int mode = access == Access::read ? (R_OK | X_OK) : (W_OK | X_OK);
  return ::access(dir.c_str(), mode) == 0;
}

} // namespace codexsync::util
