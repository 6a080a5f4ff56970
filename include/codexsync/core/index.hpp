#pragma once

#include <codexsync/core/shared_path.hpp>
#include <codexsync/util/sha256_digest.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// What the scanner sees on one side and what the planner reasons about. Paths
// are relative to the side's root, '/'-separated, UTF-8, never "." or "..".
namespace codexsync {

enum class Side { local, cloud };

// "local" or "cloud".
std::string_view side_name(Side side);

// The other side.
constexpr Side other(Side side) { return side == Side::local ? Side::cloud : Side::local; }

struct FileState {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;           // since the Unix epoch
  util::OptionalSha256 sha256;         // the content's SHA-256, when known

  // Same size and mtime within `tolerance_ns`; hashes, when both are known, must agree too.
  bool same_as(const FileState& other, std::int64_t tolerance_ns) const;
  bool operator==(const FileState&) const = default;
};

// A path the scanner saw but will not sync, and why (a link, a credential, ...).
struct SkippedPath {
  std::string path;
  std::string reason;
};

struct Index {
  PathMap<FileState> files;
  std::vector<SkippedPath> skipped;

  const FileState* find(const std::string& path) const {
    const auto it = files.find(path);
    return it == files.end() ? nullptr : &it->second;
  }
  // True when at least one file lies at or below `root` (an include root).
  bool has_files_under(std::string_view root) const;
};

// Calls `visit(path, here, there)` for every path of either index once, in
// path order, with its state on each side (nullptr where it is absent), by
// walking the two sorted maps along (no lookup per path).
template <typename Visit> void for_each_path(const Index& local, const Index& cloud, Visit&& visit) {
  auto l = local.files.begin();
  auto c = cloud.files.begin();
  while (l != local.files.end() || c != cloud.files.end()) {
    if (c == cloud.files.end() || (l != local.files.end() && l->first < c->first)) {
      visit(l->first, &l->second, static_cast<const FileState*>(nullptr));
      ++l;
    } else if (l == local.files.end() || c->first < l->first) {
      visit(c->first, static_cast<const FileState*>(nullptr), &c->second);
      ++c;
    } else {
      visit(l->first, &l->second, &c->second);
      ++l;
      ++c;
    }
  }
}

// The include root (one of `roots`) that `path` is or lies below, or "" when
// none holds it.
std::string root_of(std::string_view path, const std::vector<std::string>& roots);

// What this machine saw of one path on both sides at its last successful sync.
struct BaselineEntry {
  std::optional<FileState> local;
  std::optional<FileState> cloud;
  bool operator==(const BaselineEntry&) const = default;
};

// Path -> entry. Empty means "first sync": nothing is ever deleted from it.
using Baseline = PathMap<BaselineEntry>;

} // namespace codexsync
