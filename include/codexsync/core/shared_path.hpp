#pragma once

#include <compare>
#include <cstddef>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <string_view>

namespace codexsync {

// A relative path whose text is held once per process. The scans of both
// sides, the baseline and the delivery records name the same paths: each
// SharedPath points at one interned string instead of owning a copy (at
// 100,000 paths of ~90 characters, four copies took 36 MB of a 96 MB peak).
// Making one from text looks the text up (thread-safe) and adds it when new;
// the texts live until the process ends, which for a run is as long as its
// trees' paths are needed anyway. Comparing with plain text never adds it.
class SharedPath {
 public:
  SharedPath();  // ""
  SharedPath(std::string_view text);
  SharedPath(const std::string& text) : SharedPath(std::string_view(text)) {}
  SharedPath(const char* text) : SharedPath(std::string_view(text)) {}

  const std::string& str() const { return *text_; }
  operator const std::string&() const { return *text_; }
  operator std::string_view() const { return *text_; }
  std::size_t size() const { return text_->size(); }
  bool empty() const { return text_->empty(); }

  // Equal texts are one string, so equality is identity.
  friend bool operator==(const SharedPath& a, const SharedPath& b) { return a.text_ == b.text_; }
  friend std::strong_ordering operator<=>(const SharedPath& a, const SharedPath& b) {
    return a.text_ == b.text_ ? std::strong_ordering::equal : a.text_->compare(*b.text_) <=> 0;
  }
  // With plain text (map lookups through std::less<>): no interning.
  friend bool operator==(const SharedPath& a, std::string_view b) { return std::string_view(*a.text_) == b; }
  friend bool operator==(const SharedPath& a, const std::string& b) { return *a.text_ == b; }
  friend bool operator==(const SharedPath& a, const char* b) { return std::string_view(*a.text_) == b; }
  friend std::strong_ordering operator<=>(const SharedPath& a, std::string_view b) {
    return std::string_view(*a.text_).compare(b) <=> 0;
  }
  friend std::strong_ordering operator<=>(const SharedPath& a, const std::string& b) {
    return a.text_->compare(b) <=> 0;
  }
  friend std::strong_ordering operator<=>(const SharedPath& a, const char* b) {
    return std::string_view(*a.text_).compare(b) <=> 0;
  }
  friend std::ostream& operator<<(std::ostream& out, const SharedPath& path) { return out << *path.text_; }
  // How {fmt} formats it: as its text. fmt 9 also took the conversion to
  // std::string_view, fmt 10 and later (Homebrew's, vcpkg's) take only this.
  friend std::string_view format_as(const SharedPath& path) { return *path.text_; }

  // How many distinct texts the process holds (for tests and measurements).
  static std::size_t interned_count();

 private:
  const std::string* text_;
};

// Another text that many entries repeat, held once the same way: the time of
// a delivery record's claims (every file one run wrote carries the same one).
using SharedText = SharedPath;

// A map keyed by path that shares its keys' texts and is searched with plain
// text without making a SharedPath.
template <typename T> using PathMap = std::map<SharedPath, T, std::less<>>;

} // namespace codexsync
