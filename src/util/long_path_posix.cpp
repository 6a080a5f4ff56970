#include <codexsync/util/fs.hpp>

namespace codexsync::util {

fs::path os_long_path(const fs::path& path) { return path; }

} // namespace codexsync::util
