#include "support/catch.hpp"
#include "support/config_fixture.hpp"

#include <codexsync/cli/cli.hpp>
#include <codexsync/cli/command_table.hpp>
#include <codexsync/core/exit_code.hpp>
#include <codexsync/util/text.hpp>
#include <codexsync/util/fs.hpp>

#include <nlohmann/json.hpp>

#include <sstream>
#include <stdexcept>

using namespace codexsync;

namespace {

struct Result {
  int code;
  std::string out;
  std::string err;
};

Result run_cli(std::vector<std::string> args, const util::Environment& env) {
  args.insert(args.begin(), "codexsync");
  std::vector<const char*> argv;
  for (const auto& arg : args) {
    argv.push_back(arg.c_str());
  }
  std::ostringstream out;
  std::ostringstream err;
  const int code = cli::run(static_cast<int>(argv.size()), argv.data(), env, cli::Streams{out, err});
  return {code, out.str(), err.str()};
}

} // namespace

TEST_CASE("--help and -V exit 0, help lists every command and the exit codes", "[cli]") {
  test::ConfigFixture f;
  const auto help = run_cli({"--help"}, f.env);
  CHECK(help.code == 0);
  for (const auto& command : cli::command_table()) {
    CHECK_THAT(help.out, CS_CONTAINS(command->path().front()));
  }
  CHECK_THAT(help.out, CS_CONTAINS("5  fail-safe abort"));
  const auto version = run_cli({"-V"}, f.env);
  CHECK(version.code == 0);
  CHECK_THAT(version.out, CS_CONTAINS("codexsync " CODEXSYNC_VERSION));
}

TEST_CASE("every command has --help with an example", "[cli]") {
  test::ConfigFixture f;
  for (const auto& command : cli::command_table()) {
    auto args = command->path();
    INFO(args.front());
    args.emplace_back("--help");
    const auto result = run_cli(args, f.env);
    CHECK(result.code == 0);
    CHECK_THAT(result.out, CS_CONTAINS("Example:\n  codexsync "));
  }
}

TEST_CASE("argument errors exit 4 with a one-line hint", "[cli]") {
  test::ConfigFixture f;
  const std::vector<std::vector<std::string>> cases{
    {},
    {"frobnicate"},
    {"--no-such-flag", "validate"},
    {"validate", "--no-such-flag"},
    {"sync", "--apply", "--dry-run"},
    {"restore", "--target", "elsewhere"},
    {"-c"},
    {"backups"},
    {"backups", "shred"},
  };
  for (const auto& args : cases) {
    INFO(util::join(args, " "));
    const auto result = run_cli(args, f.env);
    CHECK(result.code == to_int(ExitCode::invalid_config));
    CHECK_THAT(result.err, CS_CONTAINS("codexsync: error: "));
    CHECK_THAT(result.err, CS_CONTAINS("--help"));
  }
  CHECK_THAT(run_cli({"frobnicate"}, f.env).err, CS_CONTAINS("unknown command 'frobnicate'"));
}

TEST_CASE("status without any config shows the no-config records and exits 4", "[cli]") {
  test::ConfigFixture f;
  const auto result = run_cli({"status"}, f.env);
  CHECK(result.code == to_int(ExitCode::invalid_config));
  CHECK_THAT(result.out, CS_CONTAINS("Config:               none found"));
  CHECK_THAT(result.out, CS_CONTAINS("/runs/no-config"));
  CHECK_THAT(result.err, CS_CONTAINS("no config file found"));
}

TEST_CASE("init-config then validate: the written file is valid", "[cli]") {
  test::ConfigFixture f;
  const auto file = (f.dir / "cfg/config.toml").string();
  const auto init = run_cli({"init-config", "--output", file, "--machine-id", "box", "--local-state-dir",
                             (f.dir / "home/.codex").string(), "--workspace-root", "cloud"},
                            f.env);
  REQUIRE(init.code == 0);
  const auto validate = run_cli({"--json", "-c", file, "validate"}, f.env);
  CHECK(validate.err.empty());
  REQUIRE(validate.code == 0);
  const auto doc = nlohmann::json::parse(validate.out);
  CHECK(doc["valid"] == true);
  CHECK(doc["machine_id"] == "box");
  // A relative --workspace-root is taken from the working folder.
  CHECK(doc["cloud_root_dir"] == (f.dir / "cloud/sync").generic_string());
}

TEST_CASE("init-config never overwrites without --force, and keeps the old file with it", "[cli]") {
  test::ConfigFixture f;
  const auto file = f.dir.write("config.toml", "# mine\n");
  const auto refused = run_cli({"init-config", "--output", file.string()}, f.env);
  CHECK(refused.code == to_int(ExitCode::invalid_config));
  CHECK(test::read_text(file) == "# mine\n");
  const auto forced = run_cli({"init-config", "--output", file.string(), "--force"}, f.env);
  CHECK(forced.code == 0);
  CHECK_THAT(test::read_text(file), CS_CONTAINS("[identity]"));
  bool kept = false;
  for (const auto& entry : std::filesystem::directory_iterator(f.dir.path())) {
    if (entry.path().filename().string().rfind("config.toml.bak-", 0) == 0) {
      kept = test::read_text(entry.path()) == "# mine\n";
    }
  }
  CHECK(kept);
}

TEST_CASE("validate: config errors exit 4 as FILE:LINE:COL lines, also as JSON", "[cli]") {
  test::ConfigFixture f;
  const auto file = f.dir.write("bad.toml", "[sync]\ndry_run_default = \"false\"\n" + f.base());
  const auto result = run_cli({"--json", "-c", file.string(), "validate"}, f.env);
  CHECK(result.code == to_int(ExitCode::invalid_config));
  CHECK_THAT(result.err, CS_CONTAINS(codexsync::util::display_path(file) + ":2:19: sync.dry_run_default must be true or false"));
  const auto doc = nlohmann::json::parse(result.out);
  CHECK(doc["exit_code"] == 4);
  CHECK(doc["messages"].size() == 1);
}

TEST_CASE("validate refuses a config that would block every write", "[cli]") {
  test::ConfigFixture f;
  const auto file = f.dir.write("c.toml", f.base() + "[backup]\nbackup_before_overwrite = false\n");
  const auto result = run_cli({"-c", file.string(), "validate"}, f.env);
  CHECK(result.code == to_int(ExitCode::invalid_config));
  CHECK_THAT(result.err, CS_CONTAINS("backup.backup_before_overwrite = false is refused"));
}

TEST_CASE("doctor: PASS/WARN exits 0, any FAIL exits 5, and it writes nothing", "[cli]") {
  test::ConfigFixture f;
  const auto file = f.dir.write("c.toml", f.base());
  auto result = run_cli({"-c", file.string(), "doctor"}, f.env);
  CHECK(result.code == 0);
  CHECK_THAT(result.out, CS_CONTAINS("PASS  local_state"));
  CHECK_FALSE(std::filesystem::exists(f.dir / "cloud/sync"));  // only reported, never created

  std::filesystem::remove_all(f.dir / "cloud");
  result = run_cli({"--json", "-c", file.string(), "preflight"}, f.env);
  CHECK(result.code == to_int(ExitCode::fail_safe));
  const auto doc = nlohmann::json::parse(result.out);
  CHECK(doc["result"] == "FAIL");
  bool workspace_failed = false;
  for (const auto& check : doc["checks"]) {
    workspace_failed = workspace_failed || (check["name"] == "workspace_root" && check["status"] == "FAIL");
  }
  CHECK(workspace_failed);
}

TEST_CASE("preflight leaves its findings in the log file, doctor does not", "[cli]") {
  test::ConfigFixture f;
  const auto file = f.dir.write("c.toml", f.base() + "[logging]\nfile = \"${workspace_root}/logs/cs.log\"\n"
                                                     "format = \"json\"\n");
  REQUIRE(run_cli({"-c", file.string(), "doctor"}, f.env).code == 0);
  CHECK_FALSE(std::filesystem::exists(f.dir / "cloud/logs"));

  const auto result = run_cli({"-c", file.string(), "preflight"}, f.env);
  REQUIRE(result.code == 0);
  CHECK(result.err.empty());  // the terminal gets the table only
  std::vector<std::filesystem::path> logs;
  for (const auto& entry : std::filesystem::directory_iterator(f.dir / "cloud/logs")) {
    if (entry.path().extension() == ".log") {
      logs.push_back(entry.path());
    }
  }
  REQUIRE(logs.size() == 1);
  CHECK_THAT(logs[0].filename().string(), CS_CONTAINS("cs-machine-a-"));
  const auto text = test::read_text(logs[0]);
  std::vector<nlohmann::json> records;
  for (const auto& line : util::split(text, '\n')) {
    if (!line.empty()) {
      records.push_back(nlohmann::json::parse(line));
    }
  }
  REQUIRE(records.size() >= 2);
  const auto& summary = records[records.size() - 2];
  CHECK(summary["msg"] == "preflight result: WARN");
  CHECK(summary["machine"] == "machine-a");
  // Every command that keeps a log ends it with how the run ended.
  CHECK(records.back()["msg"] == "preflight finished");
  CHECK(records.back()["exit_code"] == "0");
}

TEST_CASE("a run that fails leaves its error and exit code in the log file", "[cli]") {
  test::ConfigFixture f;
  // A name no other test's stand-in agent uses, and one look instead of a window.
  const auto file = f.dir.write("c.toml", f.base() + "[logging]\nfile = \"${workspace_root}/logs/cs.log\"\n"
                                                     "format = \"json\"\n[process_detection]\n"
                                                     "process_names = [\"codexsync-unit-none\"]\n"
                                                     "grace_period_seconds = 0\n");
  std::filesystem::remove_all(f.dir / "home/.codex");  // the agent's folder is gone: sync stops
  const auto result = run_cli({"-c", file.string(), "sync", "--apply"}, f.env);
  REQUIRE(result.code == to_int(ExitCode::fail_safe));
  std::string text;
  for (const auto& entry : std::filesystem::directory_iterator(f.dir / "cloud/logs")) {
    if (entry.path().extension() == ".log") {
      text = test::read_text(entry.path());
    }
  }
  REQUIRE_FALSE(text.empty());
  const auto last = nlohmann::json::parse(text.substr(text.rfind('\n', text.size() - 2) + 1));
  CHECK(last["level"] == "ERROR");
  CHECK(last["exit_code"] == "5");
  CHECK(last["result"] == "fail_safe");
  CHECK_THAT(last["msg"].get<std::string>(), CS_CONTAINS("sync failed: the agent's folder"));
}

TEST_CASE("output that stdout cannot take is exit 1, said on stderr", "[cli]") {
  test::ConfigFixture f;
  const char* argv[] = {"codexsync", "-V"};
  std::ostringstream out;
  std::ostringstream err;
  out.setstate(std::ios::badbit);  // as a full disk or a closed pipe leaves std::cout
  const int code = cli::run(2, argv, f.env, cli::Streams{out, err});
  CHECK(code == to_int(ExitCode::runtime_error));
  CHECK_THAT(err.str(), CS_CONTAINS("could not be written to the standard output"));
  CHECK_THAT(err.str(), CS_CONTAINS("exit code 0 (ok)"));
}

TEST_CASE("an error whose report stdout cannot take keeps its exit code", "[cli]") {
  test::ConfigFixture f;
  const char* argv[] = {"codexsync", "frobnicate"};
  std::ostringstream out;
  std::ostringstream err;
  out.setstate(std::ios::badbit);
  CHECK(cli::run(2, argv, f.env, cli::Streams{out, err}) == to_int(ExitCode::invalid_config));
  CHECK_THAT(err.str(), CS_CONTAINS("unknown command 'frobnicate'"));
}

TEST_CASE("the terminate handler's line names the exception that was in flight", "[cli]") {
  const std::string message =
      cli::detail::terminate_message(std::make_exception_ptr(std::runtime_error("boom")));
  CHECK_THAT(message, CS_CONTAINS("codexsync: error: internal failure, the program had to stop"));
  CHECK_THAT(message, CS_CONTAINS("(std::terminate: boom)"));
  CHECK_THAT(cli::detail::terminate_message(std::make_exception_ptr(42)),
             CS_CONTAINS("not a std::exception"));
  CHECK_THAT(cli::detail::terminate_message(nullptr), CS_CONTAINS("no exception was in flight"));
}
