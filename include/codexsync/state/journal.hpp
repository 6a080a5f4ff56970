#pragma once

#include <codexsync/core/index.hpp>
#include <codexsync/util/clock.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The record of one run that writes: its intent before the first write, and
// each step after it. A run that dies leaves an open journal that the next run
// notices and `recover` closes. Files in `<temp_dir>/journals/`: a small header
// `<id>.json`, replaced atomically at each step, and the run's actions
// `<id>.actions.jsonl`, written once (atomically, fsynced) before the first
// header that names it. Journals of earlier versions hold their actions inline
// in `<id>.json`; they are still read.
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
  std::optional<std::int64_t> old_mtime_ns;  // a fast-forward: the destination's mtime before it (to cut back to)
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
  // After Journal::begin: every action. From list_journals: empty (see
  // load_journal_actions), except for an earlier version's journal that holds
  // them inline in its header.
  std::vector<JournalAction> actions;
  std::size_t action_count = 0;   // how many actions the run intends
  std::string note;               // why it failed or was closed
  std::filesystem::path file;     // the header
  std::filesystem::path actions_file;  // empty when there are no actions or they are inline
  std::uint64_t actions_size = 0;      // bytes of actions_file, checked when an open journal is listed

  bool open() const { return state != JournalState::committed && state != JournalState::closed; }
};

class Journal {
public:
  // Writes a new journal in state `planned`: its actions file first, then the
  // header. Throws RuntimeError naming the file when it cannot (nothing has
  // been written to the synced folders yet). record().actions keeps the actions.
  static Journal begin(const std::filesystem::path& temp_dir, JournalRecord record, const util::Clock& clock);
  // The same for a run with many actions, without holding them all: `feed`
  // is called once and hands each of `action_count` actions to its sink, in
  // order; each goes to the actions file as it comes (record.actions is left
  // empty, and stays so). Throws RuntimeError when the feed gives another
  // count (nothing is left behind).
  using ActionSink = std::function<void(const JournalAction&)>;
  using ActionFeed = std::function<void(const ActionSink&)>;
  static Journal begin(const std::filesystem::path& temp_dir, JournalRecord record, std::size_t action_count,
                       const ActionFeed& feed, const util::Clock& clock);

  const JournalRecord& record() const { return m_record; }


  // Notes, before its first byte is written, that the run is about to append
  // to `path` on `destination` in place (a fast-forward that writes into the
  // file itself): one line in `<id>.appends` beside the header, flushed to
  // the OS, not fsynced (a kill keeps it; after a power cut without it the
  // partial tail is still the source's bytes, a shorter start the plan
  // fast-forwards again). Thread-safe. Throws RuntimeError naming the file.
  void note_append(Side destination, std::string_view path);

  // Moves to `state` (and records the snapshot name or a note), atomically;
  // rewrites the header only.
  void set_state(JournalState state, const std::string& note = {});
  void set_snapshot(const std::string& name);

private:
  Journal(JournalRecord record, const util::Clock& clock) : m_record(std::move(record)), m_clock(&clock) {}
  void write();

  JournalRecord m_record;
  const util::Clock* m_clock;
  std::unique_ptr<std::mutex> m_appends_mutex = std::make_unique<std::mutex>();
};

// What a run noted with Journal::note_append: the paths it began to append
// to in place on each side ("local/<path>" or "cloud/<path>" per line). Empty
// when none (and for journals of earlier versions, which never appended in
// place). Never throws.
std::set<std::string> appends_started(const JournalRecord& record);
std::string append_key(Side destination, std::string_view path);

// Every journal in `<temp_dir>/journals`, oldest first, read from the headers
// only: `actions` is empty (but for an earlier version's inline ones) and
// `action_count` set. Unreadable ones, and open ones whose actions file is
// missing or has the wrong size, are returned with state `failed` and a note
// naming the file. Never throws, creates nothing.
std::vector<JournalRecord> list_journals(const std::filesystem::path& temp_dir);

// Returns the actions of a listed journal: read from its actions file, or its
// inline ones (earlier versions), or none. Throws FailSafeError naming the
// file and what to do when the file is missing, damaged or does not match the
// header.
std::vector<JournalAction> load_journal_actions(const JournalRecord& record);

// Removes `machine`'s finished (committed or closed) journals beyond the
// newest `keep`, header and actions file; open ones are never removed. Also
// removes `machine`'s actions files that no header names (left by a run that
// died inside Journal::begin; callers hold the run lock, so none is being
// written). Returns how many journals were removed.
std::size_t prune_journals(const std::filesystem::path& temp_dir, const std::string& machine, std::size_t keep);

// Rewrites `record`'s header with a new state and note (for recover and for a
// later run that closes an earlier one); its actions stay as they are. Throws
// RuntimeError naming the file.
void close_journal(JournalRecord record, JournalState state, const std::string& note, const util::Clock& clock);

} // namespace codexsync::state
