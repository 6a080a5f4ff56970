#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include <codexsync/state/journal.hpp>

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

  auto listed = list_journals(dir.path());
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].state == JournalState::committing);
  CHECK(listed[0].open());
  CHECK(listed[0].snapshot == "machine-a-20260921T000000Z-aaaaaaaaaaaa");
  REQUIRE(listed[0].actions.size() == 1);
  CHECK(listed[0].actions[0].new_state->size == 4);
  CHECK(listed[0].actions[0].destination == Side::cloud);

  close_journal(listed[0], JournalState::closed, "settled", clock);
  listed = list_journals(dir.path());
  CHECK_FALSE(listed[0].open());
  CHECK(listed[0].note == "settled");
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
