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
  // The common shapes, matched without the general backtracking matcher.
  enum class Shape {
    general,
    name_suffix,     // `**/*LIT` or `*LIT`: the file name ends with LIT
    folder_anywhere, // `**/LIT/**`: a folder named LIT anywhere above the file
    folder_prefix,   // `LIT/LIT/**`: below that folder of the root
    name_glob,       // `**/SEG`: the file name matches SEG, at any depth
  };
  struct Pattern {
    std::vector<std::string> segments;
    bool anchored = false;
    Shape shape = Shape::general;
    std::string literal;  // the suffix, folder name, or folder path ('/'-joined)
  };
  static void classify(Pattern& pattern);
  static bool matches_fast(const Pattern& pattern, std::string_view path, std::string_view name);

  std::vector<Pattern> m_patterns;
};

} // namespace codexsync::scan
