// Randomised comparisons of the streaming code of 1fa2114/f1cdc23 with the
// map-building code it replaced (kept here, as it was at 00430bd, as the
// reference): the next baseline (actions recorded by index, a cursor over the
// plan), the delivery check (the records' maps merged path by path) and the
// next delivery record (statement by statement). One rule was added to the
// reference since: a peer's pending claim of an in-place append.
#include "support/catch.hpp"
#include "support/hashes.hpp"

#include <codexsync/plan/plan.hpp>
#include <codexsync/state/delivery.hpp>
#include <codexsync/util/clock.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <random>

using namespace codexsync;
using namespace codexsync::plan;
using namespace codexsync::state;

namespace {

// Paths whose byte order is easy to get wrong: prefixes, '/', '-', upper
// case, bytes above 0x7F (UTF-8).
const std::vector<std::string> k_paths{"a", "a-", "a/b", "a/c", "ab", "B", "b", "\xc3\xa9", "\xc3\xa9/x", "z"};

const auto k_t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1'790'000'000));
std::string at(int seconds) { return util::utc_timestamp(k_t0 + std::chrono::seconds(seconds)); }

struct Random {
  std::mt19937 gen;
  explicit Random(std::uint32_t seed) : gen(seed) {}
  int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(gen); }
  bool chance(int percent) { return below(100) < percent; }
  FileState state() {
    const auto size = static_cast<std::uint64_t>(below(3));
    return FileState{size, below(3) * 1'000'000'000LL,
                     chance(70) ? util::OptionalSha256(test::digest_of(std::to_string(below(3)))) : std::nullopt};
  }
};

// --- the next baseline -------------------------------------------------------

FileState with_known_hash_ref(const FileState& now, const std::optional<FileState>& before) {
  if (now.sha256 || !before || !before->sha256 || before->size != now.size || before->mtime_ns != now.mtime_ns) {
    return now;
  }
  FileState out = now;
  out.sha256 = before->sha256;
  return out;
}

// 00430bd's next_baseline, with what apply did keyed by path.
Baseline next_baseline_ref(const Index& local, const Index& cloud, const Baseline& old, const Plan& plan,
                           const std::map<std::string, FileState>& copied, const std::set<std::string>& deleted) {
  std::set<std::string> planned;
  for (const auto& action : plan.actions) {
    planned.insert(action.path);
  }
  std::set<std::string> keys;
  for (const auto& [p, s] : local.files) {
    keys.insert(p);
  }
  for (const auto& [p, s] : cloud.files) {
    keys.insert(p);
  }
  for (const auto& [p, e] : old) {
    keys.insert(p);
  }
  Baseline next;
  for (const auto& key : keys) {
    const auto* here = local.find(key);
    const auto* there = cloud.find(key);
    const auto before = old.find(key);
    if (deleted.count(key) != 0U) {
      continue;
    }
    if (const auto it = copied.find(key); it != copied.end()) {
      next[key] = BaselineEntry{it->second, it->second};
    } else if (planned.count(key) != 0U) {
      if (before != old.end()) {
        next[key] = before->second;
      }
    } else if (here != nullptr && there != nullptr) {
      const auto* b = before != old.end() ? &before->second : nullptr;
      next[key] = BaselineEntry{with_known_hash_ref(*here, b != nullptr ? b->local : std::nullopt),
                                with_known_hash_ref(*there, b != nullptr ? b->cloud : std::nullopt)};
    }
  }
  return next;
}

// --- the delivery check --------------------------------------------------------

struct RefStatement {
  std::string machine;
  std::optional<Claim> claim;
  std::string at;
};

std::chrono::system_clock::time_point when_ref(const std::string& at) {
  return util::parse_utc_timestamp(at).value_or(std::chrono::system_clock::time_point{});
}

// 00430bd's newest_statements.
std::map<std::string, std::vector<RefStatement>> newest_ref(const std::vector<DeliveryRecord>& records) {
  std::map<std::string, std::vector<RefStatement>> out;
  const auto offer = [&out](const std::string& path, RefStatement s) {
    auto& list = out[path];
    if (!list.empty()) {
      const auto newest = when_ref(list.front().at);
      const auto t = when_ref(s.at);
      if (t < newest) {
        return;
      }
      if (t > newest) {
        list.clear();
      }
    }
    list.push_back(std::move(s));
  };
  for (const auto& record : records) {
    for (const auto& [path, claim] : record.files) {
      offer(path, RefStatement{record.machine, claim, claim.at});
    }
    for (const auto& [path, at] : record.deleted) {
      offer(path, RefStatement{record.machine, std::nullopt, at});
    }
  }
  return out;
}

// 00430bd's check_delivery, reduced to what it decided (the messages' machine
// and kind of statement, not their text).
struct RefCheck {
  std::vector<std::pair<std::string, std::string>> undelivered;  // path, machine
  std::vector<std::pair<std::string, std::string>> in_flux;      // path, machine
  std::set<std::string> tombstoned;
  std::vector<std::string> need_hash;
};

RefCheck check_ref(const std::vector<DeliveryRecord>& records, const Index& cloud,
                   const std::function<bool(const std::string&)>& in_scope,
                   const std::function<bool(const std::string&)>& present, const std::set<std::string>& unavailable) {
  RefCheck out;
  for (const auto& [path, newest] : newest_ref(records)) {
    if (newest.empty() || !in_scope(path) || unavailable.count(path) != 0U) {
      continue;
    }
    const auto* now = cloud.find(path);
    const auto pending =
      std::find_if(newest.begin(), newest.end(), [](const RefStatement& s) { return s.claim && s.claim->pending(); });
    if (pending != newest.end()) {
      // Since the in-place fast-forward (not in 00430bd): a peer's pending
      // claim with a size is an append from that size, delivered only at it.
      if (pending->claim->size > 0 && pending->machine != "me" && (now == nullptr || now->size != pending->claim->size)) {
        out.in_flux.emplace_back(path, pending->machine);
      }
      continue;
    }
    const bool here = now != nullptr || present(path);
    if (now == nullptr && here) {
      continue;
    }
    bool matched = false;
    bool hash_needed = false;
    for (const auto& s : newest) {
      if (!s.claim) {
        matched = matched || now == nullptr;
      } else if (now != nullptr && now->size == s.claim->size) {
        if (!now->sha256) {
          hash_needed = true;
        } else {
          matched = matched || *now->sha256 == s.claim->sha256;
        }
      }
    }
    if (matched) {
      if (now == nullptr) {
        out.tombstoned.insert(path);
      }
      continue;
    }
    if (hash_needed) {
      out.need_hash.push_back(path);
      continue;
    }
    out.undelivered.emplace_back(path, newest.front().machine);
  }
  return out;
}

// --- the next delivery record --------------------------------------------------

// 00430bd's next_delivery_record.
DeliveryRecord next_record_ref(const DeliveryRecord& previous, std::chrono::system_clock::time_point now,
                               const std::map<std::string, FileState>& written_to_cloud,
                               const std::set<std::string>& deleted_from_cloud, const StateAfter& cloud_after,
                               int tombstone_days) {
  DeliveryRecord next;
  next.written = util::utc_timestamp(now);
  for (const auto& [path, claim] : previous.files) {
    const FileState* after = cloud_after(path);
    if (claim.pending()) {
      if (after == nullptr) {
        continue;
      }
      next.files[path] = after->sha256 ? Claim{after->size, *after->sha256, claim.at} : claim;
      continue;
    }
    if (after != nullptr && after->size == claim.size && (!after->sha256 || *after->sha256 == claim.sha256)) {
      next.files[path] = claim;
    }
  }
  for (const auto& [path, state] : written_to_cloud) {
    if (state.sha256) {
      next.files[path] = Claim{state.size, *state.sha256, next.written};
    } else {
      next.files.erase(path);
    }
    next.deleted.erase(path);
  }
  const auto oldest = now - std::chrono::hours(24) * tombstone_days;
  for (const auto& [path, at] : previous.deleted) {
    if (cloud_after(path) == nullptr && when_ref(at) >= oldest && written_to_cloud.count(path) == 0U) {
      next.deleted[path] = at;
    }
  }
  for (const auto& path : deleted_from_cloud) {
    next.files.erase(path);
    next.deleted[path] = next.written;
  }
  return next;
}

DeliveryRecord random_record(Random& r, const std::string& machine) {
  DeliveryRecord record;
  record.machine = machine;
  for (const auto& path : k_paths) {
    const auto time = at(r.below(3) * 60 - 200 * 86400 * (r.chance(10) ? 1 : 0));
    if (r.chance(35)) {
      record.files[path] = Claim{static_cast<std::uint64_t>(r.below(3)),
                                 r.chance(20) ? util::OptionalSha256() : test::digest_of(std::to_string(r.below(3))),
                                 time};
    }
    if (r.chance(25)) {  // sometimes beside a claim on the same path (a hand-made or damaged record)
      record.deleted[path] = at(r.below(3) * 60);
    }
  }
  return record;
}

} // namespace

TEST_CASE("streaming equivalence: next_baseline by action index gives 00430bd's baseline", "[state]") {
  for (std::uint32_t seed = 1; seed <= 3000; ++seed) {
    Random r(seed);
    Index local;
    Index cloud;
    Baseline old;
    for (const auto& path : k_paths) {
      if (r.chance(60)) {
        local.files[path] = r.state();
      }
      if (r.chance(60)) {
        cloud.files[path] = r.state();
      }
      if (r.chance(50)) {
        old[path] = BaselineEntry{r.chance(80) ? std::optional<FileState>(r.state()) : std::nullopt,
                                  r.chance(80) ? std::optional<FileState>(r.state()) : std::nullopt};
      }
    }
    Options options;
    options.delete_policy = r.chance(50) ? config::DeletePolicy::propagate : config::DeletePolicy::never;
    options.equal_mtime_action = r.chance(50) ? config::EqualMtimeAction::prefer_local : config::EqualMtimeAction::skip;
    options.portable_names = r.chance(50);
    const auto plan = make_plan(local, cloud, old, options);
    REQUIRE(std::is_sorted(plan.actions.begin(), plan.actions.end(),
                           [](const Action& a, const Action& b) { return a.path < b.path; }));
    Applied applied(plan);
    std::map<std::string, FileState> copied;
    std::set<std::string> deleted;
    for (std::size_t i = 0; i < plan.actions.size(); ++i) {
      const auto& action = plan.actions[i];
      if (!action.writes() || r.chance(25)) {
        continue;  // not carried out (or changed meanwhile)
      }
      if (action.kind == ActionKind::delete_local || action.kind == ActionKind::delete_cloud) {
        applied.deleted[i] = true;
        deleted.insert(action.path);
      } else {
        const auto state = r.state();
        applied.copied[i] = state;
        copied[action.path] = state;
      }
    }
    INFO("seed " << seed);
    const auto expected = next_baseline_ref(local, cloud, old, plan, copied, deleted);
    CHECK(next_baseline(local, cloud, old, plan, applied) == expected);
    Baseline fed;
    for_each_next_entry(local, cloud, old, plan, applied,
                        [&fed](const std::string& path, const BaselineEntry& entry) { fed.emplace(path, entry); });
    CHECK(fed == expected);
    CHECK(baseline_unchanged(local, cloud, old, plan, applied) == (expected == old));
  }
}

TEST_CASE("streaming equivalence: check_delivery over the records gives 00430bd's verdicts", "[state]") {
  for (std::uint32_t seed = 1; seed <= 3000; ++seed) {
    Random r(seed);
    std::vector<DeliveryRecord> records;
    const auto count = r.below(4);
    for (int i = 0; i < count; ++i) {
      records.push_back(random_record(r, i == 0 ? "me" : fmt::format("peer{}", r.below(2))));
    }
    Index cloud;
    std::set<std::string> present;
    std::set<std::string> unavailable;
    for (const auto& path : k_paths) {
      if (r.chance(60)) {
        cloud.files[path] = r.state();
      } else if (r.chance(10)) {
        present.insert(path);
      }
      if (r.chance(5)) {
        unavailable.insert(path);
      }
    }
    const auto in_scope = [](const std::string& p) { return p != "z"; };
    const auto is_present = [&present](const std::string& p) { return present.count(p) != 0U; };
    INFO("seed " << seed);
    const auto expected = check_ref(records, cloud, in_scope, is_present, unavailable);
    const auto got = check_delivery(records, "me", cloud, in_scope, is_present, unavailable);
    std::vector<std::pair<std::string, std::string>> undelivered;
    for (const auto& u : got.undelivered) {
      undelivered.emplace_back(u.path, u.machine);
    }
    CHECK(undelivered == expected.undelivered);
    std::vector<std::pair<std::string, std::string>> in_flux;
    for (const auto& u : got.in_flux) {
      in_flux.emplace_back(u.path, u.machine);
    }
    CHECK(in_flux == expected.in_flux);
    CHECK(got.tombstoned == expected.tombstoned);
    CHECK(std::vector<std::string>(got.need_hash.begin(), got.need_hash.end()) == expected.need_hash);
  }
}

TEST_CASE("streaming equivalence: next_delivery_record gives 00430bd's record", "[state]") {
  for (std::uint32_t seed = 1; seed <= 3000; ++seed) {
    Random r(seed);
    auto previous = random_record(r, "me");
    // A record this code wrote never holds a claim and a tombstone on one path.
    for (auto it = previous.deleted.begin(); it != previous.deleted.end();) {
      it = previous.files.count(it->first) != 0U && r.chance(80) ? previous.deleted.erase(it) : std::next(it);
    }
    std::map<std::string, FileState> written_map;
    std::set<std::string> deleted;
    std::map<std::string, FileState> mirror;
    for (const auto& path : k_paths) {
      if (r.chance(30)) {
        written_map[path] = r.state();
      } else if (r.chance(20)) {
        deleted.insert(path);
      } else if (r.chance(60)) {
        mirror[path] = r.state();
      }
      if (r.chance(5)) {
        deleted.insert(path);  // written and deleted: not from apply, but the functions take it
      }
    }
    WrittenFiles written;
    for (const auto& [path, state] : written_map) {
      written.push_back({path, &state});
    }
    const StateAfter after = [&](const std::string& path) -> const FileState* {
      if (deleted.count(path) != 0U) {
        return nullptr;
      }
      if (const auto it = written_map.find(path); it != written_map.end()) {
        return &it->second;
      }
      const auto it = mirror.find(path);
      return it != mirror.end() ? &it->second : nullptr;
    };
    const auto now = k_t0 + std::chrono::seconds(r.below(3) * 60);
    INFO("seed " << seed);
    const auto expected = next_record_ref(previous, now, written_map, deleted, after, 180);
    const auto got = next_delivery_record(previous, "me", "run", now, written, deleted, after, 180);
    CHECK(got.files == expected.files);
    CHECK(got.deleted == expected.deleted);
    CHECK(got.written == expected.written);
  }
}
