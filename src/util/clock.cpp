#include <codexsync/util/clock.hpp>

#include <cstdint>
#include <ctime>
#include <fmt/format.h>

#include <string>

namespace codexsync::util {
namespace {

class SystemClock final : public Clock {
public:
  std::chrono::system_clock::time_point now() const override { return std::chrono::system_clock::now(); }
};

std::tm to_tm(std::chrono::system_clock::time_point t, bool local) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm out{};
#ifdef _WIN32
  if (local) {
    localtime_s(&out, &seconds);
  } else {
    gmtime_s(&out, &seconds);
  }
#else
  if (local) {
    localtime_r(&seconds, &out);
  } else {
    gmtime_r(&seconds, &out);
  }
#endif
  return out;
}

long long millis_of(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  return ms < 0 ? ms + 1000 : ms;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

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

// Reads "YYYY-MM-DD?HH:MM:SS[.fraction]" (any separator at 10; up to 9
// fraction digits) at the start of `text` as a UTC wall time; sets `end` to the
// index after it. Nullopt when the shape, date or time is wrong.
std::optional<std::chrono::system_clock::time_point> parse_date_time(std::string_view text, std::size_t& end) {
  using namespace std::chrono;
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  const auto y = read_number(text, 0, 4);
  const auto mo = read_number(text, 5, 2);
  const auto d = read_number(text, 8, 2);
  const auto h = read_number(text, 11, 2);
  const auto mi = read_number(text, 14, 2);
  const auto s = read_number(text, 17, 2);
  if (!y || !mo || !d || !h || !mi || !s) {
    return std::nullopt;
  }
  const year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
  if (!date.ok() || *h > 23 || *mi > 59 || *s > 59) {
    return std::nullopt;
  }
  const auto time = system_clock::time_point(sys_days{date} + hours{*h} + minutes{*mi} + seconds{*s});
  end = 19;
  if (end == text.size() || text[end] != '.') {
    return time;
  }
  std::size_t digits = 0;
  std::int64_t nanos = 0;
  for (++end; end < text.size() && is_digit(text[end]); ++end, ++digits) {
    if (digits == 9) {
      return std::nullopt;
    }
    nanos = nanos * 10 + (text[end] - '0');
  }
  if (digits == 0) {
    return std::nullopt;
  }
  for (; digits < 9; ++digits) {
    nanos *= 10;
  }
  return time + duration_cast<system_clock::duration>(nanoseconds(nanos));
}

} // namespace

const Clock& system_clock() {
  static const SystemClock clock;
  return clock;
}

std::string local_date(std::chrono::system_clock::time_point t) {
  const auto tm = to_tm(t, true);
  return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

std::string utc_timestamp(std::chrono::system_clock::time_point t) {
  const auto tm = to_tm(t, false);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis_of(t));
}

std::optional<std::chrono::system_clock::time_point> parse_utc_timestamp(std::string_view text) {
  if (text.size() < 20 || text[10] != 'T' || text.back() != 'Z') {
    return std::nullopt;
  }
  std::size_t end = 0;
  const auto time = parse_date_time(text, end);
  if (!time || end != text.size() - 1) {
    return std::nullopt;
  }
  return time;
}

std::optional<std::chrono::system_clock::time_point> parse_rfc3339_timestamp(std::string_view text) {
  using namespace std::chrono;
  if (text.size() < 20 || (text[10] != 'T' && text[10] != 't' && text[10] != ' ')) {
    return std::nullopt;
  }
  std::size_t end = 0;
  const auto time = parse_date_time(text, end);
  if (!time) {
    return std::nullopt;
  }
  const auto zone = text.substr(end);
  if (zone == "Z" || zone == "z") {
    return time;
  }
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':') {
    return std::nullopt;
  }
  const auto h = read_number(zone, 1, 2);
  const auto m = read_number(zone, 4, 2);
  if (!h || !m || *h > 23 || *m > 59) {
    return std::nullopt;
  }
  // Local time = UTC + offset, so UTC = local time - offset.
  const auto offset = hours{*h} + minutes{*m};
  return zone[0] == '+' ? *time - offset : *time + offset;
}

std::string human_duration(std::chrono::system_clock::duration d) {
  using namespace std::chrono;
  auto total = duration_cast<seconds>(d).count();
  total = total < 0 ? -total : total;
  const auto days = total / 86400;
  const auto hours = total % 86400 / 3600;
  const auto minutes = total % 3600 / 60;
  if (days > 0) {
    const auto day_text = fmt::format("{} day{}", days, days == 1 ? "" : "s");
    return hours == 0 ? day_text : fmt::format("{} {} h", day_text, hours);
  }
  if (hours > 0) {
    return minutes == 0 ? fmt::format("{} h", hours) : fmt::format("{} h {} min", hours, minutes);
  }
  if (minutes > 0) {
    return fmt::format("{} min", minutes);
  }
  return fmt::format("{} s", total);
}

std::string local_timestamp(std::chrono::system_clock::time_point t) {
  const auto tm = to_tm(t, true);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis_of(t));
}

} // namespace codexsync::util
