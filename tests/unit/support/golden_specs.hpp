#pragma once

#include <codexsync/schedule/task.hpp>

// The task specs behind tests/golden/schedule/: awkward on purpose (spaces,
// '%', '&', '$', quotes) so every escaping rule shows in the files. Shared by
// the golden-file unit tests and the render_schedule test helper.
namespace codexsync::test {

inline schedule::TaskSpec golden_posix_spec(schedule::Platform platform) {
  schedule::TaskSpec spec;
  spec.platform = platform;
  spec.mode = schedule::Mode::apply;
  spec.every = std::chrono::minutes(45);
  spec.at_login = true;
  spec.binary = "/opt/codex sync/bin/codexsync";
  spec.config = "/home/ann/Cloud & Co/100% \"sure\"/$HOME.toml";
  spec.user = "1000";
  spec.log_file = "/Users/ann/Library/Logs/codexsync/scheduled-sync.log";
  return spec;
}

inline schedule::TaskSpec golden_windows_spec() {
  schedule::TaskSpec spec;
  spec.platform = schedule::Platform::windows;
  spec.mode = schedule::Mode::dry_run;
  spec.every = std::chrono::hours(2);
  spec.at_login = true;
  spec.binary = "C:\\Program Files\\codexsync\\codexsyncw.exe";
  spec.config = "C:\\Users\\Ann & Bob\\AppData\\Roaming\\codexsync\\config <main>.toml";
  spec.user = "CORP\\ann";
  spec.start_boundary = "2026-11-24T09:30:00";
  return spec;
}

} // namespace codexsync::test
