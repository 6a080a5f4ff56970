#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include <codexsync/state/run_record.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>

using namespace codexsync;
using namespace codexsync::state;
using codexsync::test::TempDir;

namespace {

RunRecord sample() {
  RunRecord r;
  r.command = "sync";
  r.mode = "apply";
  r.scheduled = true;
  r.started = "2026-11-24T10:00:00.000Z";
  r.finished = "2026-11-24T10:00:02.500Z";
  r.duration_ms = 2500;
  r.machine = "laptop";
  r.config = "/home/me/.config/codexsync/config.toml";
  r.version = "0.1.0";
  r.exit_code = 2;
  r.counts.copied_to_cloud = 1;
  r.counts.copied_to_local = 2;
  r.counts.deleted = 3;
  r.counts.backed_up = 4;
  r.counts.conflicts = 5;
  r.counts.failed = 6;
  r.counts.changed_meanwhile = 7;
  r.counts.restored = 8;
  r.counts.removed = 9;
  r.counts.bytes_copied = 10'000'000'000ULL;
  r.first_error = "3 conflict(s) left open; nothing was written.";
  r.conflicts = {"skills/a.md", "sessions/x.jsonl"};
  r.streak = 4;
  r.failing_since = "2026-11-20T10:00:00.000Z";
  return r;
}

RunRecord run(bool scheduled, int exit_code, const std::string& started) {
  RunRecord r;
  r.command = "sync";
  r.mode = "apply";
  r.scheduled = scheduled;
  r.exit_code = exit_code;
  r.started = started;
  r.finished = started;
  return r;
}

std::optional<RunRecord> parse(const std::string& text, std::string& problem) {
  return run_record_from_json(nlohmann::json::parse(text), problem);
}

} // namespace

TEST_CASE("run record: JSON round trip keeps every field", "[state]") {
  const auto r = sample();
  const auto doc = to_json(r);
  CHECK(doc["format"] == "codexsync-run-v1");
  CHECK(doc["outcome"] == "conflict");
  CHECK(doc["counts"] == nlohmann::json{{"copied_to_cloud", 1}, {"copied_to_local", 2}, {"deleted", 3},
                                        {"backed_up", 4},       {"conflicts", 5},       {"failed", 6},
                                        {"changed_meanwhile", 7}, {"restored", 8},    {"removed", 9},
                                        {"bytes_copied", 10'000'000'000ULL}});
  std::string problem;
  const auto back = run_record_from_json(nlohmann::json::parse(doc.dump()), problem);
  REQUIRE(back);
  CHECK(problem.empty());
  CHECK(to_json(*back) == doc);
  CHECK(back->command_line() == "sync --apply");
  CHECK(back->streak == 4);
  CHECK(back->failing_since == "2026-11-20T10:00:00.000Z");
  CHECK_FALSE(back->last_scheduled);
}

TEST_CASE("run record: a manual run carries the last scheduled run and has no streak of its own", "[state]") {
  auto r = sample();
  r.scheduled = false;
  r.last_scheduled = ScheduledSummary{"2026-11-23T10:00:00.000Z", 3, 2, "2026-11-23T09:00:00.000Z"};
  const auto doc = to_json(r);
  CHECK_FALSE(doc.contains("streak"));
  CHECK(doc["last_scheduled"]["exit_code"] == 3);
  std::string problem;
  const auto back = run_record_from_json(doc, problem);
  REQUIRE(back);
  REQUIRE(back->last_scheduled);
  CHECK(back->last_scheduled->streak == 2);
  CHECK(back->last_scheduled->failing_since == "2026-11-23T09:00:00.000Z");
  CHECK(to_json(*back) == doc);
}

TEST_CASE("run record: foreign or incomplete documents are refused, wrong field types ignored", "[state]") {
  std::string problem;
  CHECK_FALSE(parse("[1, 2]", problem));
  CHECK(problem == "not a JSON object");
  CHECK_FALSE(parse(R"({"format": "codexsync-baseline-v1", "command": "sync"})", problem));
  CHECK_THAT(problem, CS_CONTAINS("not a run record"));
  CHECK_FALSE(parse(R"({"format": "codexsync-run-v1", "command": "sync", "finished": "x"})", problem));
  CHECK_THAT(problem, CS_CONTAINS("exit code is missing"));
  CHECK_FALSE(parse(R"({"format": "codexsync-run-v1", "command": "sync", "finished": "x", "exit_code": "2"})",
                    problem));
  CHECK_FALSE(parse(R"({"format": "codexsync-run-v1", "command": "sync", "finished": "x", "exit_code": -1})",
                    problem));

  const auto odd = parse(R"({"format": "codexsync-run-v1", "command": "sync", "finished": "x", "exit_code": 1,
    "mode": 5, "scheduled": "yes", "counts": {"copied_to_cloud": -4, "deleted": "2", "failed": 3},
    "conflicts": ["a", 7, "b"], "streak": -2, "last_scheduled": [1]})",
                         problem);
  REQUIRE(odd);
  CHECK(odd->mode.empty());
  CHECK_FALSE(odd->scheduled);
  CHECK(odd->counts.copied_to_cloud == 0);
  CHECK(odd->counts.deleted == 0);
  CHECK(odd->counts.failed == 3);
  CHECK(odd->conflicts == std::vector<std::string>{"a", "b"});
  CHECK(odd->streak == 0);
  CHECK_FALSE(odd->last_scheduled);
}

TEST_CASE("run record: streak and failing_since follow the scheduled runs", "[state]") {
  SECTION("the first scheduled run starts a streak of 1") {
    auto r = run(true, 3, "T1");
    continue_streak(r, std::nullopt);
    CHECK(r.streak == 1);
    CHECK(r.failing_since == "T1");
  }
  SECTION("the same code again counts up and keeps when the failing began") {
    auto first = run(true, 3, "T1");
    continue_streak(first, std::nullopt);
    auto second = run(true, 3, "T2");
    continue_streak(second, first);
    CHECK(second.streak == 2);
    CHECK(second.failing_since == "T1");
    auto third = run(true, 3, "T3");
    continue_streak(third, second);
    CHECK(third.streak == 3);
    CHECK(third.failing_since == "T1");
  }
  SECTION("another failing code restarts the streak but not failing_since") {
    auto first = run(true, 2, "T1");
    continue_streak(first, std::nullopt);
    auto second = run(true, 5, "T2");
    continue_streak(second, first);
    CHECK(second.streak == 1);
    CHECK(second.failing_since == "T1");
  }
  SECTION("a success ends the failing, and successes count up too") {
    auto failed = run(true, 1, "T1");
    continue_streak(failed, std::nullopt);
    auto ok = run(true, 0, "T2");
    continue_streak(ok, failed);
    CHECK(ok.streak == 1);
    CHECK(ok.failing_since.empty());
    auto ok2 = run(true, 0, "T3");
    continue_streak(ok2, ok);
    CHECK(ok2.streak == 2);
    CHECK(ok2.failing_since.empty());
    auto failed_again = run(true, 1, "T4");
    continue_streak(failed_again, ok2);
    CHECK(failed_again.streak == 1);
    CHECK(failed_again.failing_since == "T4");
  }
  SECTION("a manual run in between carries the scheduled streak forward") {
    auto first = run(true, 3, "T1");
    continue_streak(first, std::nullopt);
    auto manual = run(false, 0, "T2");
    continue_streak(manual, first);
    CHECK(manual.streak == 0);
    REQUIRE(manual.last_scheduled);
    CHECK(manual.last_scheduled->exit_code == 3);
    auto manual2 = run(false, 2, "T3");
    continue_streak(manual2, manual);
    REQUIRE(manual2.last_scheduled);
    CHECK(manual2.last_scheduled->finished == "T1");
    auto second = run(true, 3, "T4");
    continue_streak(second, manual2);
    CHECK(second.streak == 2);
    CHECK(second.failing_since == "T1");
    CHECK_FALSE(second.last_scheduled);
  }
  SECTION("a manual run with nothing scheduled before carries nothing") {
    auto manual = run(false, 2, "T1");
    continue_streak(manual, std::nullopt);
    CHECK_FALSE(manual.last_scheduled);
    auto scheduled = run(true, 2, "T2");
    continue_streak(scheduled, manual);
    CHECK(scheduled.streak == 1);
    CHECK(scheduled.failing_since == "T2");
  }
}

TEST_CASE("run record: the key is 16 hex digits of the config path, or no-config", "[state]") {
  const auto a = run_record_key(std::filesystem::path("/home/me/a.toml"));
  const auto b = run_record_key(std::filesystem::path("/home/me/b.toml"));
  CHECK(a.size() == 16);
  CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(a != b);
  CHECK(a == run_record_key(std::filesystem::path("/home/me/a.toml")));
  CHECK(run_record_key(std::nullopt) == "no-config");

  util::Environment env;
  env.inherit = false;
  env.os = util::Os::linux;
  env.vars["HOME"] = "/home/me";
  CHECK(run_record_dir(env, std::nullopt) == std::filesystem::path("/home/me/.local/state/codexsync/runs/no-config"));
  env.vars.clear();
  CHECK_FALSE(run_record_dir(env, std::nullopt));
}

TEST_CASE("run record: files written per kind of run, read back, damaged files reported", "[state]") {
  TempDir dir;
  const auto runs = dir / "state/runs/k";
  const auto exists = [&](std::string_view name) { return std::filesystem::exists(runs / name); };

  auto dry = sample();
  dry.mode = "dry-run";
  dry.exit_code = 0;
  CHECK(save_run_record(runs, dry).empty());
  CHECK(exists(k_last_run_file));
  CHECK(exists(k_last_sync_file));
  CHECK_FALSE(exists(k_last_success_file));

  auto failed = sample();
  CHECK(save_run_record(runs, failed).empty());
  CHECK_FALSE(exists(k_last_success_file));

  auto ok = sample();
  ok.exit_code = 0;
  ok.finished = "2026-11-25T00:00:00.000Z";
  CHECK(save_run_record(runs, ok).empty());
  const auto success = load_run_record(runs, k_last_success_file);
  REQUIRE(success.record);
  CHECK(success.record->finished == "2026-11-25T00:00:00.000Z");

  auto doctor = sample();
  doctor.command = "doctor";
  doctor.mode.clear();
  doctor.exit_code = 5;
  CHECK(save_run_record(runs, doctor).empty());
  CHECK(load_run_record(runs, k_last_run_file).record->command == "doctor");
  CHECK(load_run_record(runs, k_last_sync_file).record->finished == "2026-11-25T00:00:00.000Z");

  const auto missing = load_run_record(dir / "nowhere", k_last_run_file);
  CHECK_FALSE(missing.exists);
  CHECK_FALSE(missing.record);
  CHECK(missing.problem.empty());
  CHECK_FALSE(std::filesystem::exists(dir / "nowhere"));

  dir.write("state/runs/k/last-run.json", "{\"format\": \"codexsync-run-v1\", \"comm");
  const auto damaged = load_run_record(runs, k_last_run_file);
  CHECK(damaged.exists);
  CHECK_FALSE(damaged.record);
  CHECK_THAT(damaged.problem, CS_CONTAINS("damaged"));
  dir.write("state/runs/k/last-run.json", "{\"format\": \"other\"}");
  CHECK_THAT(load_run_record(runs, k_last_run_file).problem, CS_CONTAINS("not a run record"));
}

TEST_CASE("run record: a folder that cannot be made is a problem, not an exception", "[state]") {
  TempDir dir;
  dir.write("file", "x");
  const auto problem = save_run_record(dir / "file/runs", sample());
  CHECK_THAT(problem, CS_CONTAINS("cannot create"));
}
