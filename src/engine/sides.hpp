#pragma once

#include <codexsync/config/config.hpp>
#include <codexsync/core/index.hpp>
#include <codexsync/util/fs.hpp>

#include <filesystem>
#include <string>

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

} // namespace codexsync::engine::detail
