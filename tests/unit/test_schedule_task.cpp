#include <codexsync/schedule/task.hpp>

#include "support/catch.hpp"
#include "support/golden_specs.hpp"

using namespace codexsync;
using namespace std::chrono_literals;

TEST_CASE("durations read the way people write them", "[schedule]") {
  CHECK(schedule::parse_duration("30m") == 30min);
  CHECK(schedule::parse_duration("2h") == 2h);
  CHECK(schedule::parse_duration("1h30m") == 90min);
  CHECK(schedule::parse_duration("90s") == 90s);
  CHECK(schedule::parse_duration("1d2h3m4s") == 26h + 3min + 4s);
  CHECK(schedule::parse_duration("0030m") == 30min);
  for (const char* bad : {"", "30", "m", "30x", "30 m", "1m1h", "1h1h", "0m", "-5m", "1.5h", "h30",
                          "99999999999999999999s", "9223372036854775807d"}) {
    INFO(bad);
    CHECK_FALSE(schedule::parse_duration(bad));
  }
}

TEST_CASE("durations print the way parse_duration reads them", "[schedule]") {
  for (const auto duration : {300s, 1800s, 3600s, 5400s, 86400s, 93784s, 45s}) {
    INFO(duration.count());
    CHECK(schedule::parse_duration(schedule::format_duration(duration)) == duration);
  }
  CHECK(schedule::format_duration(90min) == "1h30m");
  CHECK(schedule::format_duration(2h) == "2h");
}

TEST_CASE("platform and mode names", "[schedule]") {
  for (const auto p : {schedule::Platform::windows, schedule::Platform::macos, schedule::Platform::linux}) {
    CHECK(schedule::parse_platform(util::os_name(p)) == p);
  }
  CHECK_FALSE(schedule::parse_platform("darwin"));
  CHECK(schedule::parse_mode("dry-run") == schedule::Mode::dry_run);
  CHECK(schedule::parse_mode("apply") == schedule::Mode::apply);
  CHECK_FALSE(schedule::parse_mode("dry_run"));
}

TEST_CASE("the task runs sync with an absolute config and --scheduled", "[schedule]") {
  auto spec = test::golden_posix_spec(schedule::Platform::linux);
  CHECK(schedule::task_arguments(spec) ==
        std::vector<std::string>{"-c", spec.config.string(), "--scheduled", "sync", "--apply"});
  spec.mode = schedule::Mode::dry_run;
  CHECK(schedule::task_arguments(spec).back() == "--dry-run");
}

TEST_CASE("the Windows task name keeps accounts apart and stays in one folder", "[schedule]") {
  CHECK(schedule::windows_task_name("ann") == "\\codexsync\\codexsync sync (ann)");
  CHECK(schedule::windows_task_name("CORP\\ann") == "\\codexsync\\codexsync sync (CORP-ann)");
}

TEST_CASE("the random delay is a tenth of the interval within 1 and 5 minutes", "[schedule]") {
  CHECK(schedule::random_delay(5min) == 1min);
  CHECK(schedule::random_delay(30min) == 3min);
  CHECK(schedule::random_delay(24h) == 5min);
}

namespace {

// `posix_path` made absolute by this computer's rules ("C:/home/ann" on Windows).
std::filesystem::path absolute_here(const std::string& posix_path) {
#ifdef _WIN32
  return std::filesystem::path("C:" + posix_path);
#else
  return std::filesystem::path(posix_path);
#endif
}

} // namespace

TEST_CASE("what stops a task from being installed", "[schedule]") {
  auto spec = test::golden_posix_spec(schedule::Platform::linux);
  spec.binary = absolute_here(spec.binary.string());
  spec.config = absolute_here(spec.config.string());
  CHECK(schedule::problems(spec).empty());
  spec.every = 4min;
  REQUIRE(schedule::problems(spec).size() == 1);
  CHECK_THAT(schedule::problems(spec)[0], CS_CONTAINS("shorter than the minimum, 5m"));
  spec.every = 32 * 24h;
  CHECK_THAT(schedule::problems(spec).at(0), CS_CONTAINS("longer than the maximum"));
  spec.every = 5min;
  spec.config = "relative/config.toml";
  CHECK_THAT(schedule::problems(spec).at(0), CS_CONTAINS("config file path \"relative/config.toml\" is not absolute"));
  spec.config = absolute_here("/home/ann/line\nbreak.toml");
  CHECK_THAT(schedule::problems(spec).at(0), CS_CONTAINS("line break"));

  // Paths are checked with this computer's rules.
  auto windows = test::golden_posix_spec(schedule::Platform::windows);
  windows.binary = absolute_here(windows.binary.string());
  windows.config = absolute_here("/home/ann/config.toml");
  windows.user = "ann";
  CHECK(schedule::problems(windows).empty());
  windows.config = absolute_here("/home/ann/%APPDATA%/config.toml");
  CHECK_THAT(schedule::problems(windows).at(0), CS_CONTAINS("Task Scheduler would expand"));
  windows.config = absolute_here("/home/ann/\"quoted\"/config.toml");
  CHECK_THAT(schedule::problems(windows).at(0), CS_CONTAINS("double quote"));
  windows.config = absolute_here("/home/ann/config.toml");
  windows.user.clear();
  CHECK_THAT(schedule::problems(windows).at(0), CS_CONTAINS("USERNAME is not set"));
}
