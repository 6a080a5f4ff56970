#pragma once

#include <codexsync/apply/file_ops.hpp>
#include <codexsync/config/config.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/core/index.hpp>
#include <codexsync/state/baseline_store.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/sha256.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <optional>
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

// True when `index` holds exactly the files the baseline saw on `side` (the
// same paths, sizes and mtimes; entries without that side, such as a file
// held or kept apart, are passed over).
inline bool as_baseline_saw(const Index& index, const Baseline& baseline, Side side) {
  const auto seen = [side](const BaselineEntry& entry) -> const std::optional<FileState>& {
    return side == Side::local ? entry.local : entry.cloud;
  };
  auto b = baseline.begin();
  for (const auto& [path, state] : index.files) {
    while (b != baseline.end() && !seen(b->second)) {
      ++b;
    }
    if (b == baseline.end() || b->first != path || seen(b->second)->size != state.size ||
        seen(b->second)->mtime_ns != state.mtime_ns) {
      return false;
    }
    ++b;
  }
  while (b != baseline.end() && !seen(b->second)) {
    ++b;
  }
  return b == baseline.end();
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

// What a run reads of the files it will copy (the secret guard; the check
// that a peer's files arrived) is kept for the copies (Prepared::preread)
// when all of it together is at most this: new tails and a few new files,
// not a first sync.
inline constexpr std::uint64_t k_keep_read_bytes = std::uint64_t{16} << 20U;

// The bytes read of `file` from `offset` to its end, kept for a copy
// (apply::Preread), when the file is after the read the very one stat'ed
// `before` it (else nullopt: the copy reads it again).
inline std::optional<apply::Preread> kept_read(const std::filesystem::path& file,
                                               const std::optional<util::FileStat>& before, std::uint64_t offset,
                                               std::string bytes) {
  if (!before) {
    return std::nullopt;
  }
  apply::Preread kept{apply::FileIdentity::of(*before), before->change_ns, offset, std::move(bytes)};
  std::error_code ec;
  const auto after = util::stat_no_follow(file, ec);
  if (!after || !kept.stands_for(*after)) {
    return std::nullopt;
  }
  return kept;
}

// Fills `state.sha256` (the state of `path` on `side`, as scanned) unless it
// is known: from the baseline when size and mtime still match what it
// recorded for that side, else by reading the file (throw_unreadable, with
// `why`, when it cannot be read). With `keep`, a file that is read is read
// whole into `*keep` and hashed from there (true then).
// The hash the baseline recorded for `path` on `side` when that side still
// has the size and mtime it recorded (nullptr otherwise).
inline const util::Sha256Digest* baseline_hash(const Baseline& baseline, Side side, const std::string& path,
                                               const FileState& state) {
  const auto base = baseline.find(path);
  if (base == baseline.end()) {
    return nullptr;
  }
  const auto& then = side == Side::local ? base->second.local : base->second.cloud;
  return then && then->sha256 && then->size == state.size && then->mtime_ns == state.mtime_ns ? &*then->sha256
                                                                                                : nullptr;
}

inline bool fill_hash(const config::Config& cfg, const Baseline& baseline, Side side, const std::string& path,
                      FileState& state, std::string_view why, std::string* keep = nullptr) {
  if (state.sha256) {
    return false;
  }
  if (const auto* known = baseline_hash(baseline, side, path, state)) {
    state.sha256 = *known;
    return false;
  }
  std::error_code ec;
  if (keep != nullptr) {
    auto bytes = util::read_file(file_on(cfg, side, path), ec);
    if (!bytes) {
      throw_unreadable(file_on(cfg, side, path), ec, why, "check its permissions");
    }
    util::Sha256 hash;
    hash.update(*bytes);
    state.sha256 = hash.finish();
    *keep = std::move(*bytes);
    return true;
  }
  const auto hash = util::sha256_file(file_on(cfg, side, path), ec);
  if (!hash) {
    throw_unreadable(file_on(cfg, side, path), ec, why, "check its permissions");
  }
  state.sha256 = *hash;
  return false;
}

// The file a resume point was made from.
inline apply::FileIdentity identity_of(const state::ResumePoint& point) {
  return {point.device, point.inode, point.size, point.mtime_ns};
}

// The resume point of `path` on `side` when the baseline vouches for it: this
// machine wrote that side's file, the baseline saw it with the hash the point
// stands for, it has the same size and mtime `now`, and the point has not
// been resumed k_max_resumes times in a row. The copy itself checks that the
// file is still the one the point names (device and inode). Never with
// compare = "hash" (every byte is read there), nor without a usable baseline.
inline std::optional<state::ResumePoint> vouched_point(const config::Config& cfg, const state::LoadedBaseline& baseline,
                                                       const state::ResumePoints& points, const std::string& path,
                                                       Side side, const FileState& now) {
  if (cfg.sync.compare == config::Compare::hash || !baseline.usable) {
    return std::nullopt;
  }
  const auto point = points.find(path);
  const auto entry = baseline.baseline.find(path);
  if (point == points.end() || entry == baseline.baseline.end()) {
    return std::nullopt;
  }
  const auto& p = point->second;
  const auto& seen = side == Side::local ? entry->second.local : entry->second.cloud;
  if (p.side != side || p.resumes >= state::k_max_resumes || !seen || seen->sha256 != p.sha256 ||
      seen->size != now.size || seen->mtime_ns != now.mtime_ns || p.size != now.size || p.mtime_ns != now.mtime_ns ||
      p.state.bytes > now.size) {
    return std::nullopt;
  }
  return p;
}

} // namespace codexsync::engine::detail
