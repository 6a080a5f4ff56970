#include <codexsync/scan/glob.hpp>

#include <algorithm>
#include <optional>

// Paths: both '/' and '\' separate segments, so a Windows-style path such as
// `a\tmp\b` is matched like `a/tmp/b`. Keys from the scanner always use '/';
// on POSIX a name that itself contains '\' is therefore matched as if it were
// several segments (it could not exist on Windows anyway).
//
// Patterns: '\' reads as '/'; a leading '/' only anchors; empty segments and
// "." are dropped; a trailing '/' means "the folder's content" (`dir/` is
// `dir/**`); a trailing `/**` needs at least one segment, so `tmp/**` never
// matches `tmp` itself. `?` and classes consume one UTF-8 character; a `[`
// without its `]` is a literal `[`; only `!` negates a class.
namespace codexsync::scan {
namespace {

constexpr std::string_view k_globstar = "**";

bool is_separator(char c) { return c == '/' || c == '\\'; }

// Decodes the UTF-8 character at `pos` and moves `pos` past it. A malformed
// byte is returned as itself and counts as one character.
char32_t next_char(std::string_view text, std::size_t& pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  std::size_t length = 1;
  char32_t value = lead;
  if (lead >= 0xf0U && lead < 0xf8U) {
    length = 4;
    value = lead & 0x07U;
  } else if (lead >= 0xe0U) {
    length = 3;
    value = lead & 0x0fU;
  } else if (lead >= 0xc0U) {
    length = 2;
    value = lead & 0x1fU;
  }
  if (length > 1 && lead < 0xf8U && pos + length <= text.size()) {
    bool valid = true;
    for (std::size_t i = 1; i < length; ++i) {
      const auto byte = static_cast<unsigned char>(text[pos + i]);
      if ((byte & 0xc0U) != 0x80U) {
        valid = false;
        break;
      }
      value = (value << 6U) | (byte & 0x3fU);
    }
    if (valid) {
      pos += length;
      return value;
    }
  }
  pos += 1;
  return lead;
}

// Matches `c` against the class starting at pattern[pos] == '['. Returns
// whether it matched and moves `pos` past the closing ']'; nullopt (and `pos`
// unchanged) when the class is not closed.
std::optional<bool> match_class(std::string_view pattern, std::size_t& pos, char32_t c) {
  std::size_t at = pos + 1;
  bool negate = false;
  if (at < pattern.size() && pattern[at] == '!') {
    negate = true;
    ++at;
  }
  bool matched = false;
  bool first = true;
  while (at < pattern.size()) {
    if (pattern[at] == ']' && !first) {
      pos = at + 1;
      return matched != negate;
    }
    first = false;
    const char32_t low = next_char(pattern, at);
    char32_t high = low;
    if (at + 1 < pattern.size() && pattern[at] == '-' && pattern[at + 1] != ']') {
      ++at;
      high = next_char(pattern, at);
    }
    if (low <= c && c <= high) {
      matched = true;
    }
  }
  return std::nullopt;
}

// Matches one segment pattern (`*`, `?`, classes, literals) against one name.
bool match_segment(std::string_view pattern, std::string_view name) {
  std::size_t p = 0;
  std::size_t n = 0;
  std::size_t star_p = std::string_view::npos; // pattern position after the last '*'
  std::size_t star_n = 0;                      // where that '*' now stops in `name`
  while (n < name.size()) {
    if (p < pattern.size()) {
      if (pattern[p] == '*') {
        star_p = ++p;
        star_n = n;
        continue;
      }
      std::size_t next_n = n;
      const char32_t c = next_char(name, next_n);
      std::size_t next_p = p;
      bool ok = false;
      if (pattern[p] == '?') {
        ok = true;
        ++next_p;
      } else if (pattern[p] == '[') {
        const auto in_class = match_class(pattern, next_p, c);
        if (in_class) {
          ok = *in_class;
        } else {
          ok = c == U'[';
          ++next_p;
        }
      } else {
        ok = next_char(pattern, next_p) == c;
      }
      if (ok) {
        p = next_p;
        n = next_n;
        continue;
      }
    }
    if (star_p == std::string_view::npos) {
      return false;
    }
    next_char(name, star_n); // let the last '*' take one more character
    p = star_p;
    n = star_n;
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

// Returns where the segment after the one starting at `pos` starts
// (path.size() + 1 when there is none).
std::size_t next_segment(std::string_view path, std::size_t pos) {
  while (pos < path.size() && !is_separator(path[pos])) {
    ++pos;
  }
  return pos + 1;
}

// Matches segments[index...] against the path segments from `pos` on (a
// segment start; path.size() + 1 once all are used).
bool match_from(const std::vector<std::string>& segments, std::size_t index, std::string_view path,
                std::size_t pos) {
  if (index == segments.size()) {
    return pos > path.size();
  }
  if (segments[index] == k_globstar) {
    if (index + 1 == segments.size()) {
      return pos <= path.size(); // a trailing `**` needs at least one segment
    }
    for (;;) {
      if (match_from(segments, index + 1, path, pos)) {
        return true;
      }
      if (pos > path.size()) {
        return false;
      }
      pos = next_segment(path, pos);
    }
  }
  if (pos > path.size()) {
    return false;
  }
  const auto end = next_segment(path, pos) - 1;
  if (!match_segment(segments[index], path.substr(pos, end - pos))) {
    return false;
  }
  return match_from(segments, index + 1, path, end + 1);
}

std::string_view last_segment(std::string_view path) {
  std::size_t start = path.size();
  while (start > 0 && !is_separator(path[start - 1])) {
    --start;
  }
  return path.substr(start);
}

} // namespace

namespace {

bool is_literal(std::string_view segment) {
  return segment != k_globstar && segment.find_first_of("*?[") == std::string_view::npos;
}

} // namespace

void GlobSet::classify(Pattern& pattern) {
  const auto& seg = pattern.segments;
  const auto suffix_of = [](std::string_view segment) -> std::optional<std::string> {
    if (segment.size() > 1 && segment.front() == '*' && is_literal(segment.substr(1))) {
      return std::string(segment.substr(1));
    }
    return std::nullopt;
  };
  if (!pattern.anchored && seg.size() == 1) {
    if (auto suffix = suffix_of(seg[0])) {
      pattern.shape = Shape::name_suffix;
      pattern.literal = std::move(*suffix);
    }
    return;
  }
  if (seg.size() == 2 && seg[0] == k_globstar) {
    if (auto suffix = suffix_of(seg[1])) {
      pattern.shape = Shape::name_suffix;
      pattern.literal = std::move(*suffix);
    } else if (seg[1] != k_globstar) {
      pattern.shape = Shape::name_glob;  // `**` takes every folder above: only the name is left to match
    }
    return;
  }
  if (seg.size() == 3 && seg[0] == k_globstar && seg[2] == k_globstar && is_literal(seg[1])) {
    pattern.shape = Shape::folder_anywhere;
    pattern.literal = seg[1];
    return;
  }
  if (seg.size() >= 2 && seg.back() == k_globstar &&
      std::all_of(seg.begin(), seg.end() - 1, [](const std::string& s) { return is_literal(s); })) {
    pattern.shape = Shape::folder_prefix;
    for (std::size_t i = 0; i + 1 < seg.size(); ++i) {
      pattern.literal += seg[i];
      pattern.literal += '/';
    }
  }
}

bool GlobSet::matches_fast(const Pattern& pattern, std::string_view path, std::string_view name) {
  switch (pattern.shape) {
  case Shape::name_suffix:
    return name.size() >= pattern.literal.size() &&
           name.compare(name.size() - pattern.literal.size(), pattern.literal.size(), pattern.literal) == 0;
  case Shape::name_glob:
    return match_segment(pattern.segments[1], name);
  case Shape::folder_anywhere: {
    // Any segment but the last equals the literal.
    if (path.find(pattern.literal) == std::string_view::npos) {
      return false;  // most paths: the name is nowhere in them
    }
    std::size_t start = 0;
    while (start < path.size()) {
      const auto end = next_segment(path, start) - 1;
      if (end >= path.size()) {
        return false;  // the last segment (the file name) does not count
      }
      if (path.substr(start, end - start) == pattern.literal) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }
  case Shape::folder_prefix: {
    // The literal folders (each followed by '/'), then at least one more segment.
    if (path.size() <= pattern.literal.size()) {
      return false;
    }
    for (std::size_t i = 0; i < pattern.literal.size(); ++i) {
      const char want = pattern.literal[i];
      if (want == '/' ? !is_separator(path[i]) : path[i] != want) {
        return false;
      }
    }
    return true;
  }
  case Shape::general:
    break;
  }
  return pattern.anchored ? match_from(pattern.segments, 0, path, 0)
                          : match_segment(pattern.segments.front(), name);
}

GlobSet::GlobSet(const std::vector<std::string>& patterns) {
  for (const auto& raw : patterns) {
    std::string text = raw;
    for (auto& c : text) {
      if (c == '\\') {
        c = '/';
      }
    }
    if (text.find_first_not_of('/') == std::string::npos) {
      continue; // empty (or only separators): matches nothing
    }
    const bool anchored = text.find('/') != std::string::npos;
    if (text.back() == '/') {
      text += k_globstar;
    }
    std::vector<std::string> segments;
    std::size_t start = 0;
    while (start <= text.size()) {
      auto end = text.find('/', start);
      if (end == std::string::npos) {
        end = text.size();
      }
      const auto segment = std::string_view(text).substr(start, end - start);
      if (!segment.empty() && segment != ".") {
        segments.emplace_back(segment);
      }
      start = end + 1;
    }
    if (segments.empty()) {
      continue; // only "." segments
    }
    Pattern pattern{std::move(segments), anchored, Shape::general, {}};
    classify(pattern);
    m_patterns.push_back(std::move(pattern));
  }
}

bool GlobSet::matches(std::string_view path) const {
  if (path.empty()) {
    return false;
  }
  const auto name = last_segment(path);
  return std::any_of(m_patterns.begin(), m_patterns.end(),
                     [&](const Pattern& pattern) { return matches_fast(pattern, path, name); });
}

} // namespace codexsync::scan
