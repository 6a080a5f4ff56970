#include "peers_output.hpp"

#include <codexsync/core/exit_code.hpp>
#include <codexsync/util/clock.hpp>
#include <codexsync/util/fs.hpp>

#include <fmt/format.h>

#include <optional>
#include <vector>

namespace codexsync::commands {
namespace {

using Time = std::chrono::system_clock::time_point;
using nlohmann::json;

// "3 h ago", or "2 min in the future" for a clock ahead of this one.
std::string ago(Time t, Time now) {
  return t > now ? util::human_duration(t - now) + " in the future" : util::human_duration(now - t) + " ago";
}

// "2026-11-24 10:00:00 (3 h ago)", local time.
std::string when(Time t, Time now) {
  return fmt::format("{} ({})", util::local_timestamp(t).substr(0, 19), ago(t, now));
}

// True when `r` shows a sync that began less than the lease ago and has not ended.
bool syncing_now(const state::MachineRecord& r, Time now, std::int64_t lease_seconds) {
  const auto started = util::parse_utc_timestamp(r.sync_started);
  return lease_seconds > 0 && r.syncing() && started && now - *started < std::chrono::seconds(lease_seconds);
}

std::string exit_text(int code) {
  if (code < 0) {
    return "exit code not recorded";
  }
  if (code <= static_cast<int>(ExitCode::fail_safe)) {
    return fmt::format("exit {} ({})", code, exit_code_title(static_cast<ExitCode>(code)));
  }
  return fmt::format("exit {}", code);
}

std::string offset_text(const std::optional<std::int64_t>& offset) {
  if (!offset) {
    return "cloud clock offset unknown";
  }
  return fmt::format("cloud clock offset {:+} s", *offset);
}

// "host X, linux, codexsync 0.5.0, profile claude"; unknown parts left out.
std::string about(const state::MachineRecord& r) {
  std::vector<std::string> parts;
  if (!r.hostname.empty()) {
    parts.push_back("host " + r.hostname);
  }
  if (!r.os.empty()) {
    parts.push_back(r.os);
  }
  if (!r.version.empty()) {
    parts.push_back("codexsync " + r.version);
  }
  if (!r.profile.empty()) {
    parts.push_back("profile " + r.profile);
  }
  std::string text;
  for (const auto& part : parts) {
    text += (text.empty() ? "" : ", ") + part;
  }
  return text;
}

} // namespace

PeersReport read_peers(const config::Config& cfg, Time now) {
  PeersReport report;
  const auto workspace = config::workspace_dir(cfg);
  report.dir = state::machines_dir(workspace);
  report.self = cfg.identity.effective_machine_id;
  report.lease_seconds = cfg.sync.lease_seconds;
  report.listing = state::read_machine_records(workspace);
  report.findings = state::peer_findings(report.listing.records, report.self, now, cfg.sync.lease_seconds,
                                         cfg.sync.clock_offset_warn_seconds);
  return report;
}

std::string peer_sync_state(const state::MachineRecord& r, Time now, std::int64_t lease_seconds) {
  const auto started = util::parse_utc_timestamp(r.sync_started);
  if (r.syncing() && started) {
    if (syncing_now(r, now, lease_seconds)) {
      return fmt::format("syncing now (began {})", ago(*started, now));
    }
    if (lease_seconds > 0) {
      return fmt::format("began a sync {} and recorded no end (interrupted?)", ago(*started, now));
    }
    return fmt::format("began a sync {}, no end recorded yet", ago(*started, now));
  }
  if (const auto finished = util::parse_utc_timestamp(r.sync_finished)) {
    return fmt::format("last sync ended {}, {}", when(*finished, now), exit_text(r.last_exit_code));
  }
  return "never synced";
}

void print_peers(std::ostream& out, const PeersReport& report, Time now) {
  const auto& records = report.listing.records;
  if (records.empty()) {
    out << fmt::format("{:<22}none recorded yet in {} (each machine records its syncs there)\n", "Peers:",
                       util::display_path(report.dir));
  } else {
    out << fmt::format("{:<22}{} machine(s) in {}\n", "Peers:", records.size(), util::display_path(report.dir));
  }
  for (const auto& r : records) {
    const auto details = about(r);
    out << fmt::format("  {}{}{}\n", r.machine, r.machine == report.self ? " (this machine)" : "",
                       details.empty() ? "" : ": " + details);
    out << fmt::format("    {}; {}\n", peer_sync_state(r, now, report.lease_seconds),
                       offset_text(r.clock_offset_seconds));
  }
  for (const auto& problem : report.listing.problems) {
    out << "WARNING: cannot use the peer record " << problem << '\n';
  }
  for (const auto& finding : report.findings) {
    out << "WARNING: " << finding.message << '\n';
  }
}

json peers_json(const PeersReport& report, Time now) {
  json peers = json::array();
  for (const auto& r : report.listing.records) {
    const auto finished = util::parse_utc_timestamp(r.sync_finished);
    json findings = json::array();
    for (const auto& f : report.findings) {
      if (f.machine == r.machine) {
        findings.push_back({{"message", f.message}, {"running", f.running}});
      }
    }
    peers.push_back({
      {"machine", r.machine},
      {"this_machine", r.machine == report.self},
      {"hostname", r.hostname},
      {"os", r.os},
      {"version", r.version},
      {"profile", r.profile},
      {"sync_started", r.sync_started.empty() ? json() : json(r.sync_started)},
      {"sync_finished", r.sync_finished.empty() ? json() : json(r.sync_finished)},
      {"finished_age_seconds",
       finished ? json(std::chrono::duration_cast<std::chrono::seconds>(now - *finished).count()) : json()},
      {"last_exit_code", r.last_exit_code < 0 ? json() : json(r.last_exit_code)},
      {"syncing_now", syncing_now(r, now, report.lease_seconds)},
      {"clock_offset_seconds", r.clock_offset_seconds ? json(*r.clock_offset_seconds) : json()},
      {"written", r.written.empty() ? json() : json(r.written)},
      {"findings", std::move(findings)},
    });
  }
  return peers;
}

} // namespace codexsync::commands
