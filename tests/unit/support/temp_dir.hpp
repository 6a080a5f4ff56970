#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace codexsync::test {

// A fresh folder under the build tree's test-tmp/ (never elsewhere), removed when
// the test passes and kept, with its path printed, when it fails.
class TempDir {
public:
  TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path operator/(std::string_view relative) const { return m_path / relative; }

  // Writes `content` to `relative` (creating parent folders) and returns its path.
  std::filesystem::path write(std::string_view relative, std::string_view content) const;
  // Creates the folder `relative` and returns its path.
  std::filesystem::path mkdir(std::string_view relative) const;

private:
  std::filesystem::path m_path;
};

// Returns the whole file as a string ("" when missing).
std::string read_text(const std::filesystem::path& path);

} // namespace codexsync::test
