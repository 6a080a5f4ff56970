#include "support/catch.hpp"

#include <codexsync/log/log.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

using namespace codexsync::log;
namespace fs = std::filesystem;

TEST_CASE("log_file_name sanitises the machine, omits index 0 and defaults the extension", "[log]") {
  const fs::path base = fs::path("logs") / "codexsync.log";
  CHECK(log_file_name(base, "machine-a", "2026-03-21", 0) ==
        fs::path("logs") / "codexsync-machine-a-2026-03-21.log");
  CHECK(log_file_name(base, "machine-a", "2026-03-21", 1) ==
        fs::path("logs") / "codexsync-machine-a-2026-03-21.1.log");
  CHECK(log_file_name(base, "machine-a", "2026-03-21", 12).filename() ==
        "codexsync-machine-a-2026-03-21.12.log");
  CHECK(log_file_name(base, "My Laptop (work)", "2026-03-21", 0).filename() ==
        "codexsync-My-Laptop--work-2026-03-21.log");
  CHECK(log_file_name(base, "../..", "2026-03-21", 0).filename() ==
        "codexsync-unknown-machine-2026-03-21.log");
  CHECK(log_file_name(base, "", "2026-03-21", 0).filename() == "codexsync-unknown-machine-2026-03-21.log");
  CHECK(log_file_name(fs::path("logs") / "codexsync", "m", "2026-03-21", 0).filename() ==
        "codexsync-m-2026-03-21.log");
  CHECK(log_file_name(fs::path("logs") / "sync.txt", "m", "2026-03-21", 2).filename() ==
        "sync-m-2026-03-21.2.txt");
}

TEST_CASE("parse_level accepts the four names in any case and WARN", "[log]") {
  CHECK(parse_level("DEBUG") == Level::debug);
  CHECK(parse_level("info") == Level::info);
  CHECK(parse_level("Warning") == Level::warning);
  CHECK(parse_level("warn") == Level::warning);
  CHECK(parse_level("ERROR") == Level::error);
  CHECK_FALSE(parse_level("verbose").has_value());
  CHECK_FALSE(parse_level("").has_value());
  CHECK(level_name(Level::debug) == "DEBUG");
  CHECK(level_name(Level::info) == "INFO");
  CHECK(level_name(Level::warning) == "WARNING");
  CHECK(level_name(Level::error) == "ERROR");
}

TEST_CASE("text records: local time, level, message, key=value with quotes where needed", "[log]") {
  const auto line =
      format_record(Format::text, Level::warning, "2026-03-21T10:00:00.000Z", "2026-03-21 11:00:00.000",
                    "machine-a", "delete", {{"action", "delete"}, {"path", "a b/c.txt"}, {"side", ""}});
  CHECK(line == "2026-03-21 11:00:00.000 WARNING delete action=delete path=\"a b/c.txt\" side=\"\"");

  const auto multi =
      format_record(Format::text, Level::info, "u", "2026-03-21 11:00:00.000", "m", "two\nlines", {});
  CHECK(multi == "2026-03-21 11:00:00.000 INFO two\\nlines");
}

TEST_CASE("json records are one object with ts, level, machine, msg and each field", "[log]") {
  const std::string message = "quote \" backslash \\ newline \n tab \t café ✓";
  const auto line =
      format_record(Format::json, Level::error, "2026-03-21T10:00:00.123Z", "local", "machine-a", message,
                    {{"action", "overwrite"}, {"path", "dir/é.txt"}, {"msg", "clash"}});
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.find("café ✓") != std::string::npos); // UTF-8 kept, not \u-escaped
  CHECK(line.rfind("{\"ts\":", 0) == 0);

  const auto record = nlohmann::json::parse(line);
  CHECK(record["ts"] == "2026-03-21T10:00:00.123Z");
  CHECK(record["level"] == "ERROR");
  CHECK(record["machine"] == "machine-a");
  CHECK(record["msg"] == message);
  CHECK(record["action"] == "overwrite");
  CHECK(record["path"] == "dir/é.txt");
  CHECK(record["field_msg"] == "clash"); // a field cannot replace the record's own keys
}

TEST_CASE("json records replace invalid UTF-8 instead of failing", "[log]") {
  const auto line = format_record(Format::json, Level::info, "t", "l", "m", std::string("bad \xff byte"), {});
  const auto record = nlohmann::json::parse(line);
  CHECK(record["msg"] == "bad \xEF\xBF\xBD byte");
}

TEST_CASE("logfmt records quote every value and escape backslash, quote and newlines", "[log]") {
  const auto line =
      format_record(Format::logfmt, Level::info, "2026-03-21T10:00:00.000Z", "local", "machine a",
                    "say \"hi\"\nC:\\dir", {{"path", "a\\b \"c\""}, {"bad key", "x"}});
  CHECK(line == "ts=\"2026-03-21T10:00:00.000Z\" level=\"INFO\" machine=\"machine a\" "
                "msg=\"say \\\"hi\\\"\\nC:\\\\dir\" path=\"a\\\\b \\\"c\\\"\" bad_key=\"x\"");
}
