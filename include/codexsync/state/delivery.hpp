#pragma once

#include <codexsync/core/index.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

// Delivery records: what each machine says it wrote to the cloud mirror, so
// that another machine can tell a cloud folder that is still downloading from
// one that holds everything. Each machine keeps one record,
// <workspace>/state/delivery[/<profile>]/<machine>.json, written only by it,
// atomically and after everything else of a run. A record lists, for each
// file the machine wrote to the mirror and that still holds what it wrote,
// its size and SHA-256 (a claim), and for each file it deleted there, when
// (a tombstone). Statements are ordered by the writer's clock.
namespace codexsync::state {

struct Claim {
  // Pending: 0, or the size a fast-forward appends from (appending_from).
  std::uint64_t size = 0;
  util::OptionalSha256 sha256;  // none while pending (written as "")
  SharedText at;                // UTC (util::utc_timestamp) by the writer's clock

  // A claim withdrawn by a run about to rewrite the file: newer than what it
  // replaces, but vouching for nothing (a run cut short leaves peers nothing
  // to wait for, and no older statement resurfaces).
  bool pending() const { return !sha256; }
  // A pending claim of a run that appends to the file in place from this
  // size: until that run (or a later one) settles it, the file is delivered
  // only at that size (a run cut short may have left part of a tail). 0 for
  // any other claim. Records of earlier versions say 0.
  std::uint64_t appending_from() const { return pending() ? size : 0; }
  bool operator==(const Claim&) const = default;
};

struct DeliveryRecord {
  std::string machine;
  std::uint64_t generation = 0;  // one more with each record the machine publishes
  std::string run;               // the journal id of the run that wrote it
  std::string written;           // UTC
  PathMap<Claim> files;
  std::map<std::string, std::string> deleted;  // path -> when (UTC)
};

// <workspace>/state/delivery, or <workspace>/state/delivery/<profile> for a
// [profiles.<name>] (each profile has its own mirror).
std::filesystem::path delivery_dir(const std::filesystem::path& workspace, const std::string& profile);

// Writes <dir>/<record.machine>.json atomically, creating the folder. Throws
// RuntimeError naming the path.
void write_delivery_record(const std::filesystem::path& dir, const DeliveryRecord& record);

struct DeliveryListing {
  std::vector<DeliveryRecord> records;  // sorted by machine
  std::vector<std::string> problems;    // "path: why"; a record that cannot be read is listed here
};
// Reads every record in `dir` (none when it does not exist). Never throws.
DeliveryListing read_delivery_records(const std::filesystem::path& dir);

// True when some record claims or tombstones `path` (looked up in the
// records: no set of every path is made).
bool mentions(const DeliveryListing& listing, const std::string& path);

// The newest statements about each path across the records (ties keep all).
struct Statement {
  std::string machine;
  std::optional<Claim> claim;  // nullopt: a tombstone
  std::string at;
};
using Statements = std::map<std::string, std::vector<Statement>>;
Statements newest_statements(const std::vector<DeliveryRecord>& records);

// One file the cloud mirror does not hold as a peer's record says.
struct Undelivered {
  std::string path;
  std::string machine;  // whose record
  std::string why;      // "missing", "1.2 KiB here, 4.0 MiB in the record", ...
};

struct DeliveryCheck {
  std::vector<Undelivered> undelivered;
  // Files a peer's unfinished sync was appending to in place (its pending
  // claim's appending_from) that no longer have the size it appended from:
  // left alone (neither taken nor replaced) until that peer settles them.
  std::vector<Undelivered> in_flux;
  // Paths absent from the mirror that a peer's newest statement says it
  // deleted: their absence is a deletion. Absent paths not listed here are
  // never taken for one.
  std::set<std::string> tombstoned;
  // Claims whose size matches but whose content `cloud` does not know: the
  // caller hashes these (FileState::sha256) and checks again. Views of the
  // records' paths (at 100,000 claims copies took 13 MB): valid while they are.
  std::vector<std::string_view> need_hash;
};

// Pure: compares the mirror as scanned (`cloud`; `present(path)` says whether a
// path outside the index exists there, e.g. filtered out on this machine) with
// the newest statement about each path in scope (`in_scope(path)`), this
// machine's own (`self`) included (a mirror that no longer holds what this
// machine wrote there is not taken as settled either), skipping pending claims
// and paths in `unavailable` (placeholders of files not downloaded).
DeliveryCheck check_delivery(const std::vector<DeliveryRecord>& records, const std::string& self, const Index& cloud,
                             const std::function<bool(const std::string&)>& in_scope,
                             const std::function<bool(const std::string&)>& present,
                             const std::set<std::string>& unavailable);

// The mirror's state of a path after the run; nullptr when it is not there.
using StateAfter = std::function<const FileState*(const std::string& path)>;

// A file a run wrote to the mirror, and what it left there. The path and the
// state belong to the caller (the plan, what apply did): a first sync of
// 100,000 files is not copied again for its record.
struct WrittenFile {
  std::string_view path;
  const FileState* state = nullptr;
};
using WrittenFiles = std::vector<WrittenFile>;  // sorted by path, no repeats

// What `written` says was left at `path`, or nullptr.
const FileState* find_written(const WrittenFiles& written, std::string_view path);

// What makes this machine's next record besides the last one.
struct NextStatements {
  std::chrono::system_clock::time_point now;
  std::string now_text;  // util::utc_timestamp(now): the time of the new statements
  const WrittenFiles& written_to_cloud;
  const std::set<std::string>& deleted_from_cloud;
  const StateAfter& cloud_after;
  int tombstone_days = 180;
};
using TombstoneSink = std::function<void(std::string_view path, std::string_view at)>;
using ClaimSink = std::function<void(std::string_view path, const Claim& claim)>;

// Walks a record's claims and `overrides` (sorted by path, no repeats;
// `path_of(item)` is an item's path) along in path order: `on_override(item)`
// for each override, `on_old(path, claim)` for each claim on a path no
// override has. What a run writes or withdraws replaces what the record said.
template <typename Overrides, typename PathOf, typename OnOverride, typename OnOld>
void merge_claims(const PathMap<Claim>& claims, const Overrides& overrides, const PathOf& path_of,
                  const OnOverride& on_override, const OnOld& on_old) {
  auto o = claims.begin();
  auto w = overrides.begin();
  while (o != claims.end() || w != overrides.end()) {
    if (w != overrides.end() && (o == claims.end() || std::string_view(path_of(*w)) <= o->first)) {
      if (o != claims.end() && o->first == std::string_view(path_of(*w))) {
        ++o;
      }
      on_override(*w);
      ++w;
    } else {
      on_old(o->first, o->second);
      ++o;
    }
  }
}

// The statements of next_delivery_record's record, one at a time in path
// order, without building it (a first sync of 100,000 files claims them
// all): each tombstone to `tombstone`, each claim to `claim` (either may be
// nullptr: those are not made).
void for_each_next_statement(const DeliveryRecord& previous, const NextStatements& next, const TombstoneSink* tombstone,
                             const ClaimSink* claim);

// Writes a record whose claims and tombstones are not in `header` but come
// from `statements`, which hands them to the sinks it is given (as
// for_each_next_statement does; it is called once per kind, the other sink
// nullptr). Returns how many of each it wrote. Throws as the other.
struct StatementCounts {
  std::size_t files = 0;
  std::size_t deleted = 0;
};
using StatementFeed = std::function<void(const TombstoneSink* tombstone, const ClaimSink* claim)>;
StatementCounts write_delivery_record(const std::filesystem::path& dir, const DeliveryRecord& header,
                                      const StatementFeed& statements);

// True when `statements` gives exactly `record`'s claims and tombstones.
bool same_statements(const DeliveryRecord& record, const StatementFeed& statements);

// This machine's next record: `previous` (may be empty) with the run's writes
// to the mirror claimed and its deletions there tombstoned at `now`; claims
// that the mirror no longer holds (`cloud_after`) and tombstones of paths
// present again or older than `tombstone_days` are dropped. The generation is
// one more than `previous`'s.
DeliveryRecord next_delivery_record(const DeliveryRecord& previous, const std::string& machine,
                                    const std::string& run, std::chrono::system_clock::time_point now,
                                    const WrittenFiles& written_to_cloud,
                                    const std::set<std::string>& deleted_from_cloud, const StateAfter& cloud_after,
                                    int tombstone_days = 180);

} // namespace codexsync::state
