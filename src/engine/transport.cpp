#include "transport.hpp"

#include "sides.hpp"

#include <codexsync/core/error.hpp>
#include <codexsync/log/log.hpp>
#include <codexsync/scan/glob.hpp>
#include <codexsync/scan/scanner.hpp>
#include <codexsync/state/machines.hpp>
#include <codexsync/util/environment.hpp>
#include <codexsync/util/file_stat.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/sha256.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <vector>

namespace codexsync::engine::detail {
namespace {

// <workspace>/state/delivery[/<profile>] of this config.
std::filesystem::path delivery_dir_of(const config::Config& cfg) {
  return state::delivery_dir(config::workspace_dir(cfg), cfg.agent.profile);
}

// Feeds `hash` the `size` bytes of `file` from `offset` on; false when they
// cannot all be read.
// Hashes `size` bytes of `file` from `offset`; with `keep`, also appends them there.
bool hash_range(util::Sha256& hash, const std::filesystem::path& file, std::uint64_t offset, std::uint64_t size,
                std::string* keep = nullptr) {
  std::ifstream in;
  in.rdbuf()->pubsetbuf(nullptr, 0);  // the reads are large; a stream buffer would only add a read around the seek
  in.open(file, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  std::vector<char> buffer(static_cast<std::size_t>(std::min<std::uint64_t>(size, std::uint64_t{1} << 20U)));
  while (size > 0 && in) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(size, buffer.size()));
    in.read(buffer.data(), static_cast<std::streamsize>(want));
    if (static_cast<std::size_t>(in.gcount()) != want) {
      return false;
    }
    hash.update(buffer.data(), want);
    if (keep != nullptr) {
      keep->append(buffer.data(), want);
    }
    size -= want;
  }
  return size == 0;
}

// A chat that grew on a peer and arrived here as a longer cloud copy, which
// the evidence found to start with this machine's copy: the hash of what a
// fast-forward here will write (this copy, hashed on from the midstate the
// baseline vouches for, plus the cloud copy's tail), read from the tail
// alone. That is the cloud copy's hash when its start is this copy, and in
// any case the hash of the bytes this machine would end up with, which is
// what the peer's claim must vouch for: the fast-forward takes the start
// from this machine's own copy, never from the cloud's. nullopt when it does
// not apply (no midstate, compare = "hash", a read failed): the whole cloud
// copy is hashed then.
std::optional<util::Sha256Digest> hash_as_fast_forward(const config::Config& cfg, const Prepared& p,
                                                       const plan::Evidence& evidence, const std::string& path,
                                                       std::string* keep_tail = nullptr) {
  const auto relation = evidence.relations.find(path);
  const auto* here = p.local.find(path);
  const auto* there = p.cloud.find(path);
  if (relation == evidence.relations.end() || relation->second != plan::Relation::local_prefix_of_cloud ||
      here == nullptr || there == nullptr || here->size >= there->size) {
    return std::nullopt;
  }
  const auto point = vouched_point(cfg, p.baseline, p.resume_points, path, Side::local, *here);
  if (!point) {
    return std::nullopt;
  }
  // Still the very file the point was made from.
  std::error_code ec;
  const auto file = util::stat_no_follow(file_on(cfg, Side::local, path), ec);
  if (!file || apply::FileIdentity::of(*file) != identity_of(*point)) {
    return std::nullopt;
  }
  const auto& mid = point->state;
  auto hash = util::Sha256::resume(mid);
  if (!hash || !hash_range(*hash, file_on(cfg, Side::local, path), mid.bytes, here->size - mid.bytes) ||
      !hash_range(*hash, file_on(cfg, Side::cloud, path), here->size, there->size - here->size, keep_tail)) {
    if (keep_tail != nullptr) {
      keep_tail->clear();
    }
    return std::nullopt;
  }
  return hash->finish();
}

struct OwnRecord {
  std::optional<state::DeliveryRecord> record;  // as last published, if any
  std::optional<std::string> problem;           // its file is there but cannot be read
};

// This machine's record as last published (read from disk).
OwnRecord read_own(const config::Config& cfg) {
  auto listing = state::read_delivery_records(delivery_dir_of(cfg));
  const auto& machine = cfg.identity.effective_machine_id;
  OwnRecord out;
  for (auto& record : listing.records) {
    if (record.machine == machine) {
      out.record = std::move(record);
      return out;
    }
  }
  const auto own_file = util::display_path(delivery_dir_of(cfg) / util::path_from_utf8(machine + ".json"));
  for (auto& problem : listing.problems) {
    if (problem.rfind(own_file, 0) == 0) {
      out.problem = std::move(problem);
    }
  }
  return out;
}

// `record` as this machine's next generation, written now.
void stamp(const config::Config& cfg, state::DeliveryRecord& record, const util::Clock& clock) {
  record.machine = cfg.identity.effective_machine_id;
  record.generation += 1;
  record.written = util::utc_timestamp(clock.now());
}

// `own` with a pending claim on each of `paths` (sorted, no repeats) instead
// of what it said of them, written statement by statement (a first sync of
// 100,000 files withdraws them all: no second record or set of paths is made).
bool withdraw_from(const config::Config& cfg, const state::DeliveryRecord& own, const std::vector<Withdrawal>& paths,
                   const util::Clock& clock) {
  if (paths.empty()) {
    return false;
  }
  state::DeliveryRecord header;  // its statements come from the feed below
  header.generation = own.generation;
  header.run = own.run;
  stamp(cfg, header, clock);
  const auto withdrawn = [&paths](std::string_view path) {
    const auto at = std::lower_bound(paths.begin(), paths.end(), path,
                                     [](const Withdrawal& w, std::string_view p) { return w.path < p; });
    return at != paths.end() && at->path == path;
  };
  // Newer than any statement about these paths, vouching for nothing: a run
  // cut short leaves peers nothing to wait for (but a partly appended tail).
  const auto feed = [&](const state::TombstoneSink* tombstone, const state::ClaimSink* claim) {
    if (tombstone != nullptr) {
      for (const auto& [path, at] : own.deleted) {
        if (!withdrawn(path)) {
          (*tombstone)(path, at);
        }
      }
    }
    if (claim != nullptr) {
      state::merge_claims(
        own.files, paths, [](const Withdrawal& w) { return w.path; },
        [&](const Withdrawal& w) { (*claim)(w.path, state::Claim{w.appending_from, {}, header.written}); },
        [&](const std::string& path, const state::Claim& old) { (*claim)(path, old); });
    }
  };
  // A record that cannot be updated would make peers wait for what this run
  // replaces: this throws, before anything is written.
  state::write_delivery_record(delivery_dir_of(cfg), header, feed);
  return true;
}

} // namespace

void check_marker(const config::Config& cfg, const PrepareOptions& options, Prepared& p) {
  const auto workspace = config::workspace_dir(cfg);
  const auto& machine = cfg.identity.effective_machine_id;
  p.user_state_dir = options.user_state_dir;
  const auto remembered = state::remembered_workspace(options.user_state_dir, machine, workspace);
  const auto read = state::read_marker(workspace);
  p.marker = state::judge_marker(remembered, read);
  if (p.marker == state::MarkerVerdict::different && read.marker && remembered) {
    // Two first syncs raced: each made a marker and the cloud client kept the
    // loser beside the winner. The same folder, so the winner is joined.
    const auto copies = state::marker_copy_ids(workspace);
    if (std::find(copies.begin(), copies.end(), *remembered) != copies.end()) {
      log::warn(fmt::format("the workspace marker {} was made by another machine's first sync at the same time as "
                            "this one's (the cloud client kept both); this machine now uses {} (was {})",
                            util::display_path(state::marker_path(workspace)), read.marker->id, *remembered));
      p.marker = state::MarkerVerdict::join;
      return;
    }
  }
  if (p.marker == state::MarkerVerdict::create && !options.adopt_workspace) {
    // Other machines' records but no marker: it has not arrived yet (or was removed).
    for (const auto& record : p.machines.records) {
      if (record.machine != machine) {
        throw FailSafeError(fmt::format(
          "cloud folder still syncing; retry later: it holds machine {}'s records but no workspace marker ({}) "
          "yet; nothing was written. If the marker was deleted, run `codexsync sync --apply --adopt-workspace` once",
          record.machine, util::display_path(state::marker_path(workspace))));
      }
    }
  }
  if (p.marker == state::MarkerVerdict::create && options.adopt_workspace) {
    p.adopting = true;  // a first sync with this folder, whatever the baseline says
    return;
  }
  if (p.marker != state::MarkerVerdict::missing && p.marker != state::MarkerVerdict::different) {
    return;
  }
  if (options.adopt_workspace) {
    p.adopting = true;
    p.marker = read.marker ? state::MarkerVerdict::join : state::MarkerVerdict::create;
    return;
  }
  const auto path = util::display_path(state::marker_path(workspace));
  if (p.marker == state::MarkerVerdict::missing) {
    throw FailSafeError(fmt::format(
      "cloud folder not mounted or not the one you synced with: {} is missing, but this machine synced with "
      "workspace {} before; nothing was written. Check that the cloud client is running and the folder is fully "
      "there (paths.workspace_root_dir). If this really is a new cloud folder, run `codexsync sync "
      "--apply --adopt-workspace` once (it is then synced as a first sync: files are copied both ways, nothing is "
      "deleted)",
      path, *remembered));
  }
  throw FailSafeError(fmt::format(
    "cloud folder not mounted or not the one you synced with: {} {}; nothing was written. Check "
    "paths.workspace_root_dir. If you moved to this cloud folder on purpose, run `codexsync sync "
    "--apply --adopt-workspace` once (a first sync: files are copied both ways, nothing is deleted)",
    path,
    read.problem.empty() ? fmt::format("holds workspace {}, but this machine synced with {}", read.marker->id,
                                       remembered.value_or("?"))
                         : fmt::format("is not readable as a marker ({})", read.problem)));
}

state::DeliveryListing read_deliveries(const config::Config& cfg) {
  return state::read_delivery_records(delivery_dir_of(cfg));
}

void check_deliveries(const config::Config& cfg, const PrepareOptions& options, state::DeliveryListing listing,
                      const std::set<std::string>& unavailable, Prepared& p, plan::Evidence& evidence) {
  p.delivery_problems = std::move(listing.problems);
  for (const auto& problem : p.delivery_problems) {
    log::warn(fmt::format("a delivery record cannot be read and is ignored: {}. Delete it (a cloud client's copy, "
                          "or damaged); its machine writes a new one at its next sync",
                          problem));
  }
  const auto& self = cfg.identity.effective_machine_id;
  // What this machine syncs at all: a peer's file it leaves out (its own
  // exclude or never-sync globs) is not its to wait for.
  const scan::GlobSet excluded(cfg.filters.exclude_globs);
  const scan::NeverSyncFilter never(cfg.filters.never_sync_globs);
  const auto in_scope = [&](const std::string& path) {
    return !root_of(path, cfg.targets.include_roots).empty() && !excluded.matches(path) && !never.matches(path);
  };
  const auto present = [&](const std::string& path) {
    std::error_code ec;
    return util::stat_no_follow(file_on(cfg, Side::cloud, path), ec).has_value();
  };
  auto check = state::check_delivery(listing.records, self, p.cloud, in_scope, present, unavailable);
  if (!check.need_hash.empty()) {
    // What is read here to be hashed is kept for the copies that will take it
    // (Prepared::preread) when all of it is small: the new tails of chats
    // and a few new files, not a first sync's every file.
    std::uint64_t to_read = 0;
    for (const auto view : check.need_hash) {
      const std::string path(view);
      const auto* there = p.cloud.find(path);
      if (there == nullptr || there->sha256 || baseline_hash(p.baseline.baseline, Side::cloud, path, *there)) {
        continue;  // known: nothing is read
      }
      const auto* here = p.local.find(path);
      const auto relation = evidence.relations.find(path);
      const bool tail_only = relation != evidence.relations.end() &&
                             relation->second == plan::Relation::local_prefix_of_cloud && here != nullptr;
      to_read += there->size - (tail_only ? std::min(here->size, there->size) : 0);
    }
    // The estimate takes tails for what a midstate may hash; what is really
    // kept is counted as it comes, and nothing more is kept past the budget.
    const bool keep = to_read <= k_keep_read_bytes;
    std::uint64_t kept_total = 0;
    for (const auto view : check.need_hash) {
      const std::string path(view);
      auto& state = p.cloud.files.at(path);
      const auto file = file_on(cfg, Side::cloud, path);
      std::error_code ignored;
      const auto* here = p.local.find(path);
      const auto tail = here != nullptr && here->size < state.size ? state.size - here->size : state.size;
      const bool keep_tail = keep && kept_total + tail <= k_keep_read_bytes;
      const bool keep_whole = keep && kept_total + state.size <= k_keep_read_bytes;
      const auto before = keep_tail ? util::stat_no_follow(file, ignored) : std::nullopt;
      std::string kept;
      std::optional<std::uint64_t> kept_from;
      if (!state.sha256) {
        state.sha256 = hash_as_fast_forward(cfg, p, evidence, path, keep_tail ? &kept : nullptr);
        if (state.sha256 && keep_tail && here != nullptr) {
          kept_from = here->size;  // the tail, after this machine's own copy's length
        }
      }
      if (fill_hash(cfg, p.baseline.baseline, Side::cloud, path, state, "check that it arrived",
                    keep_whole ? &kept : nullptr)) {
        kept_from = 0;
      }
      kept_total += kept.size();
      if (kept_from) {
        if (auto read = kept_read(file, before, *kept_from, std::move(kept))) {
          p.preread.insert_or_assign(path, std::move(*read));
        }
      }
    }
    check = state::check_delivery(listing.records, self, p.cloud, in_scope, present, unavailable);
  }
  if (options.accept_undelivered) {
    // What is there is taken as it is: this machine vouches for it from now
    // on (publish_delivery), so the next run has nothing to accept again.
    for (const auto& u : check.undelivered) {
      if (p.cloud.find(u.path) != nullptr) {
        fill_hash(cfg, p.baseline.baseline, Side::cloud, u.path, p.cloud.files.at(u.path),
                  "check that it arrived");
      }
      p.accepted.insert(u.path);
    }
  } else {
    p.undelivered = std::move(check.undelivered);
  }
  // Never accepted: a peer's partial tail must not travel on.
  for (auto& u : check.in_flux) {
    log::warn(fmt::format("{}: {}; left as it is for now", u.path, u.why), {{"machine", u.machine}});
    evidence.in_flux.emplace(u.path, std::move(u.why));
  }
  p.in_flux_seen = !evidence.in_flux.empty();
  if (!options.accept_undelivered && !p.adopting) {
    evidence.cloud_deletions = std::move(check.tombstoned);
  }
  evidence.unavailable = unavailable;
  // Kept for apply, moved, not copied (at 100,000 claims a copy costs tens of MB).
  for (auto& record : listing.records) {
    if (record.machine == self) {
      p.own_delivery = std::move(record);
    }
  }
}

namespace {

// Beside the baseline: <baseline stem>.delivery-seen.txt.
std::filesystem::path settled_stamp_path(const Prepared& p) {
  auto name = p.baseline_file.path.stem();
  name += ".delivery-seen.txt";
  return p.baseline_file.path.parent_path() / name;
}

// The remembered file is the stamp, then "walked <Unix seconds>" of the last
// full walk of the mirror, then "quiet <key>" (quiet_key) of the last run with
// an empty plan; files written before those lines existed lack them. Neither
// can be taken for a stamp line: those name a record file and hold tabs.
constexpr std::string_view k_walked_line = "walked ";
constexpr std::string_view k_quiet_line = "quiet ";

struct Remembered {
  std::string stamp;
  std::optional<std::int64_t> walked;
  std::string quiet;
};

// Takes the last line of `text` off when it starts with `prefix` and `take`
// (given the rest of the line) returns true; false otherwise.
template <typename Take> bool take_last_line(std::string& text, std::string_view prefix, const Take& take) {
  if (text.size() < 2 || text.back() != '\n') {
    return false;
  }
  const auto last = text.rfind('\n', text.size() - 2);
  const auto line_start = last == std::string::npos ? 0 : last + 1;
  if (text.compare(line_start, prefix.size(), prefix) != 0) {
    return false;
  }
  const auto start = line_start + prefix.size();
  if (!take(std::string_view(text).substr(start, text.size() - 1 - start))) {
    return false;
  }
  text.resize(line_start);
  return true;
}

std::optional<Remembered> read_remembered(const Prepared& p) {
  std::error_code ec;
  auto text = util::read_file(settled_stamp_path(p), ec);
  if (!text) {
    return std::nullopt;
  }
  Remembered out;
  take_last_line(*text, k_quiet_line, [&](std::string_view key) {
    if (util::Sha256Digest::from_hex(key)) {
      out.quiet = std::string(key);
    }
    return true;  // a damaged key is no key; the line is not the stamp's either
  });
  take_last_line(*text, k_walked_line, [&](std::string_view number) {
    std::int64_t seconds = 0;
    const auto* end = number.data() + number.size();
    if (const auto [at, err] = std::from_chars(number.data(), end, seconds); err == std::errc{} && at == end) {
      out.walked = seconds;
    }
    return true;  // an unreadable time is no time (as before), the line is not the stamp's
  });
  out.stamp = std::move(*text);
  return out;
}

std::int64_t unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// The stamp without the line of this machine's own record (which its own
// run rewrites).
std::string without_own(const std::string& stamp, const std::string& machine) {
  const auto own = machine + ".json\t";
  std::string out;
  std::size_t at = 0;
  while (at < stamp.size()) {
    const auto end = std::min(stamp.find('\n', at), stamp.size());
    if (stamp.compare(at, own.size(), own) != 0) {
      out.append(stamp, at, end - at).push_back('\n');
    }
    at = end + 1;
  }
  return out;
}

} // namespace

std::string stamp_deliveries(const config::Config& cfg) {
  std::vector<std::string> lines;
  std::error_code ec;
  const auto dir = delivery_dir_of(cfg);
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code stat_ec;
    const auto stat = util::stat_no_follow(it->path(), stat_ec);
    if (stat && stat->type == util::FileType::regular) {
      lines.push_back(fmt::format("{}\t{}\t{}\t{}\t{}\n", util::display_path(it->path().filename()), stat->size,
                                  stat->mtime_ns, stat->change_ns, stat->inode));
    }
  }
  if (ec) {
    return {};  // unknown: never matches
  }
  std::sort(lines.begin(), lines.end());
  // What this machine syncs is part of it: a record read while a folder was
  // out of scope says nothing settled about that folder once it is in.
  // So is how it plans: a file another setting left in the mirror (held,
  // unsyncable) may be one to act on now, which the mirror's listing shows.
  std::string scope;
  for (const auto* list : {&cfg.targets.include_roots, &cfg.filters.exclude_globs, &cfg.filters.never_sync_globs,
                           &cfg.sync.append_only_globs, &cfg.sync.merge_line_globs}) {
    for (const auto& item : *list) {
      scope += item;
      scope += '\x1f';
    }
    scope += '\x1e';
  }
  // And the program: another version may skip or take other files.
  scope += CODEXSYNC_VERSION;
  scope += fmt::format("{} {} {} {} {} {} {}", static_cast<int>(cfg.sync.direction), static_cast<int>(cfg.sync.compare),
                       cfg.sync.time_tolerance_seconds, static_cast<int>(cfg.sync.equal_mtime_action),
                       static_cast<int>(cfg.sync.delete_policy), static_cast<int>(cfg.conflict.policy),
                       cfg.sync.portable_names);
  std::string out = "codexsync-delivery-seen-v2 " + util::sha256_hex(scope) + "\n";
  for (const auto& line : lines) {
    out += line;
  }
  return out;
}

bool deliveries_settled(const PrepareOptions& options, const Prepared& p) {
  if (options.accept_undelivered || p.adopting || !p.baseline.usable || p.baseline.baseline.empty() ||
      p.settled_stamp.empty()) {
    return false;
  }
  if (!p.mirror_walked) {
    return true;  // decide_mirror_walk found the stamp remembered
  }
  const auto remembered = read_remembered(p);
  if (!remembered || remembered->stamp != p.settled_stamp) {
    return false;
  }
  return as_baseline_saw(p.cloud, p.baseline.baseline, Side::cloud);
}

void decide_mirror_walk(const config::Config& cfg, const PrepareOptions& options, Prepared& p) {
  p.mirror_walked = true;
  p.mirror_note.clear();
  const auto remembered = read_remembered(p);
  p.last_mirror_walk = remembered ? remembered->walked : std::nullopt;
  p.remembered_quiet_key = remembered ? remembered->quiet : std::string();
  const auto& clock = options.clock != nullptr ? *options.clock : util::system_clock();
  p.looked_at = unix_seconds(clock.now());
  if (options.full_scan || cfg.sync.full_scan_hours == 0 || options.accept_undelivered || p.adopting ||
      !p.baseline.usable || p.baseline.baseline.empty() || p.settled_stamp.empty() || !p.open_journals.empty() ||
      !remembered || remembered->stamp != p.settled_stamp || !p.last_mirror_walk) {
    return;  // a record changed (or none was remembered), or the run must look anyway
  }
  const auto age = p.looked_at - *p.last_mirror_walk;
  // A clock put back by more than a minute says nothing about the age: walk.
  if (age < -60 || age >= cfg.sync.full_scan_hours * 3600) {
    return;
  }
  p.mirror_walked = false;
  p.mirror_note = fmt::format("not listed: no machine has delivered anything since this machine's last clean run, "
                              "and it was last listed {} ago (`--full-scan` lists it now)",
                              util::human_duration(std::chrono::seconds(std::max<std::int64_t>(age, 0))));
}

std::string file_identity(const std::filesystem::path& path) {
  std::error_code ec;
  const auto st = util::stat_no_follow(path, ec);
  return st ? fmt::format("{} {} {} {} {}", st->device, st->inode, st->size, st->mtime_ns, st->change_ns)
            : std::string();
}

std::string quiet_key(const Prepared& p) {
  if (p.baseline_identity.empty()) {
    return {};
  }
  // Each piece with its length first: names may hold any byte but '/' and NUL.
  util::Sha256 hash;
  const auto piece = [&hash](std::string_view text) {
    hash.update(fmt::format("{}:", text.size()));
    hash.update(text);
  };
  piece("codexsync-quiet-v2");
  piece(p.baseline_identity);
  piece(std::to_string(p.local.skipped.size()));
  for (const auto& skipped : p.local.skipped) {
    piece(skipped.path);
    piece(skipped.reason);
  }
  const auto hosts = known_hosts(p.machines.records);
  piece(std::to_string(hosts.size()));
  for (const auto& host : hosts) {
    piece(host);
  }
  return hash.finish().hex();
}

Index mirror_from_baseline(const Baseline& baseline) {
  Index cloud;
  auto hint = cloud.files.end();
  for (const auto& [path, entry] : baseline) {
    if (entry.cloud) {
      // Like a scan: the hash is looked up in the baseline when it is needed.
      hint = cloud.files.emplace_hint(hint, path, FileState{entry.cloud->size, entry.cloud->mtime_ns, std::nullopt});
      ++hint;
    }
  }
  return cloud;
}

void remember_settled_deliveries(const config::Config& cfg, const Prepared& p, bool baseline_saved) {
  const auto stamp = stamp_deliveries(cfg);
  const auto& machine = cfg.identity.effective_machine_id;
  if (stamp.empty() || p.settled_stamp.empty() || without_own(stamp, machine) != without_own(p.settled_stamp, machine)) {
    forget_settled_deliveries(p);  // a peer's record changed while this run worked: the next run reads it
    return;
  }
  // The time of a walk is remembered only when the walk found the mirror
  // exactly as the baseline saw it (nothing new or gone, no cloud client's
  // files, nothing it skipped): else something there is still to be seen,
  // and the next run walks it again. A run that took the mirror as the
  // baseline saw it (a no-op: prepare() walks before any action) carries the
  // last walk's time on.
  std::optional<std::int64_t> walked = p.last_mirror_walk;
  if (p.mirror_walked) {
    const bool cloud_artefacts = std::any_of(p.artefacts.begin(), p.artefacts.end(),
                                             [](const scan::Artefact& a) { return a.side == Side::cloud; });
    walked = p.cloud.skipped.empty() && !cloud_artefacts && as_baseline_saw(p.cloud, p.baseline.baseline, Side::cloud)
               ? std::optional<std::int64_t>(p.looked_at)
               : std::nullopt;
  }
  auto text = stamp;
  if (walked) {
    text += fmt::format("{}{}\n", k_walked_line, *walked);
  }
  // The empty plan is remembered only from a run on the shortcut: one that
  // walked the mirror planned from other inputs than the next run would.
  if (!p.mirror_walked && !p.quiet_key.empty() && p.plan.actions.empty() && p.artefacts.empty() && !baseline_saved) {
    text += fmt::format("{}{}\n", k_quiet_line, p.quiet_key);
  }
  const auto path = settled_stamp_path(p);
  std::error_code ec;
  if (util::read_file(path, ec) == text) {
    return;
  }
  util::write_file_atomic(path, text, ec);
  if (ec) {
    log::debug(fmt::format("cannot remember the delivery records in {}: {}", util::display_path(path), ec.message()));
  }
}

void forget_settled_deliveries(const Prepared& p) {
  const auto path = settled_stamp_path(p);
  std::error_code ec;
  if (!std::filesystem::remove(path, ec) && ec && ec != std::errc::no_such_file_or_directory) {
    log::warn(fmt::format("cannot remove {} ({}); the next run may again take the cloud mirror as unchanged. "
                          "Delete it, or run `codexsync sync --full-scan`",
                          util::display_path(path), ec.message()));
  }
}

state::DeliveryRecord own_record_or_stop(const config::Config& cfg) {
  auto own = read_own(cfg);
  if (own.problem) {
    // Starting over from an empty record would drop every claim it makes.
    throw FailSafeError(fmt::format("this machine's delivery record cannot be read ({}); nothing was written. "
                                    "Run again once the cloud client has it downloaded",
                                    *own.problem));
  }
  return std::move(own.record).value_or(state::DeliveryRecord{});
}


void settle_marker(const config::Config& cfg, const Prepared& p, const util::Clock& clock) {
  const auto workspace = config::workspace_dir(cfg);
  const auto& machine = cfg.identity.effective_machine_id;
  switch (p.marker) {
  case state::MarkerVerdict::ok:
    return;
  case state::MarkerVerdict::create: {
    const auto marker = state::create_marker(workspace, machine, clock);
    state::remember_workspace(p.user_state_dir, machine, workspace, marker.id);
    log::info("made the workspace marker", {{"path", util::display_path(state::marker_path(workspace))},
                                            {"id", marker.id}});
    return;
  }
  case state::MarkerVerdict::join:
  case state::MarkerVerdict::missing:
  case state::MarkerVerdict::different: {
    const auto read = state::read_marker(workspace);
    if (!read.marker) {
      throw FailSafeError(fmt::format("the workspace marker {} vanished while this run was working; nothing was "
                                      "written. Run again",
                                      util::display_path(state::marker_path(workspace))));
    }
    state::remember_workspace(p.user_state_dir, machine, workspace, read.marker->id);
    log::info("remembered the workspace marker", {{"id", read.marker->id}});
    return;
  }
  }
}

bool withdraw_claims(const config::Config& cfg, const state::DeliveryRecord& own,
                     const std::vector<Withdrawal>& paths, const util::Clock& clock) {
  return withdraw_from(cfg, own, paths, clock);
}

bool withdraw_own_claims(const config::Config& cfg, const std::set<std::string>& paths, const util::Clock& clock) {
  std::vector<Withdrawal> sorted;
  sorted.reserve(paths.size());
  for (const auto& path : paths) {
    sorted.push_back({path});
  }
  return withdraw_from(cfg, own_record_or_stop(cfg), sorted, clock);
}

void claim_own(const config::Config& cfg, const std::map<std::string, FileState>& written,
               const std::set<std::string>& removed, const util::Clock& clock) {
  if (written.empty() && removed.empty()) {
    return;
  }
  auto record = own_record_or_stop(cfg);
  stamp(cfg, record, clock);
  for (const auto& [path, state] : written) {
    if (state.sha256) {
      record.files[path] = state::Claim{state.size, *state.sha256, record.written};
      record.deleted.erase(path);
    }
  }
  for (const auto& path : removed) {
    record.files.erase(path);
    record.deleted[path] = record.written;
  }
  try {
    state::write_delivery_record(delivery_dir_of(cfg), record);
  } catch (const Error& e) {
    log::warn(e.what());
  }
}

namespace {

state::MachineRecord own_machine_record(const config::Config& cfg) {
  const auto workspace = config::workspace_dir(cfg);
  auto record = state::read_machine_record(workspace, cfg.identity.effective_machine_id)
                  .value_or(state::MachineRecord{});
  record.machine = cfg.identity.effective_machine_id;
  record.hostname = util::host_name();
  record.os = std::string(util::os_name(util::current_os()));
  record.version = CODEXSYNC_VERSION;
  record.profile = cfg.agent.profile;
  return record;
}

void write_own(const config::Config& cfg, const state::MachineRecord& record) {
  try {
    state::write_machine_record(config::workspace_dir(cfg), record);
  } catch (const Error& e) {
    log::warn(fmt::format("{} (other machines will not see this sync in `codexsync status`)", e.what()));
  }
}

} // namespace

void record_sync_start(const config::Config& cfg, const util::Clock& clock) {
  auto record = own_machine_record(cfg);
  const auto dir = state::machines_dir(config::workspace_dir(cfg));
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  record.clock_offset_seconds = state::measure_clock_offset(dir, record.machine, clock);
  record.sync_started = util::utc_timestamp(clock.now());
  record.written = record.sync_started;
  write_own(cfg, record);
}

void record_sync_end(const config::Config& cfg, const util::Clock& clock, int exit_code) {
  auto record = own_machine_record(cfg);
  record.sync_finished = util::utc_timestamp(clock.now());
  record.last_exit_code = exit_code;
  record.written = record.sync_finished;
  write_own(cfg, record);
}

void publish_delivery(const config::Config& cfg, const Prepared& p, const state::DeliveryRecord& own,
                      const std::string& run, const state::WrittenFiles& written_to_cloud,
                      const std::set<std::string>& deleted_from_cloud, const util::Clock& clock, bool withdrawn) {
  // The mirror after the run, looked up where it is, not copied (a first
  // sync writes every path: copies of 100,000 states cost tens of MB).
  const auto cloud_after = [&](const std::string& path) -> const FileState* {
    if (deleted_from_cloud.count(path) != 0U) {
      return nullptr;
    }
    if (const auto* state = state::find_written(written_to_cloud, path)) {
      return state;
    }
    return p.cloud.find(path);
  };
  // Paths accepted as they are (--accept-undelivered) are vouched for like
  // writes (copies of the lists only then).
  const auto* written = &written_to_cloud;
  const auto* deleted = &deleted_from_cloud;
  state::WrittenFiles written_and_accepted;
  std::set<std::string> deleted_and_accepted;
  if (!p.accepted.empty()) {
    written_and_accepted = written_to_cloud;
    deleted_and_accepted = deleted_from_cloud;
    for (const auto& path : p.accepted) {
      if (state::find_written(written_to_cloud, path) != nullptr || deleted_from_cloud.count(path) != 0U) {
        continue;
      }
      if (const auto* state = cloud_after(path)) {
        written_and_accepted.push_back({path, state});
      } else {
        deleted_and_accepted.insert(path);
      }
    }
    std::sort(written_and_accepted.begin(), written_and_accepted.end(),
              [](const state::WrittenFile& a, const state::WrittenFile& b) { return a.path < b.path; });
    written = &written_and_accepted;
    deleted = &deleted_and_accepted;
  }
  // The next record is written statement by statement as it is made (a
  // first sync of 100,000 files claims them all: tens of MB as a record).
  const auto& previous = own;
  const auto now = clock.now();
  const state::StateAfter after = cloud_after;
  const state::NextStatements statements{now, util::utc_timestamp(now), *written, *deleted, after};
  const state::StatementFeed feed = [&](const state::TombstoneSink* t, const state::ClaimSink* c) {
    state::for_each_next_statement(previous, statements, t, c);
  };
  if (!withdrawn && state::same_statements(previous, feed)) {
    return;  // nothing new to say
  }
  state::DeliveryRecord next;  // the header; its statements come from `statements`
  next.machine = cfg.identity.effective_machine_id;
  next.generation = previous.generation + (withdrawn ? 2 : 1);  // a withdrawal was one more record
  next.run = run;
  next.written = statements.now_text;
  const auto dir = delivery_dir_of(cfg);
  try {
    const auto counts = state::write_delivery_record(dir, next, feed);
    log::info("published the delivery record", {{"generation", std::to_string(next.generation)},
                                                {"files", std::to_string(counts.files)},
                                                {"deleted", std::to_string(counts.deleted)}});
  } catch (const Error& e) {
    log::warn(e.what());
  }
}

} // namespace codexsync::engine::detail
