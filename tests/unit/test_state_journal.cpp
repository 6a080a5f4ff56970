#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include <codexsync/core/error.hpp>
#include <codexsync/state/journal.hpp>
#include <codexsync/util/fs.hpp>

#include <set>

using namespace codexsync;
using namespace codexsync::state;

TEST_CASE("journal: begin, move through states, list, close", "[state]") {
  test::TempDir dir;
  util::ManualClock clock(std::chrono::system_clock::from_time_t(1'790'000'000));
  JournalRecord record;
  record.machine = "machine-a";
  record.command = "sync";
  JournalAction action;
  action.kind = "copy_to_cloud";
  action.path = "skills/a.md";
  action.destination = Side::cloud;
  action.new_state = FileState{4, 9, {}};
  record.actions.push_back(action);
  auto journal = Journal::begin(dir.path(), record, clock);
  CHECK_THAT(journal.record().id, CS_CONTAINS("machine-a-"));
  journal.set_snapshot("machine-a-20260921T000000Z-aaaaaaaaaaaa");
  journal.set_state(JournalState::committing);

  CHECK(journal.record().actions.size() == 1);  // the run keeps its actions in memory

  auto listed = list_journals(dir.path());
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].state == JournalState::committing);
  CHECK(listed[0].open());
  CHECK(listed[0].snapshot == "machine-a-20260921T000000Z-aaaaaaaaaaaa");
  CHECK(listed[0].actions.empty());  // headers only
  CHECK(listed[0].action_count == 1);
  const auto actions = load_journal_actions(listed[0]);
  REQUIRE(actions.size() == 1);
  CHECK(actions[0].kind == "copy_to_cloud");
  CHECK(actions[0].path == "skills/a.md");
  CHECK(actions[0].new_state->size == 4);
  CHECK(actions[0].new_state->mtime_ns == 9);
  CHECK(actions[0].destination == Side::cloud);

  close_journal(listed[0], JournalState::closed, "settled", clock);
  listed = list_journals(dir.path());
  CHECK_FALSE(listed[0].open());
  CHECK(listed[0].note == "settled");
  CHECK(load_journal_actions(listed[0]).size() == 1);  // closing rewrites the header only
}

namespace {

JournalRecord sample_record(std::size_t count) {
  JournalRecord record;
  record.machine = "machine-a";
  record.command = "sync";
  for (std::size_t i = 0; i < count; ++i) {
    JournalAction action;
    action.kind = i % 2 == 0 ? "copy_to_cloud" : "delete_local";
    action.path = "sessions/s" + std::to_string(i) + ".jsonl";
    action.destination = i % 2 == 0 ? Side::cloud : Side::local;
    action.existed = i % 2 == 1;
    if (i % 2 == 0) {
      action.new_state = FileState{100 + i, 7, {}};
    }
    if (i == 2) {
      action.append_from = 40;
    }
    record.actions.push_back(action);
  }
  return record;
}

std::filesystem::path actions_file_of(const test::TempDir& dir, const std::string& id) {
  return dir / ("journals/" + id + ".actions.jsonl");
}

} // namespace

TEST_CASE("journal: the actions go to their own file, written once: a step rewrites only the header", "[state]") {
  test::TempDir dir;
  util::ManualClock clock(std::chrono::system_clock::from_time_t(1'790'000'000));
  auto journal = Journal::begin(dir.path(), sample_record(3), clock);
  const auto& id = journal.record().id;
  const auto header = dir / ("journals/" + id + ".json");
  const auto actions = actions_file_of(dir, id);
  CHECK(journal.record().file == header);
  CHECK(journal.record().actions_file == actions);
  REQUIRE(std::filesystem::is_regular_file(actions));
  CHECK_THAT(test::read_text(actions), CS_CONTAINS("sessions/s1.jsonl"));
  const auto header_text = test::read_text(header);
  CHECK_THAT(header_text, CS_CONTAINS("\"action_count\": 3"));
  CHECK_THAT(header_text, CS_CONTAINS(id + ".actions.jsonl"));
  CHECK(header_text.find("sessions/s1.jsonl") == std::string::npos);

  const auto written = std::filesystem::last_write_time(actions);
  const auto text = test::read_text(actions);
  journal.set_snapshot("machine-a-20260921T000000Z-aaaaaaaaaaaa");
  journal.set_state(JournalState::backed_up);
  journal.set_state(JournalState::committing);
  CHECK(std::filesystem::last_write_time(actions) == written);
  CHECK(test::read_text(actions) == text);
  CHECK_THAT(test::read_text(header), CS_CONTAINS("committing"));

  const auto listed = list_journals(dir.path());
  REQUIRE(listed.size() == 1);
  const auto loaded = load_journal_actions(listed[0]);
  REQUIRE(loaded.size() == 3);
  CHECK(loaded[1].kind == "delete_local");
  CHECK(loaded[1].destination == Side::local);
  CHECK(loaded[1].existed);
  CHECK_FALSE(loaded[1].new_state.has_value());
  CHECK(loaded[2].append_from == std::optional<std::uint64_t>(40));
  CHECK(loaded[2].new_state->size == 102);
}

TEST_CASE("journal: a run without actions writes no actions file", "[state]") {
  test::TempDir dir;
  util::ManualClock clock(std::chrono::system_clock::from_time_t(1'790'000'000));
  auto journal = Journal::begin(dir.path(), sample_record(0), clock);
  CHECK(journal.record().actions_file.empty());
  CHECK_FALSE(std::filesystem::exists(actions_file_of(dir, journal.record().id)));
  const auto listed = list_journals(dir.path());
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].state == JournalState::planned);
  CHECK(listed[0].action_count == 0);
  CHECK(load_journal_actions(listed[0]).empty());
}

TEST_CASE("journal: listing reads the headers only: a damaged actions file shows when the actions are loaded",
          "[state]") {
  test::TempDir dir;
  util::ManualClock clock(std::chrono::system_clock::from_time_t(1'790'000'000));
  auto journal = Journal::begin(dir.path(), sample_record(3), clock);
  journal.set_state(JournalState::committing);
  const auto actions = actions_file_of(dir, journal.record().id);
  // Same size, so only reading it can tell.
  dir.write("journals/" + journal.record().id + ".actions.jsonl",
            std::string(test::read_text(actions).size(), '#'));

  const auto listed = list_journals(dir.path());
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].state == JournalState::committing);
  CHECK(listed[0].note.empty());
  CHECK(listed[0].action_count == 3);
  CHECK_THROWS_AS(load_journal_actions(listed[0]), FailSafeError);
  CHECK_THROWS_WITH(load_journal_actions(listed[0]), CS_CONTAINS(util::display_path(actions)));
  CHECK_THROWS_WITH(load_journal_actions(listed[0]), CS_CONTAINS("sync --apply"));
}

TEST_CASE("journal: an actions file of other actions, or with lines cut, is refused", "[state]") {
  test::TempDir dir;
  util::ManualClock clock(std::chrono::system_clock::from_time_t(1'790'000'000));
  auto journal = Journal::begin(dir.path(), sample_record(3), clock);
  const auto actions = actions_file_of(dir, journal.record().id);
  auto text = test::read_text(actions);
  auto listed = list_journals(dir.path());
  REQUIRE(listed.size() == 1);
  SECTION("another run's id") {
    const auto at = text.find("machine-a-");
    text.replace(at, 9, "machine-b");
  }
  SECTION("one action less, padded to the same size") {
    const auto last = text.rfind('\n', text.size() - 2);
    const auto cut = text.size() - last - 1;
    text.resize(last + 1);
    text.insert(text.find('\n'), std::string(cut, ' '));
  }
  dir.write("journals/" + journal.record().id + ".actions.jsonl", text);
  CHECK(test::read_text(actions).size() == listed[0].actions_size);
  CHECK_THROWS_WITH(load_journal_actions(listed[0]), CS_CONTAINS(util::display_path(actions)));
}

TEST_CASE("journal: an open run whose actions file is missing or cut short is listed as failed", "[state]") {
  test::TempDir dir;
  util::ManualClock clock(std::chrono::system_clock::from_time_t(1'790'000'000));
  auto open_run = Journal::begin(dir.path(), sample_record(2), clock);
  open_run.set_state(JournalState::committing);
  clock.advance(std::chrono::seconds(1));
  auto done = Journal::begin(dir.path(), sample_record(2), clock);
  done.set_state(JournalState::committed);
  const auto open_actions = actions_file_of(dir, open_run.record().id);
  SECTION("missing") {
    std::filesystem::remove(open_actions);
  }
  SECTION("cut short") {
    const auto text = test::read_text(open_actions);
    dir.write("journals/" + open_run.record().id + ".actions.jsonl", text.substr(0, text.size() / 2));
  }
  std::filesystem::remove(actions_file_of(dir, done.record().id));  // a finished run no longer needs it

  const auto listed = list_journals(dir.path());
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].id == open_run.record().id);
  CHECK(listed[0].state == JournalState::failed);
  CHECK(listed[0].open());
  CHECK(listed[0].machine == "machine-a");
  CHECK_THAT(listed[0].note, CS_CONTAINS("unreadable journal"));
  CHECK_THAT(listed[0].note, CS_CONTAINS(util::display_path(open_actions)));
  CHECK_THAT(listed[0].note, CS_CONTAINS("stopped at committing"));
  CHECK_THROWS_WITH(load_journal_actions(listed[0]), CS_CONTAINS(util::display_path(open_actions)));
  CHECK(listed[1].state == JournalState::committed);
  CHECK(listed[1].note.empty());

  // A later run closes it; the closed journal then lists without a complaint.
  close_journal(listed[0], JournalState::closed, "settled", clock);
  const auto again = list_journals(dir.path());
  CHECK(again[0].state == JournalState::closed);
  CHECK(again[0].note == "settled");
}

TEST_CASE("journal: a journal of the previous version, actions inline, is still read", "[state]") {
  test::TempDir dir;
  util::ManualClock clock(std::chrono::system_clock::from_time_t(1'790'000'000));
  // Written by the previous version (codexsync-journal-v1), killed while committing.
  dir.write("journals/machine-a-20260921T141320Z-0011aabb.json", R"({
 "actions": [
  {"destination": "cloud", "existed": true, "kind": "copy_to_cloud", "new_mtime_ns": 9, "new_size": 4,
   "path": "skills/a.md"},
  {"append_from": 12, "destination": "local", "existed": true, "kind": "copy_to_local", "new_mtime_ns": 5,
   "new_size": 30, "path": "sessions/b.jsonl"}
 ],
 "cloud_root": "/cloud", "command": "sync", "format": "codexsync-journal-v1",
 "id": "machine-a-20260921T141320Z-0011aabb", "local_root": "/local", "machine": "machine-a", "note": "",
 "snapshot": "machine-a-20260921T141320Z-aaaaaaaaaaaa", "started": "2026-09-21T14:13:20.000Z",
 "state": "committing", "updated": "2026-09-21T14:13:21.000Z"
})");
  auto listed = list_journals(dir.path());
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].state == JournalState::committing);
  CHECK(listed[0].note.empty());
  CHECK(listed[0].action_count == 2);
  CHECK(listed[0].actions_file.empty());
  auto actions = load_journal_actions(listed[0]);
  REQUIRE(actions.size() == 2);
  CHECK(actions[0].path == "skills/a.md");
  CHECK(actions[0].existed);
  CHECK(actions[1].destination == Side::local);
  CHECK(actions[1].append_from == std::optional<std::uint64_t>(12));

  // Closing it keeps its actions (inline) and its count.
  close_journal(listed[0], JournalState::failed, "stopped by hand", clock);
  listed = list_journals(dir.path());
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].note == "stopped by hand");
  CHECK(listed[0].action_count == 2);
  actions = load_journal_actions(listed[0]);
  REQUIRE(actions.size() == 2);
  CHECK(actions[1].path == "sessions/b.jsonl");
}

TEST_CASE("journal: an unreadable journal is listed as failed, and open", "[state]") {
  test::TempDir dir;
  dir.write("journals/broken.json", "{");
  const auto listed = list_journals(dir.path());
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].state == JournalState::failed);
  CHECK(listed[0].open());
  CHECK_THAT(listed[0].note, CS_CONTAINS("unreadable journal"));
  CHECK(list_journals(dir / "missing").empty());
}

TEST_CASE("journal: prune keeps open runs and the newest finished ones of this machine", "[state]") {
  test::TempDir dir;
  util::ManualClock clock(std::chrono::system_clock::from_time_t(1'790'000'000));
  const auto make = [&](const std::string& machine, JournalState state) {
    JournalRecord record;
    record.machine = machine;
    auto journal = Journal::begin(dir.path(), record, clock);
    journal.set_state(state);
    clock.advance(std::chrono::seconds(1));
    return journal.record().id;
  };
  const auto open_run = make("machine-a", JournalState::committing);
  const auto old_done = make("machine-a", JournalState::committed);
  const auto new_done = make("machine-a", JournalState::closed);
  const auto other = make("machine-b", JournalState::committed);
  CHECK(prune_journals(dir.path(), "machine-a", 1) == 1);
  std::set<std::string> left;
  for (const auto& r : list_journals(dir.path())) {
    left.insert(r.id);
  }
  CHECK(left == std::set<std::string>{open_run, new_done, other});
  (void)old_done;
}

TEST_CASE("journal: prune removes a journal's actions file with it, and actions files no header names", "[state]") {
  test::TempDir dir;
  util::ManualClock clock(std::chrono::system_clock::from_time_t(1'790'000'000));
  const auto make = [&](JournalState state) {
    auto journal = Journal::begin(dir.path(), sample_record(2), clock);
    journal.set_state(state);
    clock.advance(std::chrono::seconds(1));
    return journal.record().id;
  };
  const auto old_done = make(JournalState::committed);
  const auto open_run = make(JournalState::committing);
  const auto new_done = make(JournalState::committed);
  // A run that died between its actions file and its header, on this machine and another.
  const auto stray = dir.write("journals/machine-a-20260921T000000Z-deadbeef.actions.jsonl", "{}\n");
  const auto others = dir.write("journals/machine-b-20260921T000000Z-deadbeef.actions.jsonl", "{}\n");
  // An unreadable header still guards its actions file.
  dir.write("journals/machine-a-20260921T000001Z-0badf00d.json", "{");
  const auto guarded = dir.write("journals/machine-a-20260921T000001Z-0badf00d.actions.jsonl", "{}\n");

  CHECK(prune_journals(dir.path(), "machine-a", 1) == 1);
  CHECK_FALSE(std::filesystem::exists(dir / ("journals/" + old_done + ".json")));
  CHECK_FALSE(std::filesystem::exists(actions_file_of(dir, old_done)));
  CHECK(std::filesystem::exists(actions_file_of(dir, open_run)));
  CHECK(std::filesystem::exists(actions_file_of(dir, new_done)));
  CHECK_FALSE(std::filesystem::exists(stray));
  CHECK(std::filesystem::exists(others));
  CHECK(std::filesystem::exists(guarded));
  std::set<std::string> left;
  for (const auto& r : list_journals(dir.path())) {
    left.insert(r.id);
  }
  CHECK(left == std::set<std::string>{open_run, new_done, "machine-a-20260921T000001Z-0badf00d"});
}

TEST_CASE("journal: actions handed over one at a time make the same files as a list", "[state]") {
  test::TempDir listed_dir;
  test::TempDir fed_dir;
  util::ManualClock clock(std::chrono::system_clock::from_time_t(1'790'000'000));
  auto record = sample_record(5000);  // more than one buffer of lines (100 KB each 1,000)
  record.id = "machine-a-20260921T000000Z-abcdabcd";
  const auto listed = Journal::begin(listed_dir.path(), record, clock);
  auto header = record;
  header.actions.clear();
  const auto fed = Journal::begin(
    fed_dir.path(), header, record.actions.size(),
    [&record](const Journal::ActionSink& sink) {
      for (const auto& a : record.actions) {
        sink(a);
      }
    },
    clock);
  CHECK(fed.record().actions.empty());  // not kept
  CHECK(fed.record().action_count == 5000);
  CHECK(fed.record().actions_size == listed.record().actions_size);
  CHECK(test::read_text(actions_file_of(fed_dir, record.id)) == test::read_text(actions_file_of(listed_dir, record.id)));
  const auto journals = list_journals(fed_dir.path());
  REQUIRE(journals.size() == 1);
  const auto actions = load_journal_actions(journals[0]);
  REQUIRE(actions.size() == 5000);
  CHECK(actions[2].append_from == 40u);
  CHECK(actions[4999].path == "sessions/s4999.jsonl");
}

TEST_CASE("journal: a feed that gives another count than announced leaves nothing", "[state]") {
  test::TempDir dir;
  util::ManualClock clock(std::chrono::system_clock::from_time_t(1'790'000'000));
  auto record = sample_record(3);
  auto header = record;
  header.actions.clear();
  CHECK_THROWS_AS(Journal::begin(dir.path(), header, 4,
                                 [&record](const Journal::ActionSink& sink) {
                                   for (const auto& a : record.actions) {
                                     sink(a);
                                   }
                                 },
                                 clock),
                  RuntimeError);
  CHECK(list_journals(dir.path()).empty());
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir / "journals")) {
    ++files;
  }
  CHECK(files == 0);
}
