// The logging facade: stderr form, levels, fields, configure errors, shutdown.
#include "support/catch.hpp"
#include "support/platform.hpp"
#include "support/stderr_capture.hpp"
#include "support/temp_dir.hpp"

#include <codexsync/core/error.hpp>
#include <codexsync/log/log.hpp>
#include <codexsync/util/clock.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <string>

#ifndef _WIN32
#include <fcntl.h>
#include <unistd.h>
#endif

using namespace codexsync;
using namespace codexsync::log;
namespace fs = std::filesystem;

namespace {

using test::StderrToFile;
using Session = test::LogSession;

Settings json_settings(const fs::path& base, Level level) {
  Settings settings;
  settings.level = level;
  settings.machine = "machine-a";
  FileSettings file;
  file.base_file = base;
  file.machine = "machine-a";
  file.format = Format::json;
  settings.file = file;
  return settings;
}

std::vector<nlohmann::json> records_in(const fs::path& file) {
  std::vector<nlohmann::json> out;
  const auto text = test::read_text(file);
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    out.push_back(nlohmann::json::parse(text.substr(start, end - start)));
    start = end == std::string::npos ? text.size() : end + 1;
  }
  return out;
}

const auto k_start = std::chrono::system_clock::from_time_t(1'774'094'400); // 2026-03-21 12:00 UTC

} // namespace

CS_POSIX_ONLY("stderr gets compact text for a person, at the threshold",
              "captures file descriptor 2 through a pipe (dup2, fcntl)")
CS_POSIX_ONLY("with a json file, stderr stays human text and both honour the level",
              "captures file descriptor 2 through a pipe (dup2, fcntl)")
CS_POSIX_ONLY("a separate stderr threshold keeps info in the file and off the terminal",
              "captures file descriptor 2 through a pipe (dup2, fcntl)")
#ifndef _WIN32
TEST_CASE("stderr gets compact text for a person, at the threshold", "[log]") {
  test::TempDir tmp;
  {
    StderrToFile capture(tmp / "stderr.txt");
    init_stderr(Level::info);
    debug("not shown");
    info("copied", {{"path", "a b.txt"}, {"side", "local"}});
    warn("careful", {{"k", "v"}});
    error("broken");
    init_stderr(Level::debug); // again, now verbose
    debug("now shown");
    shutdown();
  }
  CHECK(test::read_text(tmp / "stderr.txt") == "copied path=\"a b.txt\" side=local\n"
                                               "codexsync: warning: careful k=v\n"
                                               "codexsync: error: broken\n"
                                               "codexsync: debug: now shown\n");
}

TEST_CASE("with a json file, stderr stays human text and both honour the level", "[log]") {
  test::TempDir tmp;
  util::ManualClock clock(k_start);
  Session session;
  {
    StderrToFile capture(tmp / "stderr.txt");
    init_stderr(Level::info);
    configure(json_settings(tmp / "logs/codexsync.log", Level::warning), clock);
    info("below the threshold");
    file_action(Level::warning, "delete", "sessions/a.jsonl", "cloud", "deleted a file",
                {{"reason", "gone"}});
    shutdown();
  }
  CHECK(test::read_text(tmp / "stderr.txt") ==
        "codexsync: warning: deleted a file action=delete path=sessions/a.jsonl side=cloud reason=gone\n");
}

TEST_CASE("a separate stderr threshold keeps info in the file and off the terminal", "[log]") {
  test::TempDir tmp;
  util::ManualClock clock(k_start);
  Session session;
  const auto base = tmp / "logs/codexsync.log";
  {
    StderrToFile capture(tmp / "stderr.txt");
    auto settings = json_settings(base, Level::info);
    settings.stderr_level = Level::warning;
    configure(settings, clock);
    info("checked", {{"check", "config"}});
    warn("careful");
    debug("nowhere");
    shutdown();
    info("after shutdown, still below the stderr threshold");
  }
  CHECK(test::read_text(tmp / "stderr.txt") == "codexsync: warning: careful\n");
  const auto records = records_in(log_file_name(base, "machine-a", "2026-03-21", 0));
  REQUIRE(records.size() == 2);
  CHECK(records[0]["msg"] == "checked");
  CHECK(records[0]["check"] == "config");
  CHECK(records[1]["level"] == "WARNING");
}
#endif

TEST_CASE("file_action writes one record with action, path, side and extra fields", "[log]") {
  test::TempDir tmp;
  util::ManualClock clock(k_start);
  Session session;
  StderrToFile quiet(tmp / "stderr.txt");
  configure(json_settings(tmp / "logs/codexsync.log", Level::info), clock);
  debug("below the threshold");
  file_action(Level::warning, "overwrite", "config.toml", "local", "replaced with the cloud copy",
              {{"backup", "b/config.toml"}});
  info("plain");
  const auto file = current_file();
  REQUIRE(file.has_value());

  const auto records = records_in(*file);
  REQUIRE(records.size() == 2);
  CHECK(records[0]["level"] == "WARNING");
  CHECK(records[0]["msg"] == "replaced with the cloud copy");
  CHECK(records[0]["action"] == "overwrite");
  CHECK(records[0]["path"] == "config.toml");
  CHECK(records[0]["side"] == "local");
  CHECK(records[0]["backup"] == "b/config.toml");
  CHECK(records[0]["machine"] == "machine-a");
  CHECK(records[0]["ts"] == "2026-03-21T12:00:00.000Z"); // from the injected clock, UTC
  CHECK(records[1]["msg"] == "plain");
  CHECK_FALSE(records[1].contains("action"));
}

TEST_CASE("shutdown closes the file and later records go to stderr only", "[log]") {
  test::TempDir tmp;
  util::ManualClock clock(k_start);
  Session session;
  StderrToFile quiet(tmp / "stderr.txt");
  configure(json_settings(tmp / "logs/codexsync.log", Level::info), clock);
  info("kept");
  const auto file = current_file();
  REQUIRE(file.has_value());
  shutdown();
  CHECK_FALSE(current_file().has_value());
  info("after shutdown");
  const auto records = records_in(*file);
  REQUIRE(records.size() == 1);
  CHECK(records[0]["msg"] == "kept");

  configure(json_settings(tmp / "logs/codexsync.log", Level::info), clock);
  REQUIRE(current_file() == file);
  init_stderr(Level::info); // back to stderr only
  CHECK_FALSE(current_file().has_value());
}

TEST_CASE("configure throws RuntimeError naming the folder when it cannot be created", "[log]") {
  test::TempDir tmp;
  util::ManualClock clock(k_start);
  Session session;
  tmp.write("blocker", "a file where the log folder should be");
  try {
    configure(json_settings(tmp / "blocker/logs/codexsync.log", Level::info), clock);
    FAIL("configure did not throw");
  } catch (const RuntimeError& e) {
    const std::string message = e.what();
    CHECK(message.find((tmp / "blocker/logs").generic_string()) != std::string::npos);
    CHECK(message.find("logging.file") != std::string::npos);
  }
  CHECK_FALSE(current_file().has_value());
}
