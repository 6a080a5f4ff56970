#include "snapshot_internal.hpp"

#include <codexsync/util/clock.hpp>
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

// Parses "YYYYMMDDTHHMMSSZ".
std::optional<std::chrono::system_clock::time_point> parse_name_stamp(std::string_view stamp) {
  if (stamp.size() != k_stamp_length || stamp[8] != 'T' || stamp[15] != 'Z') {
    return std::nullopt;
  }
  // The same instant in RFC 3339, which util parses (and checks digit by digit).
  const auto text = fmt::format("{}-{}-{}T{}:{}:{}Z", stamp.substr(0, 4), stamp.substr(4, 2), stamp.substr(6, 2),
                                stamp.substr(9, 2), stamp.substr(11, 2), stamp.substr(13, 2));
  return util::parse_utc_timestamp(text);
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
  if (!util::is_valid_utf8(path)) {
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
