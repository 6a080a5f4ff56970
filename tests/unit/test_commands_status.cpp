#include "support/catch.hpp"
#include "support/config_fixture.hpp"

#include <codexsync/commands/command.hpp>
#include <codexsync/commands/run_recorder.hpp>
#include <codexsync/state/run_record.hpp>
#include <codexsync/util/clock.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <sstream>

using namespace codexsync;
using namespace std::chrono;
using codexsync::test::ConfigFixture;

namespace {

const system_clock::time_point k_now = sys_days{2026y / November / 24} + 15h;

// A config file in the fixture and the folder its run records go to.
struct StatusFixture {
  ConfigFixture f;
  util::ManualClock clock{k_now};

  explicit StatusFixture(const std::string& extra = {}) { f.dir.write("config.toml", f.base() + extra); }

  commands::GlobalOptions global(bool json = false) const {
    commands::GlobalOptions g;
    g.config_file = f.file();
    g.json = json;
    return g;
  }

  std::filesystem::path runs() const {
    return *state::run_record_dir(f.env, commands::record_config_path(global(), f.env));
  }

  void save(const state::RunRecord& r) const { REQUIRE(state::save_run_record(runs(), r).empty()); }

  struct Out {
    ExitCode code;
    std::string out;
    std::string err;
  };
  Out status(bool json = false) {
    std::ostringstream out;
    std::ostringstream err;
    commands::Context ctx(f.env, global(json), out, err, clock);
    const auto code = commands::make_status()->run(ctx);
    return {code, out.str(), err.str()};
  }
};

state::RunRecord sync_run(int exit_code, system_clock::time_point finished, const std::string& mode = "apply") {
  state::RunRecord r;
  r.command = "sync";
  r.mode = mode;
  r.exit_code = exit_code;
  r.started = util::utc_timestamp(finished - 2s);
  r.finished = util::utc_timestamp(finished);
  r.machine = "machine-a";
  return r;
}

} // namespace

TEST_CASE("status: a failing run shows its exit code, its meaning, its error and its age", "[commands]") {
  StatusFixture s;
  s.save(sync_run(0, k_now - 5h));
  auto failed = sync_run(2, k_now - 3h - 12min);
  failed.first_error = "2 conflict(s) left open; nothing was written.";
  failed.counts.conflicts = 2;
  failed.conflicts = {"skills/a.md", "sessions/b.jsonl"};
  s.save(failed);

  const auto result = s.status();
  CHECK(result.code == ExitCode::ok);
  CHECK_THAT(result.out, CS_CONTAINS("Last run:             sync --apply ended "));
  CHECK_THAT(result.out, CS_CONTAINS("(3 h 12 min ago)"));
  CHECK_THAT(result.out, CS_CONTAINS("exit 2 (conflict left open): 2 conflict(s) left open; nothing was written."));
  CHECK_THAT(result.out, CS_CONTAINS("Last successful sync: sync --apply ended "));
  CHECK_THAT(result.out, CS_CONTAINS("(5 h ago)"));
  CHECK_THAT(result.out, CS_CONTAINS("Open conflicts: 2"));
  CHECK_THAT(result.out, CS_CONTAINS("\n  skills/a.md\n  sessions/b.jsonl\n"));
  CHECK_THAT(result.out, CS_CONTAINS("`codexsync plan`"));
  CHECK_THAT(result.out, CS_CONTAINS("[conflict] policy"));
  CHECK_THAT(result.out, CS_CONTAINS("WARNING: the last run failed: sync --apply ended with exit 2"));
  CHECK_THAT(result.out, !CS_CONTAINS("stale_after_hours"));

  const auto json = nlohmann::json::parse(s.status(true).out);
  CHECK(json["last_run"]["exit_code"] == 2);
  CHECK(json["last_run"]["age_seconds"] == 3 * 3600 + 12 * 60);
  CHECK(json["last_run_failed"] == true);
  CHECK(json["stale"] == false);
  CHECK(json["open_conflicts"]["paths"].size() == 2);
  CHECK(json["config"]["valid"] == true);
}

TEST_CASE("status: warns when the last success is older than stale_after_hours, or missing", "[commands]") {
  SECTION("never synced") {
    StatusFixture s;
    const auto result = s.status();
    CHECK(result.code == ExitCode::ok);
    CHECK_THAT(result.out, CS_CONTAINS("Last run:             none recorded yet"));
    CHECK_THAT(result.out, CS_CONTAINS("Last successful sync: never"));
    CHECK_THAT(result.out, CS_CONTAINS("WARNING: there has never been a successful `codexsync sync --apply`"));
    CHECK(nlohmann::json::parse(s.status(true).out)["stale"] == true);
    // Reading never creates the records folder.
    CHECK_FALSE(std::filesystem::exists(s.f.dir / "home/.local"));
  }
  SECTION("older than the default 24 h") {
    StatusFixture s;
    s.save(sync_run(0, k_now - 30h));
    const auto result = s.status();
    CHECK_THAT(result.out, CS_CONTAINS("WARNING: the last successful sync was 1 day 6 h ago, more than "
                                       "stale_after_hours = 24 h ago"));
    CHECK(nlohmann::json::parse(s.status(true).out)["stale"] == true);
  }
  SECTION("within a larger stale_after_hours") {
    StatusFixture s("[scheduler]\nstale_after_hours = 48\n");
    s.save(sync_run(0, k_now - 30h));
    const auto result = s.status();
    CHECK_THAT(result.out, !CS_CONTAINS("WARNING"));
    CHECK_THAT(result.out, CS_CONTAINS("OK: "));
    const auto json = nlohmann::json::parse(s.status(true).out);
    CHECK(json["stale"] == false);
    CHECK(json["stale_after_hours"] == 48);
  }
  SECTION("a dry run is not a success") {
    StatusFixture s;
    s.save(sync_run(0, k_now - 1h, "dry-run"));
    CHECK_THAT(s.status().out, CS_CONTAINS("Last successful sync: never"));
  }
}

TEST_CASE("status: a damaged or foreign record is reported, never a crash", "[commands]") {
  StatusFixture s;
  s.save(sync_run(0, k_now - 1h));
  s.f.dir.write((s.runs() / "last-run.json").lexically_relative(s.f.dir.path()).string(), "{\"format\": \"codexs");
  s.f.dir.write((s.runs() / "last-success.json").lexically_relative(s.f.dir.path()).string(), "[\"not a record\"]");
  const auto result = s.status();
  CHECK(result.code == ExitCode::ok);
  CHECK_THAT(result.out, CS_CONTAINS("Last run:             cannot be read (see below)"));
  CHECK_THAT(result.out, CS_CONTAINS("last-run.json: it is damaged (not valid JSON)"));
  CHECK_THAT(result.out, CS_CONTAINS("last-success.json: it is not a JSON object"));
  CHECK_THAT(result.out, CS_CONTAINS("WARNING: there has never been a successful"));
  const auto json = nlohmann::json::parse(s.status(true).out);
  CHECK(json["last_run"].is_null());
  CHECK(json["problems"].size() == 2);
  CHECK(json["stale"] == true);
}

TEST_CASE("status: an invalid config still shows its records, then exits 4", "[commands]") {
  StatusFixture s("[scheduler]\nstale_after_hours = 2\n[conflict]\npolicy = \"newest\"\n");
  s.save(sync_run(4, k_now - 10min));
  s.save(sync_run(0, k_now - 3h));  // older than 2 h: the salvaged threshold applies
  auto last = sync_run(4, k_now - 10min);
  last.first_error = "config.toml:15:10: conflict.policy = \"newest\" is not allowed";
  s.save(last);
  const auto result = s.status();
  CHECK(result.code == ExitCode::invalid_config);
  CHECK_THAT(result.out, CS_CONTAINS("the config is INVALID (exit 4)"));
  CHECK_THAT(result.out, CS_CONTAINS("exit 4 (invalid config or arguments): config.toml:15:10"));
  CHECK_THAT(result.out, CS_CONTAINS("(10 min ago)"));
  CHECK_THAT(result.out, CS_CONTAINS("more than stale_after_hours = 2 h"));
  CHECK_THAT(result.err, CS_CONTAINS("conflict.policy = \"newest\" is not allowed"));
  const auto json = nlohmann::json::parse(s.status(true).out);
  CHECK(json["config"]["valid"] == false);
  CHECK(json["config"]["machine"] == "machine-a");
}
