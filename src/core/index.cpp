#include <codexsync/core/index.hpp>

namespace codexsync {

std::string_view side_name(Side side) { return side == Side::local ? "local" : "cloud"; }

bool FileState::same_as(const FileState& other, std::int64_t tolerance_ns) const {
  if (size != other.size) {
    return false;
  }
  const auto delta = mtime_ns > other.mtime_ns ? mtime_ns - other.mtime_ns : other.mtime_ns - mtime_ns;
  if (delta > tolerance_ns) {
    return false;
  }
  return !(sha256 && other.sha256 && *sha256 != *other.sha256);
}

bool Index::has_files_under(std::string_view root) const {
  const std::string key(root);
  if (files.count(key) != 0U) {
    return true;  // the root is a file
  }
  // "root-x" and "root.txt" sort between "root" and "root/", so look from "root/".
  const auto prefix = key + "/";
  const auto it = files.lower_bound(prefix);
  return it != files.end() && it->first.str().compare(0, prefix.size(), prefix) == 0;
}

std::string root_of(std::string_view path, const std::vector<std::string>& roots) {
  for (const auto& root : roots) {
    if (path == root || (path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
                         path[root.size()] == '/')) {
      return root;
    }
  }
  return {};
}

} // namespace codexsync
