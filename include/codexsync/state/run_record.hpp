#pragma once

#include <codexsync/core/exit_code.hpp>
#include <codexsync/util/environment.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

// How the last runs on this machine ended: a small JSON file per kind of run,
// machine-local (never in the cloud folder), replaced atomically. `codexsync
// status` reads them; scheduled runs also count how often in a row they ended
// the same way. Files: `<user state dir>/runs/<key>/last-run.json` (every
// recorded run), `last-sync.json` (the last sync), `last-success.json` (the
// last `sync --apply` that exited 0).
namespace codexsync::state {

inline constexpr std::string_view k_run_record_format = "codexsync-run-v1";
inline constexpr std::size_t k_max_recorded_conflicts = 50;

// What a run did, as far as its command knows; the rest stay 0.
struct RunCounts {
  std::size_t copied_to_cloud = 0;
  std::size_t copied_to_local = 0;
  std::size_t deleted = 0;
  std::size_t backed_up = 0;
  std::size_t conflicts = 0;
  std::size_t failed = 0;             // files that could not be written; doctor: FAIL checks
  std::size_t changed_meanwhile = 0;  // left for the next run
  std::size_t restored = 0;           // restore: put back from the snapshot
  std::size_t removed = 0;            // restore: files the undone run had created
  std::uint64_t bytes_copied = 0;
};

// The latest scheduled run, as a later manual run carries it forward (so a
// manual run in between does not lose the scheduled runs' count).
struct ScheduledSummary {
  std::string finished;
  int exit_code = 0;
  std::size_t streak = 1;
  std::string failing_since;  // "" after a success
};

struct RunRecord {
  std::string command;         // "sync", "restore", "doctor"
  std::string mode;            // "apply", "dry-run"; "" when it does not apply or was not known
  bool scheduled = false;      // started with --scheduled
  std::string started;         // UTC, util::utc_timestamp
  std::string finished;
  std::int64_t duration_ms = 0;
  std::string machine;         // "" when the config could not be loaded
  std::string config;          // the config file (display path); "" when none was found
  std::string profile;         // the config's [profiles.<name>]; "" for the top level
  std::string version;
  int exit_code = 0;
  RunCounts counts;
  std::string first_error;     // one line; "" when none
  std::vector<std::string> conflicts;  // at most k_max_recorded_conflicts
  // Scheduled runs: how many scheduled runs in a row (this one included)
  // ended with this exit code, and when the current series of non-zero exits
  // began ("" when this one exited 0).
  std::size_t streak = 0;
  std::string failing_since;
  // Manual runs: the latest scheduled run before it, carried forward.
  std::optional<ScheduledSummary> last_scheduled;

  // "sync --apply", "sync --dry-run", "doctor".
  std::string command_line() const;
  ExitCode code() const { return static_cast<ExitCode>(exit_code); }
};

// The record as JSON (with "format": k_run_record_format and the exit code's name).
nlohmann::json to_json(const RunRecord& record);

// The record from JSON. Returns nullopt and says why in `problem` when the
// document is not a run record of this format; missing optional fields keep
// their defaults, fields of the wrong type are treated as missing.
std::optional<RunRecord> run_record_from_json(const nlohmann::json& doc, std::string& problem);

// Sets `run.streak` and `run.failing_since` (scheduled runs) or
// `run.last_scheduled` (manual runs) from the run recorded before it.
void continue_streak(RunRecord& run, const std::optional<RunRecord>& previous);

// The key of a config's records: the first 16 hex digits of the SHA-256 of
// its path (as given: callers pass an absolute, resolved path), with
// "#<profile>" appended for a [profiles.<name>] of it, or "no-config" when
// there is none. The top level (profile "") keeps the key of the path alone.
std::string run_record_key(const std::optional<std::filesystem::path>& config_file,
                           std::string_view profile = {});

// `<user state dir>/runs/<key>`; nullopt when the user state folder is unknown
// (no home folder).
std::optional<std::filesystem::path> run_record_dir(const util::Environment& env,
                                                    const std::optional<std::filesystem::path>& config_file,
                                                    std::string_view profile = {});

inline constexpr std::string_view k_last_run_file = "last-run.json";
inline constexpr std::string_view k_last_sync_file = "last-sync.json";
inline constexpr std::string_view k_last_success_file = "last-success.json";

// One record file as read: absent, readable, or there but unusable (damaged,
// foreign, unreadable), with why.
struct LoadedRunRecord {
  std::filesystem::path path;
  std::optional<RunRecord> record;
  std::string problem;  // "" when the file is absent or was read
  bool exists = false;
};

// Reads `dir/name`. Never throws and creates nothing.
LoadedRunRecord load_run_record(const std::filesystem::path& dir, std::string_view name);

// Writes `record` as last-run.json, and as last-sync.json for a sync and
// last-success.json for a `sync --apply` that exited 0, creating `dir`. Each
// file is replaced atomically. Returns "" on success, else what failed (the
// files already written stay). Never throws.
std::string save_run_record(const std::filesystem::path& dir, const RunRecord& record);

} // namespace codexsync::state
