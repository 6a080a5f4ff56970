#pragma once

#include <codexsync/config/config.hpp>
#include <codexsync/state/machines.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

// How the peers' machine records (state/machines.hpp) are shown: the "Peers"
// section of `status` and its JSON. Shared by status and sync.
namespace codexsync::commands {

struct PeersReport {
  std::filesystem::path dir;  // <workspace>/state/machines
  std::string self;           // this machine's id
  std::int64_t lease_seconds = 0;
  state::MachineListing listing;
  std::vector<state::PeerFinding> findings;
};

// Reads the records below config::workspace_dir(cfg) and judges them at `now`
// with [sync] lease_seconds and clock_offset_warn_seconds. Never throws: an
// unreadable record is in listing.problems.
PeersReport read_peers(const config::Config& cfg, std::chrono::system_clock::time_point now);

// One machine's sync state in words: "syncing now (began 2 min ago)", "last
// sync ended 2026-11-24 10:00:00 (3 h ago), exit 0 (ok)", "began a sync 3 h
// ago and recorded no end (interrupted?)", "never synced".
std::string peer_sync_state(const state::MachineRecord& record, std::chrono::system_clock::time_point now,
                            std::int64_t lease_seconds);

// The "Peers:" section: each machine (this one marked), its host, OS,
// version, sync state and clock offset; then a "WARNING: " line per finding
// and a "WARNING: cannot use " line per unreadable record.
void print_peers(std::ostream& out, const PeersReport& report, std::chrono::system_clock::time_point now);

// One object per machine: the record's fields, "this_machine", "syncing_now"
// (a peer whose lease holds), "finished_age_seconds" (null when unknown) and
// "findings" (its peer_findings messages). The unreadable records are
// report.listing.problems (status: "peer_problems").
nlohmann::json peers_json(const PeersReport& report, std::chrono::system_clock::time_point now);

} // namespace codexsync::commands
