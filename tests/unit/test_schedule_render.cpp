#include <codexsync/schedule/render.hpp>

#include "support/catch.hpp"
#include "support/golden_specs.hpp"
#include "support/temp_dir.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace codexsync;
using schedule::Platform;

namespace {

const std::filesystem::path k_golden_dir = std::filesystem::path(CODEXSYNC_SOURCE_DIR) / "tests" / "golden" / "schedule";

// Compares `actual` with the golden file; CODEXSYNC_UPDATE_GOLDEN=1 rewrites
// the file instead (review the diff before committing it).
void check_golden(const std::string& name, const std::string& actual) {
  const std::filesystem::path file = k_golden_dir / name;
  if (const char* update = std::getenv("CODEXSYNC_UPDATE_GOLDEN"); update != nullptr && std::string(update) == "1") {
    std::ofstream(file, std::ios::binary) << actual;
    WARN("rewrote " << file.string());
    return;
  }
  INFO("golden file " << file.string() << " (CODEXSYNC_UPDATE_GOLDEN=1 rewrites it)");
  REQUIRE(std::filesystem::exists(file));
  CHECK(test::read_text(file) == actual);
}

} // namespace

TEST_CASE("the systemd units match their golden files", "[schedule]") {
  const auto spec = test::golden_posix_spec(Platform::linux);
  check_golden("codexsync-sync.service", schedule::render_systemd_service(spec));
  check_golden("codexsync-sync.timer", schedule::render_systemd_timer(spec));
}

TEST_CASE("the launchd plist matches its golden file", "[schedule]") {
  check_golden("org.codexsync.sync.plist", schedule::render_launchd_plist(test::golden_posix_spec(Platform::macos)));
}

TEST_CASE("the Task Scheduler XML matches its golden file", "[schedule]") {
  // The golden file is the UTF-8 text; what is written is its UTF-16 form.
  check_golden("codexsync-sync.xml.utf8", schedule::render_windows_task_xml(test::golden_windows_spec()));
}

TEST_CASE("a timer without sign-in runs first after one interval", "[schedule]") {
  auto spec = test::golden_posix_spec(Platform::linux);
  spec.at_login = false;
  spec.every = std::chrono::minutes(90);
  const std::string timer = schedule::render_systemd_timer(spec);
  CHECK_THAT(timer, !CS_CONTAINS("OnStartupSec"));
  CHECK_THAT(timer, CS_CONTAINS("OnActiveSec=1h 30min\n"));
  CHECK_THAT(timer, CS_CONTAINS("OnUnitActiveSec=1h 30min\n"));
  CHECK_THAT(timer, CS_CONTAINS("RandomizedDelaySec=5min\n"));
  CHECK_THAT(schedule::render_launchd_plist(spec), CS_CONTAINS("<key>RunAtLoad</key>\n  <false/>"));
  auto windows = test::golden_windows_spec();
  windows.at_login = false;
  CHECK_THAT(schedule::render_windows_task_xml(windows), !CS_CONTAINS("LogonTrigger"));
}

TEST_CASE("each task file reads back as the program, arguments and interval it was written with", "[schedule]") {
  SECTION("systemd") {
    const auto spec = test::golden_posix_spec(Platform::linux);
    auto task = schedule::read_systemd_service(schedule::render_systemd_service(spec));
    REQUIRE(task);
    schedule::read_systemd_timer(schedule::render_systemd_timer(spec), *task);
    CHECK(task->binary == spec.binary);
    CHECK(task->arguments == schedule::task_arguments(spec));
    CHECK(task->every == spec.every);
    CHECK(task->at_login);
    CHECK(task->ours);
  }
  SECTION("launchd") {
    auto spec = test::golden_posix_spec(Platform::macos);
    spec.every = std::chrono::hours(26);
    const auto task = schedule::read_launchd_plist(schedule::render_launchd_plist(spec));
    REQUIRE(task);
    CHECK(task->binary == spec.binary);
    CHECK(task->arguments == schedule::task_arguments(spec));
    CHECK(task->every == spec.every);
    CHECK(task->at_login);
    CHECK(task->ours);
  }
  SECTION("Task Scheduler, through its UTF-16 form") {
    auto spec = test::golden_windows_spec();
    spec.every = std::chrono::seconds(86400 + 3600 + 60 + 1);
    const auto text = schedule::from_utf16le_with_bom(schedule::to_utf16le_with_bom(schedule::render_windows_task_xml(spec)));
    REQUIRE(text);
    const auto task = schedule::read_windows_task_xml(*text);
    REQUIRE(task);
    CHECK(task->binary == spec.binary);
    CHECK(task->arguments == schedule::task_arguments(spec));
    CHECK(task->every == spec.every);
    CHECK(task->at_login);
    CHECK(task->ours);
  }
  SECTION("a file somebody else wrote is read but not ours") {
    const auto task = schedule::read_systemd_service("[Service]\nExecStart=/usr/bin/codexsync sync\n");
    REQUIRE(task);
    CHECK(task->binary == "/usr/bin/codexsync");
    CHECK(task->arguments == std::vector<std::string>{"sync"});
    CHECK_FALSE(task->ours);
  }
  SECTION("files that do not say what they run") {
    CHECK_FALSE(schedule::read_systemd_service("[Service]\nType=oneshot\n"));
    CHECK_FALSE(schedule::read_launchd_plist("<plist><dict></dict></plist>"));
    CHECK_FALSE(schedule::read_windows_task_xml("<Task/>"));
  }
}

TEST_CASE("Windows command lines split back into the same arguments", "[schedule]") {
  CHECK(schedule::windows_command_line({"a", "b c", ""}) == "a \"b c\" \"\"");
  CHECK(schedule::windows_command_line({"C:\\dir with space\\"}) == "\"C:\\dir with space\\\\\"");
  CHECK(schedule::windows_command_line({"say \"hi\""}) == "\"say \\\"hi\\\"\"");
  CHECK(schedule::windows_command_line({"C:\\plain\\path"}) == "C:\\plain\\path");
  // Through the XML reader, which splits with the C runtime's rules.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"-c", "C:\\a b\\", "x"}, {"-c", "q\"uote", "back\\\\slash\"s"}, {"-c", ""}}) {
    schedule::TaskSpec spec = test::golden_windows_spec();
    const std::string xml = "<Command>x.exe</Command><Arguments>" + schedule::windows_command_line(args) + "</Arguments>";
    const auto task = schedule::read_windows_task_xml(xml);
    REQUIRE(task);
    CHECK(task->arguments == args);
  }
}

TEST_CASE("UTF-16 conversion keeps every character and replaces broken bytes", "[schedule]") {
  const std::string text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z";  // a é € 😀 z
  const std::string wide = schedule::to_utf16le_with_bom(text);
  CHECK(wide == std::string("\xFF\xFE" "a\0" "\xE9\0" "\xAC\x20" "\x3D\xD8\x00\xDE" "z\0", 14));
  CHECK(schedule::from_utf16le_with_bom(wide) == text);
  CHECK(schedule::to_utf16le_with_bom("\xFFx") == std::string("\xFF\xFE\xFD\xFFx\0", 6));
  CHECK(schedule::to_utf16le_with_bom("\xC3") == std::string("\xFF\xFE\xFD\xFF", 4));
  CHECK(schedule::to_utf16le_with_bom("\xED\xA0\x80") == std::string("\xFF\xFE\xFD\xFF", 4));  // a surrogate
  CHECK_FALSE(schedule::from_utf16le_with_bom("no BOM"));
  CHECK_FALSE(schedule::from_utf16le_with_bom(std::string("\xFF\xFE" "a", 3)));
}
