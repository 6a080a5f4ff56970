#include <codexsync/util/fs.hpp>

#include <string>
#include <system_error>

namespace codexsync::util {
namespace {

// Below MAX_PATH (260) with room for a file name the OS may add (a temp file
// beside, `\*` of a folder listing).
constexpr std::size_t k_long_path = 240;

} // namespace

fs::path os_long_path(const fs::path& path) {
  const std::wstring& text = path.native();
  if (text.size() < k_long_path || text.rfind(L"\\\\?\\", 0) == 0) {
    return path;
  }
  // The prefix turns off the OS's own clean-up of `/`, `.` and `..`: do it here.
  std::error_code ec;
  const auto absolute = fs::absolute(path, ec);
  if (ec) {
    return path;
  }
  std::wstring full = absolute.lexically_normal().make_preferred().native();
  if (full.rfind(L"\\\\?\\", 0) == 0) {
    return full;
  }
  if (full.rfind(L"\\\\", 0) == 0) {
    return fs::path(L"\\\\?\\UNC\\" + full.substr(2));
  }
  if (full.size() >= 3 && full[1] == L':' && full[2] == L'\\') {
    return fs::path(L"\\\\?\\" + full);
  }
  return path;
}

} // namespace codexsync::util
