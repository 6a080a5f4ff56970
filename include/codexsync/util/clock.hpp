#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace codexsync::util {

// The source of "now" for everything that names files by date or prunes by age,
// so tests can move time. The system clock is the default.
class Clock {
public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;
};

// Returns the process-wide system clock.
const Clock& system_clock();

// A clock that says what it is told (tests).
class ManualClock final : public Clock {
public:
  explicit ManualClock(std::chrono::system_clock::time_point start) : m_now(start) {}
  std::chrono::system_clock::time_point now() const override { return m_now; }
  void set(std::chrono::system_clock::time_point t) { m_now = t; }
  void advance(std::chrono::system_clock::duration d) { m_now += d; }

private:
  std::chrono::system_clock::time_point m_now;
};

// Local calendar date of `t` as "YYYY-MM-DD".
std::string local_date(std::chrono::system_clock::time_point t);

// UTC time of `t` as RFC 3339 with milliseconds: "2026-11-24T10:00:00.123Z".
std::string utc_timestamp(std::chrono::system_clock::time_point t);

// Parses RFC 3339 UTC time as utc_timestamp() writes it, "YYYY-MM-DDTHH:MM:SS[.fraction]Z"
// (up to 9 fraction digits). Returns nullopt for anything else: another offset,
// a date or time that does not exist, stray characters.
std::optional<std::chrono::system_clock::time_point> parse_utc_timestamp(std::string_view text);

// Parses any RFC 3339 date-time, "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)",
// into UTC: the separator may also be 't' or a space, 'Z' may be 'z', up to 9
// fraction digits. Returns nullopt for anything else (no offset, a leap second,
// a date, time or offset that does not exist, stray characters).
std::optional<std::chrono::system_clock::time_point> parse_rfc3339_timestamp(std::string_view text);

// A duration in words for people, to the two largest units: "45 s", "12 min",
// "3 h 12 min", "3 h", "1 day 4 h", "11 days". Negative durations are shown
// as their size (callers say "in the future").
std::string human_duration(std::chrono::system_clock::duration d);

// Local time of `t` as "YYYY-MM-DD HH:MM:SS.mmm" (text logs).
std::string local_timestamp(std::chrono::system_clock::time_point t);

} // namespace codexsync::util
