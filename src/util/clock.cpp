#include <codexsync/util/clock.hpp>

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

std::string local_timestamp(std::chrono::system_clock::time_point t) {
  const auto tm = to_tm(t, true);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis_of(t));
}

} // namespace codexsync::util
