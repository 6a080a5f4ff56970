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
  using namespace std::chrono;
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text.back() != 'Z') {
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
  return time + duration_cast<system_clock::duration>(nanoseconds(nanos));
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
