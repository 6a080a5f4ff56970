#include <codexsync/core/error.hpp>
#include <codexsync/state/machines.hpp>
#include <codexsync/util/file_stat.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/text.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

namespace codexsync::state {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Time = std::chrono::system_clock::time_point;

constexpr int k_format = 1;
constexpr std::string_view k_extension = ".json";
constexpr std::uint64_t k_max_record_bytes = 64 * 1024;  // a record is a few hundred bytes

std::string show(const fs::path& path) { return util::display_path(path); }

// A record's file name for `machine`; throws RuntimeError for an id that is
// not a plain file name (the config sanitizes machine ids, so this is a bug).
fs::path record_file(const fs::path& workspace, const std::string& machine) {
  if (machine.empty() || util::sanitize_file_component(machine, "") != machine) {
    throw RuntimeError(fmt::format("cannot keep a machine record for the machine id \"{}\": it is not a plain file "
                                   "name; set identity.machine_id to letters, digits, '.', '_' and '-'",
                                   machine));
  }
  return machines_dir(workspace) / util::path_from_utf8(machine + std::string(k_extension));
}

json to_json(const MachineRecord& r) {
  return {{"format", k_format},
          {"machine", r.machine},
          {"hostname", r.hostname},
          {"os", r.os},
          {"version", r.version},
          {"profile", r.profile},
          {"sync_started", r.sync_started},
          {"sync_finished", r.sync_finished},
          {"last_exit_code", r.last_exit_code},
          {"clock_offset_seconds", r.clock_offset_seconds ? json(*r.clock_offset_seconds) : json()},
          {"written", r.written}};
}

// Reads optional string field `key` (missing or null = ""); false when it has another type.
bool read_string(const json& doc, const char* key, std::string& out, std::string& why) {
  if (!doc.contains(key) || doc[key].is_null()) {
    return true;
  }
  if (!doc[key].is_string()) {
    why = fmt::format("\"{}\" is not a string", key);
    return false;
  }
  out = doc[key].get<std::string>();
  return true;
}

// Like read_string, and the text must be a time as util::utc_timestamp writes it.
bool read_time(const json& doc, const char* key, std::string& out, std::string& why) {
  if (!read_string(doc, key, out, why)) {
    return false;
  }
  if (!out.empty() && !util::parse_utc_timestamp(out)) {
    why = fmt::format("\"{}\" is not a UTC time such as 2026-11-24T10:11:12.000Z: \"{}\"", key, out);
    return false;
  }
  return true;
}

// The record in `text`, or nullopt with `why` set.
std::optional<MachineRecord> parse_record(const std::string& text, std::string& why) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception&) {
    why = "it is not valid JSON (damaged, or cut off while the cloud client was copying it)";
    return std::nullopt;
  }
  if (!doc.is_object() || !doc.contains("format") || !doc["format"].is_number_integer()) {
    why = "it is not a codexsync machine record (no \"format\" number)";
    return std::nullopt;
  }
  if (const auto format = doc["format"].get<std::int64_t>(); format != k_format) {
    why = format > k_format ? fmt::format("it was written by a newer codexsync (format {}); update codexsync "
                                          "on this machine",
                                          format)
                            : fmt::format("it has an unknown format {}", format);
    return std::nullopt;
  }
  MachineRecord r;
  if (!read_string(doc, "machine", r.machine, why) || !read_string(doc, "hostname", r.hostname, why) ||
      !read_string(doc, "os", r.os, why) || !read_string(doc, "version", r.version, why) ||
      !read_string(doc, "profile", r.profile, why) || !read_time(doc, "sync_started", r.sync_started, why) ||
      !read_time(doc, "sync_finished", r.sync_finished, why) || !read_time(doc, "written", r.written, why)) {
    return std::nullopt;
  }
  if (r.machine.empty()) {
    why = "it names no machine";
    return std::nullopt;
  }
  if (doc.contains("last_exit_code") && !doc["last_exit_code"].is_null()) {
    if (!doc["last_exit_code"].is_number_integer()) {
      why = "\"last_exit_code\" is not a whole number";
      return std::nullopt;
    }
    r.last_exit_code = static_cast<int>(doc["last_exit_code"].get<std::int64_t>());
  }
  if (doc.contains("clock_offset_seconds") && !doc["clock_offset_seconds"].is_null()) {
    if (!doc["clock_offset_seconds"].is_number_integer()) {
      why = "\"clock_offset_seconds\" is not a whole number";
      return std::nullopt;
    }
    r.clock_offset_seconds = doc["clock_offset_seconds"].get<std::int64_t>();
  }
  return r;
}

// Reads the record file at `path` named for `machine` (the file name without
// ".json"); nullopt with `why` set when it cannot be used.
std::optional<MachineRecord> read_record_file(const fs::path& path, const std::string& machine, std::string& why) {
  std::error_code ec;
  const auto stat = util::stat_no_follow(path, ec);
  if (!stat) {
    why = fmt::format("it cannot be read: {}", ec.message());
    return std::nullopt;
  }
  if (stat->type != util::FileType::regular) {
    why = "it is not a regular file (a folder or a link); codexsync writes only <machine>.json files here";
    return std::nullopt;
  }
  if (stat->size > k_max_record_bytes) {
    why = fmt::format("it is too large for a machine record ({} bytes)", stat->size);
    return std::nullopt;
  }
  const auto text = util::read_file(path, ec);
  if (!text) {
    why = fmt::format("it cannot be read: {}", ec.message());
    return std::nullopt;
  }
  auto record = parse_record(*text, why);
  if (record && record->machine != machine) {
    why = fmt::format("it holds the record of machine \"{}\", not \"{}\" (a copy made by the cloud client?)",
                      record->machine, machine);
    return std::nullopt;
  }
  return record;
}

// Files that are not records and not worth a word: hidden files (temp files
// of an atomic write, the clock probe, .DS_Store) and Windows' desktop.ini.
bool ignored_name(const std::string& name) {
  return name.empty() || name.front() == '.' || util::is_temp_name(name) ||
         util::to_lower_ascii(name) == "desktop.ini";
}

} // namespace

bool MachineRecord::syncing() const {
  if (sync_started.empty()) {
    return false;
  }
  if (sync_finished.empty()) {
    return true;
  }
  const auto started = util::parse_utc_timestamp(sync_started);
  const auto finished = util::parse_utc_timestamp(sync_finished);
  if (started && finished) {
    return *started > *finished;
  }
  return sync_started > sync_finished;  // same fixed-width format: text order is time order
}

fs::path machines_dir(const fs::path& workspace) { return workspace / "state" / "machines"; }

void write_machine_record(const fs::path& workspace, const MachineRecord& record) {
  const auto path = record_file(workspace, record.machine);
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (!ec) {
    util::write_file_atomic(path, to_json(record).dump(2) + "\n", ec);
  }
  if (ec) {
    throw RuntimeError(fmt::format("cannot write this machine's record {} ({}); other machines will not see "
                                   "this sync. Check that the cloud folder is reachable and writable and run "
                                   "again",
                                   show(path), ec.message()));
  }
}

std::optional<MachineRecord> read_machine_record(const fs::path& workspace, const std::string& machine) {
  try {
    std::string why;
    return read_record_file(record_file(workspace, machine), machine, why);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

MachineListing read_machine_records(const fs::path& workspace) {
  MachineListing listing;
  const auto dir = machines_dir(workspace);
  try {
    std::error_code ec;
    const auto dir_stat = util::stat_no_follow(dir, ec);
    if (!dir_stat) {
      if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory) {
        listing.problems.push_back(
          fmt::format("{}: cannot be read: {}; check that the cloud folder is reachable", show(dir), ec.message()));
      }
      return listing;
    }
    if (dir_stat->type != util::FileType::directory) {
      listing.problems.push_back(fmt::format("{}: is not a folder (codexsync never follows links here); move it "
                                             "away so machines can record their syncs",
                                             show(dir)));
      return listing;
    }
    fs::directory_iterator it(dir, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      const auto path = it->path();
      const auto name = util::display_path(path.filename());
      if (ignored_name(name)) {
        continue;
      }
      std::string why;
      if (!util::ends_with(name, k_extension) || name.size() == k_extension.size()) {
        why = "it is not a machine record (codexsync writes only <machine>.json files here)";
      } else if (auto record = read_record_file(path, name.substr(0, name.size() - k_extension.size()), why)) {
        listing.records.push_back(std::move(*record));
        continue;
      }
      listing.problems.push_back(fmt::format("{}: {}; delete it (its machine writes a new one at its next sync)",
                                             show(path), why));
    }
    if (ec) {
      listing.problems.push_back(
        fmt::format("{}: cannot be listed completely: {}; check that the cloud folder is reachable", show(dir),
                    ec.message()));
    }
  } catch (const std::exception& e) {
    listing.problems.push_back(fmt::format("{}: cannot be read: {}", show(dir), e.what()));
  }
  std::sort(listing.records.begin(), listing.records.end(),
            [](const MachineRecord& a, const MachineRecord& b) { return a.machine < b.machine; });
  std::sort(listing.problems.begin(), listing.problems.end());
  return listing;
}

std::optional<std::int64_t> measure_clock_offset(const fs::path& folder, const std::string& machine,
                                                 const util::Clock& clock) {
  const auto probe = folder / util::path_from_utf8(".clock-probe-" + util::sanitize_file_component(machine, "x"));
  std::optional<std::int64_t> offset;
  try {
    const auto before = clock.now();
    {
      std::ofstream out(probe, std::ios::binary | std::ios::trunc);
      out << "codexsync clock probe; safe to delete\n";
      out.close();
      if (!out) {
        std::error_code ignored;
        fs::remove(probe, ignored);
        return std::nullopt;
      }
    }
    std::error_code ec;
    const auto stat = util::stat_no_follow(probe, ec);
    const auto after = clock.now();
    if (stat && stat->type == util::FileType::regular) {
      // The file was stamped between `before` and `after` by this clock.
      const auto middle = before + (after - before) / 2;
      const auto mid_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(middle.time_since_epoch()).count();
      offset = (stat->mtime_ns - mid_ns) / 1'000'000'000;  // integer division rounds toward zero
    }
  } catch (const std::exception&) {
    offset = std::nullopt;
  }
  std::error_code ignored;
  fs::remove(probe, ignored);
  return offset;
}

std::vector<PeerFinding> peer_findings(const std::vector<MachineRecord>& records, const std::string& self,
                                       Time now, std::int64_t lease_seconds, std::int64_t warn_seconds) {
  std::vector<PeerFinding> findings;
  const auto warn = std::chrono::seconds(warn_seconds);
  for (const auto& r : records) {
    const bool peer = r.machine != self;
    const auto started = util::parse_utc_timestamp(r.sync_started);
    // A start further in the future than clock skew allows is a skewed clock
    // (reported below), not a lease: it would hold others up for the skew too.
    if (peer && lease_seconds > 0 && r.syncing() && started && now - *started > -warn) {
      const auto age = now - *started;
      if (age < std::chrono::seconds(lease_seconds)) {
        findings.push_back(
          {r.machine,
           fmt::format("machine {} began a sync {} and has not finished: its files may still be arriving in "
                       "the cloud folder. Wait for it, or run again later",
                       r.machine,
                       age < Time::duration::zero() ? "just now (by its clock, in the future)"
                                                    : util::human_duration(age) + " ago"),
           true});
      } else {
        findings.push_back(
          {r.machine,
           fmt::format("machine {} began a sync {} ago and never recorded its end (interrupted?); if it is "
                       "still running there, wait for it, otherwise its next sync records an end",
                       r.machine, util::human_duration(age)),
           false});
      }
    }
    if (peer) {
      std::optional<Time> latest;
      for (const auto* text : {&r.written, &r.sync_started, &r.sync_finished}) {
        if (const auto t = util::parse_utc_timestamp(*text); t && (!latest || *t > *latest)) {
          latest = t;
        }
      }
      if (latest && *latest - now > warn) {
        findings.push_back(
          {r.machine,
           fmt::format("machine {}'s clock is at least {} ahead of this one's (its record is dated {}); times "
                       "decide which version is newer when there is no sync history, so turn on automatic "
                       "time sync on both machines",
                       r.machine, util::human_duration(*latest - now), util::utc_timestamp(*latest)),
           false});
      }
    }
    if (r.clock_offset_seconds && (*r.clock_offset_seconds > warn_seconds || *r.clock_offset_seconds < -warn_seconds)) {
      const auto offset = *r.clock_offset_seconds;
      findings.push_back(
        {r.machine,
         fmt::format("the cloud folder's clock differs from {} by {} s (the folder's is {}); file times decide "
                     "which version is newer when there is no sync history, so turn on automatic time sync on "
                     "{} (and on the server, if the cloud folder is a network drive)",
                     peer ? fmt::format("machine {}'s", r.machine) : fmt::format("this machine's ({})", r.machine),
                     offset > 0 ? offset : -offset, offset > 0 ? "ahead" : "behind",
                     peer ? "that machine" : "this machine"),
         false});
    }
  }
  return findings;
}

} // namespace codexsync::state
