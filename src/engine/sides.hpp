#pragma once

#include <codexsync/config/config.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/core/index.hpp>
#include <codexsync/util/fs.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

// Where each side of a sync lives, for the engine's files.
namespace codexsync::engine::detail {

// The agent's folder for Side::local, the cloud mirror for Side::cloud.
inline std::filesystem::path side_root(const config::Config& cfg, Side side) {
  return side == Side::local ? cfg.paths.local_state_dir : cfg.paths.cloud_root_dir;
}

// The file at relative `path` ('/'-separated UTF-8) on `side`.
inline std::filesystem::path file_on(const config::Config& cfg, Side side, const std::string& path) {
  return side_root(cfg, side) / util::path_from_utf8(path);
}

// Throws for a file a run could not read while looking (`ec` set by the
// read): FailSafeError when it vanished meanwhile (the agent may be running),
// else RuntimeError "cannot read FILE to WHY (error); ADVICE".
[[noreturn]] inline void throw_unreadable(const std::filesystem::path& file, const std::error_code& ec,
                                          std::string_view why, std::string_view advice) {
  if (ec == std::errc::no_such_file_or_directory) {
    throw FailSafeError(fmt::format("{} disappeared while this run was looking; nothing was written. Is the agent "
                                    "running? Run again",
                                    util::display_path(file)));
  }
  throw RuntimeError(fmt::format("cannot read {} to {} ({}); {}", util::display_path(file), why, ec.message(), advice));
}

} // namespace codexsync::engine::detail
