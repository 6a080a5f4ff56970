#include <codexsync/merge/lines.hpp>

#include <codexsync/util/clock.hpp>

#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace codexsync::merge {
namespace {

// A time as nanoseconds since the Unix epoch; lines are ordered by it.
using Nanos = std::int64_t;

// The key of lines before the first timestamped line of their side: they come first.
constexpr Nanos k_before_all = std::numeric_limits<Nanos>::min();

// Top-level fields that hold a line's time, in order of preference.
constexpr std::array<std::string_view, 4> k_time_keys = {"ts", "timestamp", "updated_at", "created_at"};

// Numbers above this are milliseconds since the epoch, below it seconds.
constexpr std::int64_t k_millis_above = 100'000'000'000;

struct Line {
  std::string_view id; // the line's bytes without its line ending
  bool unterminated = false;
};

struct Side {
  std::vector<Line> lines; // in file order, blank lines left out
  std::size_t lf_endings = 0;
  std::size_t crlf_endings = 0;
};

bool is_blank(std::string_view line) {
  for (const char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') {
      return false;
    }
  }
  return true;
}

Side split(std::string_view text) {
  Side side;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto newline = text.find('\n', start);
    Line line;
    if (newline == std::string_view::npos) {
      line.id = text.substr(start);
      line.unterminated = true;
      // A CRLF file cut between '\r' and '\n': the '\r' is part of the ending.
      if (!line.id.empty() && line.id.back() == '\r') {
        line.id.remove_suffix(1);
      }
      start = text.size();
    } else {
      line.id = text.substr(start, newline - start);
      if (!line.id.empty() && line.id.back() == '\r') {
        line.id.remove_suffix(1);
        ++side.crlf_endings;
      } else {
        ++side.lf_endings;
      }
      start = newline + 1;
    }
    if (!is_blank(line.id)) {
      side.lines.push_back(line);
    }
  }
  return side;
}

// ---------------------------------------------------------------------------
// Reading the top-level time field of a JSON object line without building it.

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::size_t skip_space(std::string_view text, std::size_t pos) {
  while (pos < text.size() && is_space(text[pos])) {
    ++pos;
  }
  return pos;
}

// `pos` is at an opening quote; returns the index after the closing one, or npos.
std::size_t skip_string(std::string_view text, std::size_t pos) {
  for (++pos; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c == '"') {
      return pos + 1;
    }
    if (c == '\\') {
      ++pos;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      return std::string_view::npos;
    }
  }
  return std::string_view::npos;
}

bool is_scalar_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' || c == '+' || c == '.' || c == 'E';
}

// Skips one JSON value at `pos`; returns the index after it, or npos when it is
// not well formed. `stack` is scratch space for the open brackets.
std::size_t skip_value(std::string_view text, std::size_t pos, std::string& stack) {
  if (pos >= text.size()) {
    return std::string_view::npos;
  }
  const char first = text[pos];
  if (first == '"') {
    return skip_string(text, pos);
  }
  if (first != '{' && first != '[') {
    const auto start = pos;
    while (pos < text.size() && is_scalar_char(text[pos])) {
      ++pos;
    }
    return pos == start ? std::string_view::npos : pos;
  }
  stack.clear();
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c == '"') {
      pos = skip_string(text, pos);
      if (pos == std::string_view::npos) {
        return pos;
      }
      --pos;
    } else if (c == '{' || c == '[') {
      stack.push_back(c == '{' ? '}' : ']');
    } else if (c == '}' || c == ']') {
      if (stack.empty() || stack.back() != c) {
        return std::string_view::npos;
      }
      stack.pop_back();
      if (stack.empty()) {
        return pos + 1;
      }
    }
  }
  return std::string_view::npos;
}

// A JSON number as nanoseconds since the epoch: seconds, or milliseconds when
// above 1e11; fractions kept. Nullopt when it is not a number or out of range.
std::optional<Nanos> number_time(std::string_view text) {
  std::size_t pos = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) {
    ++pos;
  }
  std::int64_t whole = 0;
  std::size_t whole_digits = 0;
  for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos, ++whole_digits) {
    if (whole_digits == 18) {
      return std::nullopt;
    }
    whole = whole * 10 + (text[pos] - '0');
  }
  if (whole_digits == 0) {
    return std::nullopt;
  }
  std::string_view fraction;
  if (pos < text.size() && text[pos] == '.') {
    const auto start = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      ++pos;
    }
    fraction = text.substr(start, pos - start);
    if (fraction.empty()) {
      return std::nullopt;
    }
  }
  if (pos != text.size()) {
    // An exponent: rare enough to read as a double.
    if (text[pos] != 'e' && text[pos] != 'E') {
      return std::nullopt;
    }
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) {
      return std::nullopt;
    }
    const double magnitude = value < 0 ? -value : value;
    const double nanos = magnitude > static_cast<double>(k_millis_above) ? value * 1e6 : value * 1e9;
    if (!(nanos > -9.2e18 && nanos < 9.2e18)) {
      return std::nullopt;
    }
    return static_cast<Nanos>(nanos);
  }
  const bool millis = whole > k_millis_above ||
                      (whole == k_millis_above && fraction.find_first_not_of('0') != std::string_view::npos);
  const std::int64_t unit = millis ? 1'000'000 : 1'000'000'000;
  const std::size_t unit_digits = millis ? 6 : 9;
  if (whole > std::numeric_limits<Nanos>::max() / unit - 1) {
    return std::nullopt;
  }
  std::int64_t part = 0;
  for (std::size_t i = 0; i < unit_digits; ++i) {
    part = part * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  }
  const Nanos nanos = whole * unit + part;
  return negative ? -nanos : nanos;
}

std::optional<Nanos> text_time(std::string_view quoted) {
  const auto inner = quoted.substr(1, quoted.size() - 2);
  if (inner.find('\\') != std::string_view::npos) {
    return std::nullopt;
  }
  const auto time = util::parse_rfc3339_timestamp(inner);
  if (!time) {
    return std::nullopt;
  }
  return std::chrono::duration_cast<std::chrono::nanoseconds>(time->time_since_epoch()).count();
}

// The time of a line: its top-level time field (k_time_keys, the first that
// holds a usable time) when the line is one well-formed JSON object; nullopt
// otherwise. Nested objects are skipped whole, so their fields never count.
std::optional<Nanos> line_time(std::string_view line, std::string& stack) {
  std::array<std::string_view, k_time_keys.size()> values{};
  std::size_t pos = skip_space(line, 0);
  if (pos >= line.size() || line[pos] != '{') {
    return std::nullopt;
  }
  pos = skip_space(line, pos + 1);
  if (pos < line.size() && line[pos] == '}') {
    return std::nullopt;
  }
  for (;;) {
    if (pos >= line.size() || line[pos] != '"') {
      return std::nullopt;
    }
    const auto key_end = skip_string(line, pos);
    if (key_end == std::string_view::npos) {
      return std::nullopt;
    }
    const auto key = line.substr(pos + 1, key_end - pos - 2);
    pos = skip_space(line, key_end);
    if (pos >= line.size() || line[pos] != ':') {
      return std::nullopt;
    }
    const auto value_start = skip_space(line, pos + 1);
    const auto value_end = skip_value(line, value_start, stack);
    if (value_end == std::string_view::npos) {
      return std::nullopt;
    }
    for (std::size_t k = 0; k < k_time_keys.size(); ++k) {
      if (key == k_time_keys[k]) {
        values[k] = line.substr(value_start, value_end - value_start); // the last of duplicate keys wins
      }
    }
    pos = skip_space(line, value_end);
    if (pos < line.size() && line[pos] == ',') {
      pos = skip_space(line, pos + 1);
      continue;
    }
    if (pos < line.size() && line[pos] == '}') {
      break;
    }
    return std::nullopt;
  }
  if (skip_space(line, pos + 1) != line.size()) {
    return std::nullopt;
  }
  for (const auto value : values) {
    if (value.empty()) {
      continue;
    }
    const auto time = value.front() == '"' ? text_time(value) : number_time(value);
    if (time) {
      return time;
    }
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------

// Where a distinct line was seen, and whether the merge wrote it already.
struct Seen {
  bool in_a = false;
  bool in_b = false;
  bool written = false;
};

using SeenMap = std::unordered_map<std::string_view, Seen>;

// True when `side` ends in an unterminated line that is a shorter beginning of
// a line of `other`: a write cut short by a crash, which `other` holds whole.
bool has_cut_tail(const Side& side, const Side& other) {
  if (side.lines.empty() || !side.lines.back().unterminated) {
    return false;
  }
  const auto tail = side.lines.back().id;
  for (const auto& line : other.lines) {
    if (line.id.size() > tail.size() && line.id.substr(0, tail.size()) == tail) {
      return true;
    }
  }
  return false;
}

struct Keyed {
  Seen* seen; // the line's entry in the SeenMap
  std::string_view id;
  Nanos key; // its own time, or that of the last timestamped line before it on its side
};

// Records the lines of `side` (its cut tail left out) in `seen`; returns them.
std::vector<Keyed> record(const Side& side, bool cut_tail, bool Seen::*flag, SeenMap& seen) {
  std::vector<Keyed> out;
  const std::size_t n = side.lines.size() - (cut_tail ? 1 : 0);
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto& entry = seen[side.lines[i].id];
    entry.*flag = true;
    out.push_back({&entry, side.lines[i].id, k_before_all});
  }
  return out;
}

// Gives each line its ordering key: its time, else the time carried from the
// line before it on its side.
void set_keys(std::vector<Keyed>& lines, std::string& stack) {
  Nanos carry = k_before_all;
  for (auto& line : lines) {
    const auto time = line_time(line.id, stack);
    if (time) {
      carry = *time;
    }
    line.key = carry;
  }
}

} // namespace

LineMerge merge_lines(std::string_view a, std::string_view b) {
  const Side side_a = split(a);
  const Side side_b = split(b);
  SeenMap seen;
  seen.reserve(side_a.lines.size() + side_b.lines.size());
  auto lines_a = record(side_a, has_cut_tail(side_a, side_b), &Seen::in_a, seen);
  auto lines_b = record(side_b, has_cut_tail(side_b, side_a), &Seen::in_b, seen);

  LineMerge result;
  for (const auto& [id, where] : seen) {
    if (where.in_a && !where.in_b) {
      ++result.only_in_a;
    } else if (where.in_b && !where.in_a) {
      ++result.only_in_b;
    }
  }
  result.a_has_all = result.only_in_b == 0;
  result.b_has_all = result.only_in_a == 0;
  if (result.a_has_all) {
    result.text = std::string(a);
    return result;
  }
  if (result.b_has_all) {
    result.text = std::string(b);
    return result;
  }

  const bool crlf =
      side_a.lf_endings + side_b.lf_endings == 0 && side_a.crlf_endings + side_b.crlf_endings > 0;
  const std::string_view ending = crlf ? "\r\n" : "\n";
  std::string stack;
  set_keys(lines_a, stack);
  set_keys(lines_b, stack);
  result.text.reserve(a.size() + b.size());
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < lines_a.size() || j < lines_b.size()) {
    const bool take_a = j == lines_b.size() || (i < lines_a.size() && lines_a[i].key <= lines_b[j].key);
    const auto& line = take_a ? lines_a[i++] : lines_b[j++];
    if (!line.seen->written) {
      line.seen->written = true;
      result.text.append(line.id);
      result.text.append(ending);
    }
  }
  return result;
}

} // namespace codexsync::merge
