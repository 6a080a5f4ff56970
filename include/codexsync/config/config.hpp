#pragma once

#include <codexsync/util/environment.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

// The configuration as a plain, validated struct. Only src/config/ includes toml++.
namespace codexsync::config {

namespace fs = std::filesystem;

enum class SyncMode { cold };
enum class Direction { bidirectional, to_cloud, to_local };
enum class Compare { mtime, mtime_hash_fallback, hash };
enum class EqualMtimeAction { skip, prefer_local, prefer_cloud, manual_abort };
// propagate: deletions travel with proof, except of append-only files (an
// agent pruning old chats must not prune them everywhere); propagate_all:
// those too.
enum class DeletePolicy { never, propagate, propagate_all };
enum class SessionMode { all, last_date_only };
enum class ConflictPolicy { manual_abort, prefer_cloud, prefer_local, prefer_newer_mtime };
enum class Compression { none, zip };
enum class ConfirmationMode { gui, console };
enum class LogLevel { debug, info, warning, error };
enum class LogFormat { text, json, logfmt };
enum class ArchiveMode { text, zip };
enum class AgentKind { codex, claude, gemini, pi, custom };
enum class SecretAction { refuse, skip };
// How a fast-forward of an append-only file reaches the destination
// (apply::FastForwardMode): "auto", "in_place", "new_file".
enum class FastForward { automatic, in_place, new_file };

// Where a value came from in the file (1-based); line 0 when it was not in the file.
struct SourcePos {
  int line = 0;
  int column = 0;
};

// Where local_state_dir was taken from: the file, the agent's variable
// (CODEX_HOME, CLAUDE_CONFIG_DIR, GEMINI_CLI_HOME, PI_CODING_AGENT_DIR), or the
// agent's folder in the home folder. codex_home_env is the older name of
// agent_env.
enum class StateDirSource { config, agent_env, home_default, codex_home_env = agent_env };

// Which agent this config (or the chosen [profiles.<name>]) syncs.
struct Agent {
  AgentKind kind = AgentKind::codex;
  std::string profile;  // the [profiles.<name>] this config was loaded for; "" for the top level
};

struct Identity {
  std::string machine_id;            // as written; empty when unset
  std::string effective_machine_id;  // machine_id, else the host name; sanitised for file names
};

struct Paths {
  std::optional<fs::path> workspace_root_dir;
  fs::path local_state_dir;          // after the CODEX_HOME / ~/.codex fallback
  StateDirSource local_state_dir_source = StateDirSource::config;
  // For messages: "config", the variable ("CODEX_HOME") or the default ("~/.claude").
  std::string local_state_dir_origin = "config";
  std::optional<fs::path> configured_local_state_dir;  // what the file said, when it said it
  fs::path cloud_root_dir;
  fs::path backup_dir;
  fs::path temp_dir;
};

struct Sync {
  SyncMode mode = SyncMode::cold;
  Direction direction = Direction::bidirectional;
  Compare compare = Compare::mtime;
  std::int64_t time_tolerance_seconds = 0;
  EqualMtimeAction equal_mtime_action = EqualMtimeAction::skip;
  DeletePolicy delete_policy = DeletePolicy::never;
  bool dry_run_default = true;
  SessionMode session_mode = SessionMode::all;
  // Files that only ever grow (chats): a longer side that starts with the
  // shorter side's bytes is a fast-forward, never a conflict. Globs as in
  // [filters] exclude_globs; the profile's defaults unless the file sets it.
  std::vector<std::string> append_only_globs;
  // Files merged as a union of lines ordered by their timestamp (prompt
  // histories, Codex session_index.jsonl).
  std::vector<std::string> merge_line_globs;
  // The cloud folder as an untrusted transport (docs/configuration.md [sync]):
  // how long to wait for files a peer's delivery record claims before giving
  // up with exit 5; the deletion guard; peers' leases; the name check.
  std::int64_t delivery_wait_seconds = 0;
  std::int64_t max_delete_percent = 50;    // 100 turns the share check off
  std::int64_t max_delete_count = 0;       // 0: no limit by count
  std::int64_t lease_seconds = 900;        // a peer's sync started this recently and not finished is "running"
  bool respect_peer_lease = false;         // true: such a peer stops the run (exit 5) instead of a warning
  std::int64_t clock_offset_warn_seconds = 60;
  bool portable_names = true;              // names Windows or macOS cannot hold are unsyncable
  // Copies carried out at once (each still temp file, fsync, rename); 0 =
  // automatic: 4 when a run copies 16 files or more, else 1.
  std::int64_t copy_threads = 0;
  // While no delivery record changed since the last clean run, the mirror is
  // taken as that run left it instead of walked, for up to this many hours
  // after the last full walk; 0 walks it on every run.
  std::int64_t full_scan_hours = 6;
  // A fast-forward appends the new tail to the file itself (in_place), or
  // writes a new file renamed over it (new_file); auto: new_file where the
  // file system clones the old bytes for free, else in_place.
  FastForward fast_forward = FastForward::automatic;
};

// What must never leave this machine: scanned in every file before it is
// written to the cloud folder.
struct Secrets {
  SecretAction on_detect = SecretAction::refuse;
  std::vector<std::string> allow;  // accepted fingerprints (see secrets::Finding::fingerprint)
};

struct Targets {
  std::vector<std::string> include_roots;  // relative, '/'-separated, normalised
};

struct Filters {
  std::vector<std::string> exclude_globs;
  // Credential and machine-specific files of the agent: never synced, whatever
  // include_roots says (the profile's list; the file may add to it).
  std::vector<std::string> never_sync_globs;
};

struct Conflict {
  ConflictPolicy policy = ConflictPolicy::manual_abort;
  bool report_conflicts = true;
};

struct Backup {
  bool backup_before_overwrite = true;
  std::int64_t retention_days = 30;
  std::int64_t max_backups = 0;
  Compression compression = Compression::none;
};

struct Safety {
  bool require_codex_stopped = true;
  bool fail_on_unknown = true;
};

struct ProcessDetection {
  std::vector<std::string> process_names{"codex.exe", "codex", "codex-app-server"};
  std::int64_t grace_period_seconds = 2;
  bool allow_terminate_if_running = false;
  bool manual_terminate_confirmation = true;
  ConfirmationMode terminate_confirmation_mode = ConfirmationMode::gui;
  std::int64_t terminate_timeout_seconds = 20;
  // Keyed by "windows", "macos", "linux".
  std::map<std::string, std::vector<std::string>> background_process_names;
};

struct State {
  std::optional<fs::path> manifest_file;
  std::int64_t data_version = 1;
};

struct Logging {
  LogLevel level = LogLevel::info;
  std::optional<fs::path> file;
  LogFormat format = LogFormat::text;
  std::int64_t retention_days = 7;
  ArchiveMode archive_mode = ArchiveMode::zip;
  std::int64_t max_file_size_mb = 10;
};

struct Scheduler {
  // `codexsync status` warns when the last successful `sync --apply` is older.
  std::int64_t stale_after_hours = 24;
};

// What runs after a scheduled run that failed (notify::should_notify).
struct Notify {
  std::string shell_command;         // command = "text": run through the shell
  std::vector<std::string> argv;     // command = ["program", "arg", ...]: run directly
  std::int64_t timeout_seconds = 30;

  // True when a command is configured.
  bool configured() const { return !shell_command.empty() || !argv.empty(); }
};

struct Config {
  fs::path source_file;  // the file it was read from (absolute)
  Agent agent;
  Identity identity;
  Paths paths;
  Sync sync;
  Targets targets;
  Filters filters;
  Conflict conflict;
  Backup backup;
  Safety safety;
  ProcessDetection process_detection;
  State state;
  Logging logging;
  Scheduler scheduler;
  Notify notify;
  Secrets secrets;
  // "section.key" -> where it stood in the file, for messages about it.
  std::map<std::string, SourcePos> positions;

  // Returns "FILE:LINE:COL: " for a key ("FILE: " when the key was not in the file).
  std::string where(const std::string& dotted_key) const;
};

// The per-OS defaults of [process_detection.background_process_names].
std::map<std::string, std::vector<std::string>> default_background_process_names();

// The enum <-> text tables; text is what the config file spells.
std::string_view to_string(Direction v);
std::string_view to_string(Compare v);
std::string_view to_string(FastForward v);
std::string_view to_string(EqualMtimeAction v);
std::string_view to_string(DeletePolicy v);
std::string_view to_string(SessionMode v);
std::string_view to_string(ConflictPolicy v);
std::string_view to_string(Compression v);
std::string_view to_string(ConfirmationMode v);
std::string_view to_string(LogLevel v);
std::string_view to_string(LogFormat v);
std::string_view to_string(ArchiveMode v);
std::string_view to_string(StateDirSource v);
std::string_view to_string(AgentKind v);
std::string_view to_string(SecretAction v);

// The cloud folder that holds the mirror, the conflict store and the shared
// state: paths.workspace_root_dir, else the mirror's parent folder.
fs::path workspace_dir(const Config& cfg);

} // namespace codexsync::config
