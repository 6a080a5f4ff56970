#include "support/catch.hpp"

#include <codexsync/util/clock.hpp>

#include <chrono>

using namespace std::chrono;
using codexsync::util::human_duration;
using codexsync::util::parse_rfc3339_timestamp;
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

TEST_CASE("parse_rfc3339_timestamp reads Z and numeric offsets as UTC", "[util]") {
  const auto base = system_clock::time_point(sys_days{2026y / November / 24} + 10h + 5min + 7s);
  CHECK(parse_rfc3339_timestamp("2026-11-24T10:05:07Z") == base);
  CHECK(parse_rfc3339_timestamp("2026-11-24t10:05:07z") == base);
  CHECK(parse_rfc3339_timestamp("2026-11-24 10:05:07Z") == base);
  CHECK(parse_rfc3339_timestamp("2026-11-24T12:05:07+02:00") == base);
  CHECK(parse_rfc3339_timestamp("2026-11-24T04:35:07-05:30") == base);
  CHECK(parse_rfc3339_timestamp("2026-11-24T10:05:07+00:00") == base);
  CHECK(parse_rfc3339_timestamp("2026-11-24T10:05:07-00:00") == base);
  // The offset may move the time to another day.
  CHECK(parse_rfc3339_timestamp("2026-11-25T01:05:07+15:00") == base);
  CHECK(parse_rfc3339_timestamp("2026-11-24T10:05:07.123456789Z") == base + 123456789ns);
  CHECK(parse_rfc3339_timestamp("2026-11-24T11:05:07.5+01:00") == base + 500ms);
  // Whatever parse_utc_timestamp reads, this reads the same.
  const auto t = base + 42ms;
  CHECK(parse_rfc3339_timestamp(utc_timestamp(t)) == parse_utc_timestamp(utc_timestamp(t)));
}

TEST_CASE("parse_rfc3339_timestamp refuses what is not RFC 3339", "[util]") {
  for (const char* text : {"", "2026-11-24", "2026-11-24T10:05:07", "2026-11-24T10:05:07+0100",
                           "2026-11-24T10:05:07+01", "2026-11-24T10:05:07+24:00", "2026-11-24T10:05:07+01:60",
                           "2026-11-24T10:05:07 +01:00", "2026-11-24T10:05:07Z ", "2026-11-24T10:05:60Z",
                           "2026-02-29T10:05:07Z", "2026-11-24X10:05:07Z", "2026-11-24T10:05:07.Z",
                           "2026-11-24T10:05:07.1234567890Z", "2026-11-24T10:05:07.12x4Z", "2026-11-24T10:05:07ZZ",
                           "2026-11-24T10:05:07+a1:00"}) {
    INFO(text);
    CHECK_FALSE(parse_rfc3339_timestamp(text));
  }
  CHECK(parse_rfc3339_timestamp("2028-02-29T10:05:07Z"));
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
