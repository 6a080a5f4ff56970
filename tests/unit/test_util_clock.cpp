#include "support/catch.hpp"

#include <codexsync/util/clock.hpp>

#include <chrono>

using namespace std::chrono;
using codexsync::util::human_duration;
using codexsync::util::parse_utc_timestamp;
using codexsync::util::utc_timestamp;

TEST_CASE("parse_utc_timestamp reads what utc_timestamp writes", "[util]") {
  const auto t = system_clock::time_point(sys_days{2026y / November / 24} + 10h + 5min + 7s + 123ms);
  const auto text = utc_timestamp(t);
  CHECK(text == "2026-11-24T10:05:07.123Z");
  const auto back = parse_utc_timestamp(text);
  REQUIRE(back);
  CHECK(*back == t);
  CHECK(parse_utc_timestamp("2026-11-24T10:05:07Z") == system_clock::time_point(sys_days{2026y / November / 24} + 10h + 5min + 7s));
  CHECK(parse_utc_timestamp("2026-11-24T10:05:07.5Z") ==
        system_clock::time_point(sys_days{2026y / November / 24} + 10h + 5min + 7s + 500ms));
}

TEST_CASE("parse_utc_timestamp refuses other shapes and impossible dates", "[util]") {
  for (const char* text : {"", "2026-11-24", "2026-11-24T10:05:07", "2026-11-24T10:05:07+01:00",
                           "2026-02-30T10:05:07Z", "2026-11-24T24:00:00Z", "2026-11-24T10:05:07.Z",
                           "2026-11-24T10:05:07.12x4Z", "2026-1a-24T10:05:07Z", "2026/11/24T10:05:07Z"}) {
    INFO(text);
    CHECK_FALSE(parse_utc_timestamp(text));
  }
}

TEST_CASE("human_duration says an age in the two largest units", "[util]") {
  CHECK(human_duration(0s) == "0 s");
  CHECK(human_duration(45s) == "45 s");
  CHECK(human_duration(59s + 900ms) == "59 s");
  CHECK(human_duration(60s) == "1 min");
  CHECK(human_duration(12min + 59s) == "12 min");
  CHECK(human_duration(1h) == "1 h");
  CHECK(human_duration(3h + 12min + 30s) == "3 h 12 min");
  CHECK(human_duration(23h + 59min) == "23 h 59 min");
  CHECK(human_duration(24h) == "1 day");
  CHECK(human_duration(24h + 4h + 59min) == "1 day 4 h");
  CHECK(human_duration(days{11} + 30min) == "11 days");
  CHECK(human_duration(days{2} + 1h) == "2 days 1 h");
  CHECK(human_duration(-(3h + 12min)) == "3 h 12 min");
}
