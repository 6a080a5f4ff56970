#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include <codexsync/state/journal.hpp>

#include <fmt/format.h>

#include <chrono>
#include <iostream>

// Hidden from the normal run: `codexsync_unit_tests "[.bench]"` (issue 8).
// 20 journals of a first sync of 100,000 files each, as a sync keeps them.

using namespace codexsync;
using namespace codexsync::state;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

TEST_CASE("journal bench: list_journals on 20 journals of 100k actions", "[.bench]") {
  constexpr int k_journals = 20;
  constexpr int k_actions = 100'000;
  test::TempDir dir;
  util::ManualClock clock(std::chrono::system_clock::from_time_t(1'790'000'000));
  JournalRecord record;
  record.machine = "machine-a";
  record.command = "sync";
  for (int i = 0; i < k_actions; ++i) {
    JournalAction action;
    action.kind = "copy_to_cloud";
    action.path = fmt::format("sessions/2026/01/{:02}/rollout-2026-01-01T10-00-00-{:08}.jsonl", i % 28 + 1, i);
    action.destination = Side::cloud;
    action.new_state = FileState{static_cast<std::uint64_t>(1000 + i), 1'790'000'000'000'000'000 + i, {}};
    record.actions.push_back(action);
  }
  double begin_s = 0;
  double steps_s = 0;
  for (int j = 0; j < k_journals; ++j) {
    auto start = std::chrono::steady_clock::now();
    auto journal = Journal::begin(dir.path(), record, clock);
    begin_s += seconds_since(start);
    start = std::chrono::steady_clock::now();
    journal.set_snapshot(fmt::format("machine-a-snapshot-{}", j));
    journal.set_state(JournalState::backed_up);
    journal.set_state(JournalState::committing);
    journal.set_state(JournalState::committed);
    steps_s += seconds_since(start);
    clock.advance(std::chrono::seconds(1));
  }
  const auto start = std::chrono::steady_clock::now();
  const auto listed = list_journals(dir.path());
  const double list_s = seconds_since(start);
  REQUIRE(listed.size() == k_journals);
  const auto load_start = std::chrono::steady_clock::now();
  const auto actions = load_journal_actions(listed.back());
  const double load_s = seconds_since(load_start);
  CHECK(actions.size() == static_cast<std::size_t>(k_actions));
  std::cout << fmt::format("journal bench: Journal::begin {:.3f} s/journal, 4 state steps {:.4f} s/journal, "
                           "list_journals of {} journals {:.4f} s, load_journal_actions of one {:.3f} s\n",
                           begin_s / k_journals, steps_s / k_journals, k_journals, list_s, load_s);
}
