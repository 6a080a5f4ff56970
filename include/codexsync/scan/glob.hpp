#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace codexsync::scan {

// The exclude_globs language, matched against a relative '/'-separated path:
// `**` as a whole segment spans zero or more segments, `*` and `?` stay within
// one segment, `[abc]`, `[a-z]` and `[!x]` classes work, a pattern without `/`
// matches the file name at any depth, a pattern with `/` is anchored at the
// root, backslashes in the pattern read as `/`, matching is case-sensitive, and
// empty patterns match nothing.
class GlobSet {
public:
  explicit GlobSet(const std::vector<std::string>& patterns);

  // True when any pattern matches `path` (or, for a pattern ending in `/**`,
  // any ancestor folder of it).
  bool matches(std::string_view path) const;

private:
  std::vector<std::vector<std::string>> m_patterns;  // split into segments
  std::vector<bool> m_anchored;
};

} // namespace codexsync::scan
