#include "snapshot_internal.hpp"

#include <codexsync/util/fs.hpp>
#include <codexsync/util/text.hpp>

#include <fmt/format.h>

namespace codexsync::backup {
namespace detail {
namespace {

constexpr std::size_t k_hex_length = 12;
constexpr std::size_t k_stamp_length = 16; // YYYYMMDDTHHMMSSZ

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_lower_hex(std::string_view text) {
  for (const char c : text) {
    if (!is_digit(c) && !(c >= 'a' && c <= 'f')) {
      return false;
    }
  }
  return true;
}

// Reads `count` decimal digits at `pos`; nullopt when any is not a digit.
std::optional<int> read_number(std::string_view text, std::size_t pos, std::size_t count) {
  if (pos + count > text.size()) {
    return std::nullopt;
  }
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!is_digit(text[i])) {
      return std::nullopt;
    }
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// True when `text` is well-formed UTF-8 (no overlongs, surrogates or values above U+10FFFF).
bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    std::uint32_t code = 0;
    if (lead < 0x80U) {
      ++i;
      continue;
    }
    if ((lead & 0xE0U) == 0xC0U) {
      extra = 1;
      code = lead & 0x1FU;
    } else if ((lead & 0xF0U) == 0xE0U) {
      extra = 2;
      code = lead & 0x0FU;
    } else if ((lead & 0xF8U) == 0xF0U) {
      extra = 3;
      code = lead & 0x07U;
    } else {
      return false;
    }
    if (i + extra >= text.size()) {
      return false;
    }
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0U) != 0x80U) {
        return false;
      }
      code = (code << 6U) | (next & 0x3FU);
    }
    static constexpr std::uint32_t k_min_for_length[] = {0, 0x80, 0x800, 0x10000};
    if (code < k_min_for_length[extra] || code > 0x10FFFFU || (code >= 0xD800U && code <= 0xDFFFU)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

struct CivilTime {
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
};

std::optional<std::chrono::system_clock::time_point> to_time_point(const CivilTime& t) {
  using namespace std::chrono;
  const year_month_day date{year{t.year}, month{static_cast<unsigned>(t.month)},
                            day{static_cast<unsigned>(t.day)}};
  if (!date.ok() || t.hour > 23 || t.minute > 59 || t.second > 59) {
    return std::nullopt;
  }
  return system_clock::time_point(sys_days{date} + hours{t.hour} + minutes{t.minute} + seconds{t.second});
}

// Parses "YYYYMMDDTHHMMSSZ".
std::optional<std::chrono::system_clock::time_point> parse_name_stamp(std::string_view stamp) {
  if (stamp.size() != k_stamp_length || stamp[8] != 'T' || stamp[15] != 'Z') {
    return std::nullopt;
  }
  const auto year = read_number(stamp, 0, 4);
  const auto month = read_number(stamp, 4, 2);
  const auto day = read_number(stamp, 6, 2);
  const auto hour = read_number(stamp, 9, 2);
  const auto minute = read_number(stamp, 11, 2);
  const auto second = read_number(stamp, 13, 2);
  if (!year || !month || !day || !hour || !minute || !second) {
    return std::nullopt;
  }
  return to_time_point({*year, *month, *day, *hour, *minute, *second});
}

} // namespace

bool is_valid_machine(std::string_view machine) {
  return !machine.empty() && util::sanitize_file_component(machine, "") == machine;
}

std::optional<ParsedName> parse_snapshot_name(std::string_view name) {
  const auto hex_dash = name.rfind('-');
  if (hex_dash == std::string_view::npos) {
    return std::nullopt;
  }
  const auto hex = name.substr(hex_dash + 1);
  if (hex.size() != k_hex_length || !is_lower_hex(hex)) {
    return std::nullopt;
  }
  const auto rest = name.substr(0, hex_dash);
  const auto stamp_dash = rest.rfind('-');
  if (stamp_dash == std::string_view::npos) {
    return std::nullopt;
  }
  const auto time = parse_name_stamp(rest.substr(stamp_dash + 1));
  const auto machine = rest.substr(0, stamp_dash);
  if (!time || !is_valid_machine(machine)) {
    return std::nullopt;
  }
  return ParsedName{std::string(machine), *time};
}

std::optional<std::chrono::system_clock::time_point> parse_utc_timestamp(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fraction]Z
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text.back() != 'Z') {
    return std::nullopt;
  }
  const auto year = read_number(text, 0, 4);
  const auto month = read_number(text, 5, 2);
  const auto day = read_number(text, 8, 2);
  const auto hour = read_number(text, 11, 2);
  const auto minute = read_number(text, 14, 2);
  const auto second = read_number(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second) {
    return std::nullopt;
  }
  auto time = to_time_point({*year, *month, *day, *hour, *minute, *second});
  if (!time) {
    return std::nullopt;
  }
  const auto fraction = text.substr(19, text.size() - 20);
  if (fraction.empty()) {
    return time;
  }
  if (fraction[0] != '.' || fraction.size() < 2 || fraction.size() > 10) {
    return std::nullopt;
  }
  std::int64_t nanos = 0;
  for (std::size_t i = 1; i < 10; ++i) {
    const char c = i < fraction.size() ? fraction[i] : '0';
    if (!is_digit(c)) {
      return std::nullopt;
    }
    nanos = nanos * 10 + (c - '0');
  }
  return *time +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(nanos));
}

std::string entry_path_problem(std::string_view path) {
  if (path.empty()) {
    return "an empty path";
  }
  if (path.front() == '/') {
    return "an absolute path";
  }
  if (path.find('\\') != std::string_view::npos) {
    return "a backslash in the path";
  }
  if (path.find('\0') != std::string_view::npos) {
    return "a NUL byte in the path";
  }
  if (!is_valid_utf8(path)) {
    return "a path that is not valid UTF-8";
  }
  if (path.size() >= 2 && path[1] == ':' &&
      ((path[0] >= 'A' && path[0] <= 'Z') || (path[0] >= 'a' && path[0] <= 'z'))) {
    return "a drive letter";
  }
  for (const auto& segment : util::split(path, '/')) {
    if (segment.empty()) {
      return "an empty path segment";
    }
    if (segment == "." || segment == "..") {
      return "a \"" + segment + "\" segment";
    }
#ifdef _WIN32
    if (segment.find(':') != std::string::npos) {
      return "a ':' in the path (an alternate data stream on Windows)";
    }
#endif
  }
  return {};
}

std::string entry_key(Side side, std::string_view path) {
  std::string key(side_name(side));
  key += '/';
  key += path;
  return key;
}

std::string quoted(const std::filesystem::path& path) { return "\"" + util::display_path(path) + "\""; }

std::filesystem::path native_relative(std::string_view relative) {
  std::filesystem::path out;
  for (const auto& segment : util::split(relative, '/')) {
    out /= util::path_from_utf8(segment);
  }
  return out;
}

} // namespace detail

std::string snapshot_name(std::string_view machine, std::chrono::system_clock::time_point time,
                          std::string_view hex12) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(time);
  const auto day_start = floor<days>(secs);
  const year_month_day date{day_start};
  const hh_mm_ss clock_time{secs - day_start};
  return fmt::format("{}-{:04}{:02}{:02}T{:02}{:02}{:02}Z-{}", machine, static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     clock_time.hours().count(), clock_time.minutes().count(), clock_time.seconds().count(),
                     hex12);
}

} // namespace codexsync::backup
