#pragma once

#include <codexsync/util/clock.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// Peers: each machine that syncs through a workspace keeps one small record
// there, <workspace>/state/machines/<machine>.json, written only by that
// machine (atomically): who it is, when its last sync began and ended, and
// the clock offset it saw through the cloud folder. Others read them to warn
// about a sync that is running elsewhere (its files may still be arriving)
// and about skewed clocks; `status` lists them.
namespace codexsync::state {

struct MachineRecord {
  std::string machine;   // codexsync's machine id (identity.effective_machine_id)
  std::string hostname;  // the computer's name (OneDrive marks its copies with it)
  std::string os;        // "linux", "macos", "windows"
  std::string version;   // codexsync's version
  std::string profile;   // the profile of the sync running or last run ("" = top level)
  // UTC, ISO-8601 ("2026-11-24T10:11:12Z"), by this machine's clock.
  std::string sync_started;   // "" = never
  std::string sync_finished;  // "" = never; the end of the last sync, whatever its outcome
  int last_exit_code = -1;    // of the last finished sync; -1 = none
  // The cloud folder's clock minus this machine's, as last measured (see
  // measure_clock_offset); nullopt = not measurable.
  std::optional<std::int64_t> clock_offset_seconds;
  std::string written;  // when the record was written, this machine's clock

  // True when a sync began and has not recorded its end.
  bool syncing() const;
};

// <workspace>/state/machines
std::filesystem::path machines_dir(const std::filesystem::path& workspace);

// Writes <workspace>/state/machines/<record.machine>.json atomically (temp
// file, fsync, rename), creating the folders. Throws RuntimeError naming the
// path when it cannot.
void write_machine_record(const std::filesystem::path& workspace, const MachineRecord& record);

// Reads the record of `machine` (nullopt when missing, unreadable, or not that
// machine's). Never throws.
std::optional<MachineRecord> read_machine_record(const std::filesystem::path& workspace, const std::string& machine);

struct MachineListing {
  std::vector<MachineRecord> records;  // sorted by machine
  std::vector<std::string> problems;   // "path: why; what to do" for entries that could not be used
};
// Every record in machines_dir(workspace); no folder = none. Never throws. A
// damaged file, one from a newer codexsync, one whose "machine" is not its
// file name (a copy the cloud client made), a bad field or time, a folder, a
// link or a file not named *.json is a problem naming its path. Hidden files
// (temp files, the clock probe, .DS_Store) and desktop.ini are skipped.
MachineListing read_machine_records(const std::filesystem::path& workspace);

// The offset between this computer's clock and the clock that stamps files in
// `folder` (a network drive's server; a local folder gives about 0): writes a
// small probe file `.clock-probe-<machine>`, reads its modification time,
// removes it. Seconds, rounded toward zero, measured against the middle of
// the write; nullopt when the folder cannot be written. Never throws.
std::optional<std::int64_t> measure_clock_offset(const std::filesystem::path& folder, const std::string& machine,
                                                 const util::Clock& clock);

struct PeerFinding {
  std::string machine;
  std::string message;   // one line, names the machine and says what to do
  bool running = false;  // a sync is running there now (its lease holds)
};

// Pure: what the peers' records (not `self`'s) say now: a peer whose sync
// began less than `lease_seconds` ago (by `now`) and has not ended is running
// (lease_seconds 0 = never); a peer whose record or whose sync times lie more
// than `warn_seconds` in this machine's future, or whose measured clock offset
// exceeds it, has a skewed clock; this machine's own measured offset is
// reported too. A peer's unended sync older than the lease is reported as
// probably interrupted (running = false); with lease_seconds 0 neither is.
// Findings follow the records' order: sync, then clock ahead, then offset.
std::vector<PeerFinding> peer_findings(const std::vector<MachineRecord>& records, const std::string& self,
                                       std::chrono::system_clock::time_point now, std::int64_t lease_seconds,
                                       std::int64_t warn_seconds);

} // namespace codexsync::state
