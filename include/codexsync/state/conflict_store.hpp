#pragma once

#include <codexsync/core/index.hpp>
#include <codexsync/util/clock.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// The conflict store: the losing version of every conflict that a policy
// decided, kept whole in the cloud folder under
// <workspace>/conflicts/<machine>/<id>/ and never pruned automatically.
namespace codexsync::state {

struct ConflictEntry {
  std::string id;               // "20261124T101500Z-1a2b3c4d": sorts by time
  std::string machine;          // the machine that decided the conflict
  std::string path;             // relative path in the agent's folder, '/'-separated
  Side loser_side = Side::local;  // where the kept version came from
  std::uint64_t size = 0;
  std::string sha256;           // of the kept bytes
  std::int64_t mtime_ns = 0;    // of the kept version
  std::string kept_at;          // UTC, RFC 3339
  std::string reason;           // why it lost ("changed on both sides ...; conflict.policy = prefer_cloud")
  std::optional<std::string> winner_sha256;  // the version that replaced it, when known
  std::filesystem::path data_file;           // the kept bytes (absolute)
};

// Copies `file` (the loser, about to be replaced) into the store of `machine`
// below `workspace`, verifies the copy's SHA-256 against `expected_sha256`
// (when given) and against a second read, and publishes the entry atomically
// (an entry is either complete or absent). Returns the entry. Throws
// FailSafeError when the copy cannot be verified, RuntimeError on I/O errors;
// nothing half-written is left visible either way.
ConflictEntry keep_conflict_loser(const std::filesystem::path& workspace, const std::string& machine,
                                  const std::filesystem::path& file, const std::string& relative_path,
                                  Side loser_side, const std::string& reason,
                                  const std::optional<std::string>& expected_sha256,
                                  const std::optional<std::string>& winner_sha256, const util::Clock& clock);

// Every complete entry of every machine below `workspace`, oldest first.
// Unreadable or half-written entries are skipped (and not listed).
std::vector<ConflictEntry> list_conflicts(const std::filesystem::path& workspace);

// The entry whose id is `id` or starts with `id` (a unique prefix of at least
// 8 characters). Throws UsageError when none or several match.
ConflictEntry find_conflict(const std::filesystem::path& workspace, const std::string& id);

} // namespace codexsync::state
