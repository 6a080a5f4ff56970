#pragma once

#include <codexsync/core/index.hpp>
#include <codexsync/util/clock.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// The record of one run that writes: its intent before the first write, and
// each step after it. A run that dies leaves an open journal that the next run
// notices and `recover` closes. Files: `<temp_dir>/journals/<id>.json`,
// replaced atomically at each step.
namespace codexsync::state {

enum class JournalState { planned, backed_up, committing, committed, failed, closed };

std::string_view to_string(JournalState state);

// One write the run intends: copy to `destination`, or delete there.
struct JournalAction {
  std::string kind;   // plan::kind_name: copy_to_cloud, delete_local, ...
  std::string path;
  Side destination = Side::cloud;
  bool existed = false;                 // the destination had a file (it is in the snapshot)
  std::optional<FileState> new_state;   // for copies: what the destination will hold
  std::optional<std::uint64_t> append_from;  // a fast-forward: the destination's old content is this long a prefix
};

struct JournalRecord {
  std::string id;
  std::string machine;
  std::string command;            // "sync", "restore", ...
  JournalState state = JournalState::planned;
  std::string started;            // UTC
  std::string updated;            // UTC
  std::string snapshot;           // backup snapshot name ("" when nothing was backed up)
  std::string local_root;
  std::string cloud_root;
  std::vector<JournalAction> actions;
  std::string note;               // why it failed or was closed
  std::filesystem::path file;

  bool open() const { return state != JournalState::committed && state != JournalState::closed; }
};

class Journal {
public:
  // Writes a new journal in state `planned`. Throws RuntimeError naming the
  // file when it cannot (nothing has been written to the synced folders yet).
  static Journal begin(const std::filesystem::path& temp_dir, JournalRecord record, const util::Clock& clock);

  const JournalRecord& record() const { return m_record; }

  // Moves to `state` (and records the snapshot name or a note), atomically.
  void set_state(JournalState state, const std::string& note = {});
  void set_snapshot(const std::string& name);

private:
  Journal(JournalRecord record, const util::Clock& clock) : m_record(std::move(record)), m_clock(&clock) {}
  void write();

  JournalRecord m_record;
  const util::Clock* m_clock;
};

// Every journal in `<temp_dir>/journals`, oldest first; unreadable ones are
// returned with state `failed` and a note. Never throws, creates nothing.
std::vector<JournalRecord> list_journals(const std::filesystem::path& temp_dir);

// Removes `machine`'s finished (committed or closed) journals beyond the
// newest `keep`; open ones are never removed. Returns how many were removed.
std::size_t prune_journals(const std::filesystem::path& temp_dir, const std::string& machine, std::size_t keep);

// Rewrites `record` with a new state and note (for recover and for a later run
// that closes an earlier one). Throws RuntimeError naming the file.
void close_journal(JournalRecord record, JournalState state, const std::string& note, const util::Clock& clock);

} // namespace codexsync::state
