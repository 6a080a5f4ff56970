#pragma once

#include <codexsync/core/index.hpp>
#include <codexsync/util/clock.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The conflict store: the losing version of every conflict that a policy
// decided, kept whole in the cloud folder under
// <workspace>/conflicts/<machine>/<id>/ and never pruned automatically.
//
// An entry is a folder holding `entry.json` (k_conflict_format, every field
// below but data_file, and `file`, the data file's name) and the kept bytes
// under the original file name (`<id>/rollout-....jsonl`). It is built in a
// hidden folder beside it (`.<id>.codexsync-tmp-<12 hex>`, the shape of
// util::is_temp_name) and renamed into place once complete, so an entry is
// either whole or absent. The store never follows
// links: a link where a folder or file of it should be is damage.
namespace codexsync::state {

inline constexpr std::string_view k_conflict_format = "codexsync-conflict-v1";
inline constexpr std::string_view k_conflict_entry_file = "entry.json";

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

// An entry folder that is not a whole entry: its entry.json is missing or
// unreadable, or its bytes are missing or of the wrong size (still arriving
// from another machine through the cloud client, or damaged).
struct DamagedConflict {
  std::string id;       // the folder's name
  std::string machine;  // its machine folder's name
  std::filesystem::path dir;
  std::string problem;  // "no entry.json", "rollout-1.jsonl is missing", ...
};

struct ConflictStoreListing {
  std::vector<ConflictEntry> entries;    // whole entries, oldest first
  std::vector<DamagedConflict> damaged;  // by machine, then id
};

// <workspace>/conflicts.
std::filesystem::path conflict_store_dir(const std::filesystem::path& workspace);

// Copies `file` (the loser, about to be replaced) into the store of `machine`
// below `workspace`, verifies the copy's SHA-256 against `expected_sha256`
// (when given) and against a second read, and publishes the entry atomically
// (an entry is either complete or absent). Returns the entry. Throws
// FailSafeError when the copy cannot be verified (or `file` changed while it
// was copied), RuntimeError on I/O errors, a `file` that is not a regular
// file, or a `machine` or `relative_path` that cannot name an entry; nothing
// half-written is left visible either way. Also removes this machine's
// hidden temp folders older than a day (left by a keep that was killed).
ConflictEntry keep_conflict_loser(const std::filesystem::path& workspace, const std::string& machine,
                                  const std::filesystem::path& file, const std::string& relative_path,
                                  Side loser_side, const std::string& reason,
                                  const util::OptionalSha256& expected_sha256,
                                  const util::OptionalSha256& winner_sha256, const util::Clock& clock);

// Every entry folder of every machine below `workspace`: whole entries
// (entry.json valid, data file present with its recorded size; not hashed)
// oldest first, and the damaged ones. Hidden folders (entries being written)
// are not looked at. A missing store is empty. Never throws.
ConflictStoreListing read_conflict_store(const std::filesystem::path& workspace);

// Every complete entry of every machine below `workspace`, oldest first.
// Unreadable or half-written entries are skipped (and not listed).
std::vector<ConflictEntry> list_conflicts(const std::filesystem::path& workspace);

// The entry whose id is `id` or starts with `id` (a unique prefix of at least
// 8 characters). Throws UsageError when none or several match (naming the
// candidates), FailSafeError when the one that matches is damaged (see
// DamagedConflict).
ConflictEntry find_conflict(const std::filesystem::path& workspace, const std::string& id);

// Reads the entry's bytes once more. Throws FailSafeError when they are
// missing, not a regular file, or their size or SHA-256 differs from the
// entry's.
void verify_conflict(const ConflictEntry& entry);

} // namespace codexsync::state
