#include <codexsync/plan/names.hpp>
#include <codexsync/plan/plan.hpp>

#include "fold_table.hpp"

#include <codexsync/scan/glob.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>

namespace codexsync::plan {
namespace {

using config::ConflictPolicy;
using config::DeletePolicy;
using config::Direction;
using config::EqualMtimeAction;

std::string describe(const FileState& s) { return fmt::format("{} bytes", s.size); }

// True when the two states are the same file content by what is known: equal
// size, and then equal hashes when both are known, else times within tolerance.
bool same_content(const FileState& a, const FileState& b, std::int64_t tolerance_ns) {
  if (a.size != b.size) {
    return false;
  }
  if (a.sha256 && b.sha256) {
    return *a.sha256 == *b.sha256;
  }
  return a.same_as(b, tolerance_ns);
}

// Did this side change since the baseline? A side the baseline never saw
// counts as changed when present; a side it saw and that is gone counts as
// changed (deleted).
bool changed_since(const FileState* now, const std::optional<FileState>& then, std::int64_t tolerance_ns) {
  if (now == nullptr) {
    return then.has_value();
  }
  if (!then) {
    return true;
  }
  // Size and time decide; a hash only confirms "unchanged" when both are known.
  if (now->size != then->size) {
    return true;
  }
  if (now->sha256 && then->sha256) {
    return *now->sha256 != *then->sha256;
  }
  return !now->same_as(*then, tolerance_ns);
}

// Pairs (file, a path below it): "a" is a file somewhere while "a/b" exists,
// so "a" is a folder elsewhere. `paths` is sorted, so every path below "a"
// follows "a" directly or after siblings that sort before "a/" ("a-x", "a.txt").
// Every path of either side once, sorted, pointing at the indexes' own keys
// (no copies: the maps outlive the planner).
std::vector<const std::string*> all_paths(const Index& local, const Index& cloud) {
  std::vector<const std::string*> out;
  out.reserve(std::max(local.files.size(), cloud.files.size()));
  for_each_path(local, cloud, [&](const std::string& path, const FileState*, const FileState*) { out.push_back(&path); });
  return out;
}

std::vector<std::pair<std::string, std::string>> file_folder_clashes(const std::vector<const std::string*>& paths) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string folder;
  const auto before = [](const std::string* p, const std::string& f) { return *p < f; };
  for (auto at = paths.begin(); at != paths.end(); ++at) {
    const auto* path = *at;
    folder.assign(*path).push_back('/');
    // "P/..." sorts after "P" and after the few names between (such as "P-x",
    // "P.y"): search forward from P, a step, then 2, 4, ..., before halving.
    auto low = at + 1;
    std::size_t step = 1;
    while (low != paths.end() && before(*low, folder)) {
      const auto left = static_cast<std::size_t>(paths.end() - low);
      if (step >= left || !before(*(low + static_cast<std::ptrdiff_t>(step)), folder)) {
        low = std::lower_bound(low + 1, low + static_cast<std::ptrdiff_t>(std::min(step, left)), folder, before);
        break;
      }
      low += static_cast<std::ptrdiff_t>(step);
      step *= 2;
    }
    const auto below = low;
    if (below != paths.end() && (*below)->compare(0, folder.size(), folder) == 0) {
      out.emplace_back(*path, **below);
    }
  }
  return out;
}

class Planner {
public:
  Planner(const Index& local, const Index& cloud, const Baseline& baseline, const Options& options,
          const Evidence& evidence)
    : m_local(local), m_cloud(cloud), m_baseline(baseline), m_options(options), m_evidence(evidence),
      m_append_only(options.append_only_globs), m_merge_lines(options.merge_line_globs) {}

  Plan run() {
    const auto paths = all_paths(m_local, m_cloud);
    std::set<std::string> colliding;
    for (const auto& group : name_collisions(m_local, m_cloud)) {
      for (const auto& path : group) {
        colliding.insert(path);
        add(ActionKind::unsyncable, path,
            fmt::format("names differ only in letter case or Unicode form ({}); a case-insensitive or "
                        "normalising disk (Windows, macOS) would keep one file. Rename one of them; both stay "
                        "where they are until then",
                        fmt::join(group, ", ")));
      }
    }
    if (m_options.portable_names) {
      for (const auto* path : paths) {
        if (!colliding.empty() && colliding.count(*path) != 0U) {
          continue;
        }
        if (auto why = unportable_reason(*path)) {
          colliding.insert(*path);
          add(ActionKind::unsyncable, *path,
              *why + "; it stays where it is (portable_names = false syncs it anyway)");
        }
      }
    }
    for (const auto& [file, nested] : file_folder_clashes(paths)) {
      for (const auto* path : {&file, &nested}) {
        if (colliding.insert(*path).second) {
          add(ActionKind::conflict, *path,
              fmt::format("\"{}\" is a file on one side and a folder (holding \"{}\") on the other; neither can "
                          "replace the other. Rename or remove one of them",
                          file, nested));
        }
      }
    }
    // Room for the actions to come, made once: the plan is kept for the
    // whole run, and a vector that grew (or was made to fit at the end)
    // would hold two copies of it for a moment (at 100,000 actions, 20 MB each).
    m_actions.reserve(m_actions.size() + paths_not_as_before());
    // One pass in path order: each side's state and the baseline entry are
    // found by walking the sorted maps along, not looked up per path.
    auto bi = m_baseline.begin();
    for_each_path(m_local, m_cloud, [&](const std::string& path, const FileState* l, const FileState* c) {
      while (bi != m_baseline.end() && bi->first < path) {
        ++bi;
      }
      if (colliding.empty() || colliding.count(path) == 0U) {
        decide(path, l, c, bi != m_baseline.end() && bi->first == path ? &bi->second : nullptr);
      }
    });
    Plan plan;
    plan.actions = std::move(m_actions);
    const auto by_path = [](const Action& a, const Action& b) { return a.path < b.path; };
    if (!std::is_sorted(plan.actions.begin(), plan.actions.end(), by_path)) {
      // Only the clashes and names added first can be out of order (the sort takes a buffer of half the plan).
      std::stable_sort(plan.actions.begin(), plan.actions.end(), by_path);
    }
    if (plan.actions.capacity() - plan.actions.size() > plan.actions.size() / 4 + 64) {
      plan.actions.shrink_to_fit();  // far fewer actions than paths that changed (equal content, say)
    }
    return plan;
  }

private:
  // How many paths are not exactly as the baseline saw them on both sides
  // (size and mtime): at most one action each (a first sync: every path).
  std::size_t paths_not_as_before() const {
    std::size_t count = 0;
    auto bi = m_baseline.begin();
    const auto same = [](const FileState* now, const std::optional<FileState>& before) {
      return now != nullptr && before && now->size == before->size && now->mtime_ns == before->mtime_ns;
    };
    for_each_path(m_local, m_cloud, [&](const std::string& path, const FileState* l, const FileState* c) {
      while (bi != m_baseline.end() && bi->first < path) {
        ++bi;
      }
      const BaselineEntry* base = bi != m_baseline.end() && bi->first == path ? &bi->second : nullptr;
      count += base != nullptr && same(l, base->local) && same(c, base->cloud) ? 0 : 1;
    });
    return count;
  }

  Action& add(ActionKind kind, const std::string& path, std::string reason) {
    Action action;
    action.kind = kind;
    action.path = path;
    action.reason = std::move(reason);
    if (const auto* l = m_local.find(path)) {
      action.local = *l;
    }
    if (const auto* c = m_cloud.find(path)) {
      action.cloud = *c;
    }
    // `direction` protects one side: a write to it is held for a later two-way run.
    if (action.writes()) {
      const auto protected_side = m_options.direction == Direction::to_cloud   ? std::optional<Side>(Side::local)
                                  : m_options.direction == Direction::to_local ? std::optional<Side>(Side::cloud)
                                                                               : std::nullopt;
      if (action.kind == ActionKind::merge && protected_side) {
        // A merge writes both sides: a one-way run holds it.
        action.held_kind = action.kind;
        action.kind = ActionKind::held;
        action.reason = fmt::format("direction = {} writes one side only; merging writes both ({})",
                                    config::to_string(m_options.direction), action.reason);
      } else if (protected_side && action.destination() == *protected_side) {
        action.held_kind = action.kind;
        action.kind = ActionKind::held;
        action.reason = fmt::format("direction = {} leaves the {} side alone ({})",
                                    config::to_string(m_options.direction), side_name(*protected_side),
                                    action.reason);
      }
    }
    m_actions.push_back(std::move(action));
    return m_actions.back();
  }

  Action& copy_towards(Side destination, const std::string& path, std::string reason) {
    return add(destination == Side::cloud ? ActionKind::copy_to_cloud : ActionKind::copy_to_local, path,
               std::move(reason));
  }

  // One path: its state on each side (nullptr when absent) and its baseline entry.
  void decide(const std::string& path, const FileState* l, const FileState* c, const BaselineEntry* base) {
    const auto tol = m_options.tolerance_ns;

    if (!m_evidence.in_flux.empty()) {
      if (const auto found = m_evidence.in_flux.find(path); found != m_evidence.in_flux.end()) {
        add(ActionKind::kept_apart, path, found->second + "; left as it is for now");
        return;
      }
    }
    if (!m_evidence.unavailable.empty() && m_evidence.unavailable.count(path) != 0U) {
      add(ActionKind::kept_apart, path,
          "the cloud folder holds only a placeholder of it (not downloaded on this computer); nothing is copied "
          "or deleted. Make the cloud client keep the folder downloaded (Finder: \"Keep Downloaded\") and run "
          "again");
      return;
    }
    if (l != nullptr && c != nullptr) {
      if (same_content(*l, *c, tol)) {
        return;  // in sync (identical content, whatever the times say)
      }
      both_present_differ(path, *l, *c, base);
      return;
    }
    if (l != nullptr) {
      one_side_only(path, Side::local, *l, base);
    } else if (c != nullptr) {
      one_side_only(path, Side::cloud, *c, base);
    }
  }

  void both_present_differ(const std::string& path, const FileState& l, const FileState& c,
                           const BaselineEntry* base) {
    if (m_append_only.matches(path) && append_only_differ(path, l, c, base)) {
      return;
    }
    if (m_merge_lines.matches(path) && merge_lines_differ(path, l, c)) {
      return;
    }
    const auto tol = m_options.tolerance_ns;
    if (base != nullptr) {
      const bool local_changed = changed_since(&l, base->local, tol);
      const bool cloud_changed = changed_since(&c, base->cloud, tol);
      if (local_changed && !cloud_changed) {
        copy_towards(Side::cloud, path, "changed here since the last sync; the cloud copy did not");
        return;
      }
      if (cloud_changed && !local_changed) {
        copy_towards(Side::local, path, "changed in the cloud since the last sync; this copy did not");
        return;
      }
      if (local_changed && cloud_changed) {
        both_changed(path, l, c);
        return;
      }
      // Neither changed, yet they differ (a held or kept-apart path): decide as if new.
    }
    no_history(path, l, c);
  }

  // An append-only file whose sides differ: a fast-forward when one side
  // starts with the other, a rewrite when only one side changed, else a real
  // divergence for conflict.policy. False when the evidence does not say
  // (the ordinary rules decide then).
  bool append_only_differ(const std::string& path, const FileState& l, const FileState& c,
                          const BaselineEntry* base) {
    const auto found = m_evidence.relations.find(path);
    const bool diverged = (found != m_evidence.relations.end() && found->second == Relation::diverged) ||
                          (l.size == c.size && l.sha256 && c.sha256 && *l.sha256 != *c.sha256);
    if (found != m_evidence.relations.end() && !diverged) {
      fast_forward(path, l, c, found->second, "fast-forward", "append-only; only the new tail is copied");
      return true;
    }
    if (!diverged) {
      return false;
    }
    const auto tol = m_options.tolerance_ns;
    const bool local_changed = base == nullptr || changed_since(&l, base->local, tol);
    const bool cloud_changed = base == nullptr || changed_since(&c, base->cloud, tol);
    if (local_changed != cloud_changed) {
      // One side rewrote the file (an agent migrating or compacting a chat):
      // that side wins as for any edited file; the old version is backed up.
      copy_towards(local_changed ? Side::cloud : Side::local, path,
                   fmt::format("rewritten {} since the last sync (not an append); the {} copy did not change",
                               local_changed ? "here" : "in the cloud", local_changed ? "cloud" : "local"));
      return true;
    }
    decide_by_policy(path, l, c,
                     fmt::format("continued on both sides: neither copy starts with the other (here {}, cloud {})",
                                 describe(l), describe(c)),
                     "the losing copy is kept whole in the conflict store");
    return true;
  }

  // A copy towards the side whose bytes are the start of the other's, of
  // only the bytes after them (Action::append_from).
  void fast_forward(const std::string& path, const FileState& l, const FileState& c, Relation relation,
                    std::string_view what, std::string_view why) {
    const bool to_local = relation == Relation::local_prefix_of_cloud;
    const auto& shorter = to_local ? l : c;
    const auto& longer = to_local ? c : l;
    auto& action = copy_towards(to_local ? Side::local : Side::cloud, path,
                                fmt::format("{}: the {} copy is the {} one plus {} more bytes ({})", what,
                                            to_local ? "cloud" : "local", to_local ? "local" : "cloud",
                                            longer.size - shorter.size, why));
    if (action.writes()) {
      action.append_from = shorter.size;
    }
  }

  // A merge-line file whose sides differ: the union of their lines. When one
  // side's bytes are the start of the other's (lines appended on one machine,
  // the usual case), the union is the longer side, and only its new lines are
  // copied. False when the evidence does not say.
  bool merge_lines_differ(const std::string& path, const FileState& l, const FileState& c) {
    if (const auto relation = m_evidence.relations.find(path);
        relation != m_evidence.relations.end() && relation->second != Relation::diverged) {
      fast_forward(path, l, c, relation->second, "line merge", "lines appended; only they are copied");
      return true;
    }
    const auto found = m_evidence.merges.find(path);
    if (found == m_evidence.merges.end()) {
      return false;
    }
    switch (found->second) {
    case MergeOutcome::local_has_all:
      copy_towards(Side::cloud, path, "line merge: every line of the cloud copy is here too");
      break;
    case MergeOutcome::cloud_has_all:
      copy_towards(Side::local, path, "line merge: every line here is in the cloud copy too");
      break;
    case MergeOutcome::both_lack:
      add(ActionKind::merge, path,
          "line merge: each side has lines the other lacks; both get the union, ordered by time");
      break;
    }
    return true;
  }

  void both_changed(const std::string& path, const FileState& l, const FileState& c) {
    decide_by_policy(path, l, c,
                     fmt::format("changed on both sides since the last sync (here {}, cloud {})", describe(l),
                                 describe(c)),
                     "the replaced version is kept in the conflict store");
  }

  // A conflict settled by conflict.policy, or left open. The loser of a
  // settled one is kept whole in the conflict store.
  void decide_by_policy(const std::string& path, const FileState& l, const FileState& c, const std::string& what,
                        const std::string& kept) {
    const auto winner = [&](Side destination, const std::string& why) {
      auto& action = copy_towards(destination, path, fmt::format("{}; {}; {}", what, why, kept));
      action.keep_loser = action.writes();
    };
    switch (m_options.conflict_policy) {
    case ConflictPolicy::prefer_local:
      winner(Side::cloud, "conflict.policy = prefer_local");
      return;
    case ConflictPolicy::prefer_cloud:
      winner(Side::local, "conflict.policy = prefer_cloud");
      return;
    case ConflictPolicy::prefer_newer_mtime:
      if (l.mtime_ns > c.mtime_ns + m_options.tolerance_ns) {
        winner(Side::cloud, "this copy is newer (prefer_newer_mtime)");
      } else if (c.mtime_ns > l.mtime_ns + m_options.tolerance_ns) {
        winner(Side::local, "the cloud copy is newer (prefer_newer_mtime)");
      } else {
        add(ActionKind::conflict, path, what + " with the same time; cannot tell which is newer");
      }
      return;
    case ConflictPolicy::manual_abort:
      add(ActionKind::conflict, path, what + "; conflict.policy = manual_abort");
      return;
    }
  }

  // No usable history: the newer time wins beyond the tolerance; within it,
  // equal_mtime_action decides.
  void no_history(const std::string& path, const FileState& l, const FileState& c) {
    const auto tol = m_options.tolerance_ns;
    if (l.mtime_ns > c.mtime_ns + tol) {
      copy_towards(Side::cloud, path, "differs, no sync history for it; this copy is newer");
      return;
    }
    if (c.mtime_ns > l.mtime_ns + tol) {
      copy_towards(Side::local, path, "differs, no sync history for it; the cloud copy is newer");
      return;
    }
    const auto what = fmt::format("differs with the same time (here {}, cloud {})", describe(l), describe(c));
    switch (m_options.equal_mtime_action) {
    case EqualMtimeAction::skip:
      add(ActionKind::kept_apart, path, what + "; equal_mtime_action = skip leaves both as they are");
      return;
    case EqualMtimeAction::prefer_local:
      copy_towards(Side::cloud, path, what + "; equal_mtime_action = prefer_local");
      return;
    case EqualMtimeAction::prefer_cloud:
      copy_towards(Side::local, path, what + "; equal_mtime_action = prefer_cloud");
      return;
    case EqualMtimeAction::manual_abort:
      add(ActionKind::conflict, path, what + "; equal_mtime_action = manual_abort");
      return;
    }
  }

  void one_side_only(const std::string& path, Side present, const FileState& state, const BaselineEntry* base) {
    const Side missing = other(present);
    const bool missing_was_there = base != nullptr && (missing == Side::local ? base->local : base->cloud);
    if (!missing_was_there) {
      copy_towards(missing, path, fmt::format("new {}", present == Side::local ? "here" : "in the cloud"));
      return;
    }
    // The missing side had it at the last sync: it was deleted there, unless
    // that side still has something at the path that the scan skipped (a link,
    // a file it cannot read): that is not a deletion.
    const auto& present_then = present == Side::local ? base->local : base->cloud;
    const Index& missing_index = missing == Side::local ? m_local : m_cloud;
    const auto gone_from = missing == Side::local ? "here" : "in the cloud";
    if (const auto skipped = skipped_reason(missing, path)) {
      add(ActionKind::conflict, path,
          fmt::format("{} {} is now something codexsync does not sync ({}); it is neither copied over nor "
                      "deleted. Make it a plain file again, or remove it on both sides",
                      path, gone_from, *skipped));
      return;
    }
    auto root = root_of(path, m_options.include_roots);
    if (root == path) {
      root.clear();  // a single-file root: its deletion is an ordinary deletion
    }
    if (m_options.delete_policy == DeletePolicy::never) {
      copy_towards(missing, path,
                   fmt::format("deleted {} since the last sync; delete_policy = never puts it back", gone_from));
      return;
    }
    if (!root.empty() && !missing_index.has_files_under(root)) {
      add(ActionKind::conflict, path,
          fmt::format("the whole of \"{}\" is missing {}: that looks like a disconnected or emptied folder, "
                      "not deletions; nothing is deleted",
                      root, gone_from));
      return;
    }
    if (m_options.delete_policy == DeletePolicy::propagate && m_append_only.matches(path)) {
      // Agents prune old chats at start-up: that must not prune them everywhere.
      add(ActionKind::kept_apart, path,
          fmt::format("deleted {} since the last sync; deletions of append-only files (chats an agent prunes) "
                      "are not carried over (delete_policy = propagate_all would); the {} copy stays",
                      gone_from, present == Side::local ? "local" : "cloud"));
      return;
    }
    if (changed_since(&state, present_then, m_options.tolerance_ns)) {
      copy_towards(missing, path,
                   fmt::format("deleted {} but changed on the other side since the last sync; the change wins",
                               gone_from));
      return;
    }
    if (missing == Side::cloud && m_evidence.cloud_deletions && m_evidence.cloud_deletions->count(path) == 0U) {
      // A cloud folder still downloading, or evicting, looks just like a deletion.
      add(ActionKind::kept_apart, path,
          "gone from the cloud folder, but no machine's delivery record says it deleted it (the cloud client may "
          "still be syncing); nothing is deleted here. If you removed it from the cloud folder yourself, delete it "
          "here too, or run `codexsync sync --apply --accept-undelivered` once (every such absence then counts as a "
          "deletion)");
      return;
    }
    add(missing == Side::local ? ActionKind::delete_cloud : ActionKind::delete_local, path,
        fmt::format("deleted {} since the last sync, unchanged on the other side", gone_from));
  }

  std::optional<std::string> skipped_reason(Side side, const std::string& path) {
    auto& cache = side == Side::local ? m_local_skipped : m_cloud_skipped;
    if (!cache) {
      cache.emplace();
      for (const auto& s : (side == Side::local ? m_local : m_cloud).skipped) {
        cache->emplace(s.path, s.reason);
      }
    }
    // The path itself, or a folder above it, was skipped.
    for (auto at = path.size(); at != std::string::npos && at > 0; at = path.rfind('/', at - 1)) {
      if (const auto it = cache->find(path.substr(0, at)); it != cache->end()) {
        return it->second;
      }
    }
    return std::nullopt;
  }

  const Index& m_local;
  const Index& m_cloud;
  const Baseline& m_baseline;
  const Options& m_options;
  const Evidence& m_evidence;
  scan::GlobSet m_append_only;
  scan::GlobSet m_merge_lines;
  std::vector<Action> m_actions;
  std::optional<std::map<std::string, std::string>> m_local_skipped;
  std::optional<std::map<std::string, std::string>> m_cloud_skipped;
};

} // namespace

std::string_view kind_label(ActionKind kind) {
  switch (kind) {
  case ActionKind::copy_to_cloud: return "copy -> cloud";
  case ActionKind::copy_to_local: return "copy -> local";
  case ActionKind::delete_cloud: return "delete cloud";
  case ActionKind::delete_local: return "delete local";
  case ActionKind::conflict: return "CONFLICT";
  case ActionKind::held: return "held";
  case ActionKind::kept_apart: return "kept apart";
  case ActionKind::merge: return "merge lines";
  case ActionKind::withheld: return "WITHHELD";
  case ActionKind::unsyncable: return "UNSYNCABLE";
  }
  return "?";
}

std::string_view kind_name(ActionKind kind) {
  switch (kind) {
  case ActionKind::copy_to_cloud: return "copy_to_cloud";
  case ActionKind::copy_to_local: return "copy_to_local";
  case ActionKind::delete_cloud: return "delete_cloud";
  case ActionKind::delete_local: return "delete_local";
  case ActionKind::conflict: return "conflict";
  case ActionKind::held: return "held";
  case ActionKind::kept_apart: return "kept_apart";
  case ActionKind::merge: return "merge";
  case ActionKind::withheld: return "withheld";
  case ActionKind::unsyncable: return "unsyncable";
  }
  return "?";
}

bool Action::writes() const {
  return kind == ActionKind::copy_to_cloud || kind == ActionKind::copy_to_local ||
         kind == ActionKind::delete_cloud || kind == ActionKind::delete_local || kind == ActionKind::merge;
}

Side Action::destination() const {
  const auto k = (kind == ActionKind::held || kind == ActionKind::withheld) && held_kind ? *held_kind : kind;
  return (k == ActionKind::copy_to_cloud || k == ActionKind::delete_cloud) ? Side::cloud : Side::local;
}

bool Action::replaces_existing() const {
  if (!writes() || append_from) {
    return false;
  }
  if (kind == ActionKind::merge) {
    return true;
  }
  return destination() == Side::local ? local.has_value() : cloud.has_value();
}

std::uint64_t Action::bytes() const {
  if (kind == ActionKind::copy_to_cloud && local) {
    return local->size;
  }
  if (kind == ActionKind::copy_to_local && cloud) {
    return cloud->size;
  }
  return 0;
}

Options options_from(const config::Config& cfg) {
  Options o;
  o.direction = cfg.sync.direction;
  o.compare = cfg.sync.compare;
  o.tolerance_ns = cfg.sync.time_tolerance_seconds * 1'000'000'000LL;
  o.equal_mtime_action = cfg.sync.equal_mtime_action;
  o.delete_policy = cfg.sync.delete_policy;
  o.conflict_policy = cfg.conflict.policy;
  o.include_roots = cfg.targets.include_roots;
  o.append_only_globs = cfg.sync.append_only_globs;
  o.merge_line_globs = cfg.sync.merge_line_globs;
  o.portable_names = cfg.sync.portable_names;
  return o;
}

std::size_t Plan::count(ActionKind kind) const {
  return static_cast<std::size_t>(
    std::count_if(actions.begin(), actions.end(), [kind](const Action& a) { return a.kind == kind; }));
}

std::uint64_t Plan::bytes_to(Side side) const {
  std::uint64_t total = 0;
  for (const auto& action : actions) {
    if (action.writes() && action.destination() == side) {
      total += action.bytes();
    }
  }
  return total;
}

bool Plan::has_writes() const {
  return std::any_of(actions.begin(), actions.end(), [](const Action& a) { return a.writes(); });
}

std::vector<std::string> hash_candidates(const Index& local, const Index& cloud, const Baseline& baseline,
                                         const Options& options) {
  // One pass over the three sorted maps (a lookup per path costs more than
  // the rest of the test at 100,000 files).
  std::vector<std::string> out;
  auto b = baseline.begin();
  for_each_path(local, cloud, [&](const std::string& path, const FileState* here, const FileState* there) {
    while (b != baseline.end() && b->first < path) {
      ++b;
    }
    const BaselineEntry* base = b != baseline.end() && b->first == path ? &b->second : nullptr;
    bool wanted = false;
    if (here != nullptr && there != nullptr && here->size == there->size) {
      const bool same_time = here->same_as(*there, options.tolerance_ns);
      const bool both_changed = base != nullptr && changed_since(here, base->local, options.tolerance_ns) &&
                                changed_since(there, base->cloud, options.tolerance_ns);
      wanted = !same_time || both_changed || options.compare != config::Compare::mtime;
    }
    // A side whose size still equals the baseline's but whose time moved (a
    // cloud client rewriting mtimes, a `touch`): its hash tells whether it
    // really changed.
    for (const auto& [now, then] : {std::pair{here, base != nullptr ? &base->local : nullptr},
                                    std::pair{there, base != nullptr ? &base->cloud : nullptr}}) {
      wanted = wanted || (now != nullptr && then != nullptr && *then && (*then)->sha256 &&
                          (*then)->size == now->size && !now->same_as(**then, options.tolerance_ns));
    }
    if (wanted) {
      out.push_back(path);
    }
  });
  return out;
}

Plan make_plan(const Index& local, const Index& cloud, const Baseline& baseline, const Options& options,
               const Evidence& evidence) {
  return Planner(local, cloud, baseline, options, evidence).run();
}

std::optional<std::string> deletion_guard(const Plan& plan, const Index& local, const Index& cloud,
                                          const Baseline& baseline, std::int64_t max_percent,
                                          std::int64_t max_count) {
  for (const auto side : {Side::local, Side::cloud}) {
    const auto kind = side == Side::local ? ActionKind::delete_local : ActionKind::delete_cloud;
    const auto deletions = static_cast<std::int64_t>(plan.count(kind));
    if (deletions == 0) {
      continue;
    }
    std::int64_t known = 0;
    std::int64_t known_other = 0;
    for (const auto& [path, entry] : baseline) {
      known += (side == Side::local ? entry.local : entry.cloud) ? 1 : 0;
      known_other += (side == Side::local ? entry.cloud : entry.local) ? 1 : 0;
    }
    const auto where = side == Side::local ? "here" : "in the cloud folder";
    const auto& other_index = side == Side::local ? cloud : local;
    if (other_index.files.empty() && known_other > 0) {
      return fmt::format("the {} side holds no file at all, though the last sync saw {} there; carrying that over "
                         "would delete {} file(s) {}. An emptied or unmounted folder is not a deletion: check it",
                         side_name(other(side)), known_other, deletions, where);
    }
    if (max_count > 0 && deletions > max_count) {
      return fmt::format("the plan deletes {} file(s) {}, more than max_delete_count = {}", deletions, where,
                         max_count);
    }
    if (max_percent < 100 && deletions > 1 && deletions * 100 > max_percent * known) {
      return fmt::format("the plan deletes {} of the {} file(s) the last sync saw {} ({}%), more than "
                         "max_delete_percent = {}",
                         deletions, known, where, known > 0 ? deletions * 100 / known : 100, max_percent);
    }
  }
  return std::nullopt;
}

namespace {

// A file as scanned, with the hash the baseline recorded for it while it is
// unchanged (same size and mtime): a hash cache that costs nothing to keep.
FileState with_known_hash(const FileState& now, const std::optional<FileState>& before) {
  if (now.sha256 || !before || !before->sha256 || before->size != now.size || before->mtime_ns != now.mtime_ns) {
    return now;
  }
  FileState out = now;
  out.sha256 = before->sha256;
  return out;
}

} // namespace

namespace {

// Calls `emit(path, entry)` for each entry of the next baseline, in path
// order (one pass over the three sorted maps at once).
template <typename Emit>
void next_entries(const Index& local, const Index& cloud, const Baseline& old, const Plan& plan,
                  const Applied& applied, Emit&& emit) {
  // The plan's actions are sorted by path: a cursor walks them along.
  const auto& actions = plan.actions;
  std::size_t a = 0;
  auto l = local.files.begin();
  auto c = cloud.files.begin();
  auto o = old.begin();
  const auto l_end = local.files.end();
  const auto c_end = cloud.files.end();
  const auto o_end = old.end();
  while (l != l_end || c != c_end || o != o_end) {
    const std::string* path = nullptr;
    for (const std::string* candidate : {l != l_end ? &l->first.str() : nullptr, c != c_end ? &c->first.str() : nullptr,
                                         o != o_end ? &o->first.str() : nullptr}) {
      if (candidate != nullptr && (path == nullptr || *candidate < *path)) {
        path = candidate;
      }
    }
    const FileState* here = l != l_end && l->first == *path ? &l->second : nullptr;
    const FileState* there = c != c_end && c->first == *path ? &c->second : nullptr;
    const BaselineEntry* before = o != o_end && o->first == *path ? &o->second : nullptr;
    const std::string& key = *path;  // stays valid: the maps are not changed
    const auto advance = [&] {
      if (here != nullptr) {
        ++l;
      }
      if (there != nullptr) {
        ++c;
      }
      if (before != nullptr) {
        ++o;
      }
    };
    while (a < actions.size() && actions[a].path < key) {
      ++a;  // an action on a path neither side nor the baseline has (none is made)
    }
    bool planned = false;
    bool deleted = false;
    const FileState* copied = nullptr;
    for (std::size_t i = a; i < actions.size() && actions[i].path == key; ++i) {
      planned = true;
      deleted = deleted || applied.was_deleted(i);
      copied = copied != nullptr ? copied : applied.copied_state(i);
    }
    if (deleted) {
      advance();
      continue;
    }
    if (copied != nullptr) {
      emit(key, BaselineEntry{*copied, *copied});
    } else if (planned) {
      // A conflict, held, kept apart, or a write that did not happen.
      if (before != nullptr) {
        emit(key, *before);
      }
    } else if (here != nullptr && there != nullptr) {
      // In sync.
      emit(key, BaselineEntry{with_known_hash(*here, before != nullptr ? before->local : std::nullopt),
                              with_known_hash(*there, before != nullptr ? before->cloud : std::nullopt)});
    }
    // Gone from both sides: forgotten.
    advance();
  }
}

} // namespace

Baseline next_baseline(const Index& local, const Index& cloud, const Baseline& old, const Plan& plan,
                       const Applied& applied) {
  Baseline next;
  next_entries(local, cloud, old, plan, applied, [&](const std::string& path, BaselineEntry entry) {
    next.emplace_hint(next.end(), path, std::move(entry));
  });
  return next;
}

void for_each_next_entry(const Index& local, const Index& cloud, const Baseline& old, const Plan& plan,
                         const Applied& applied, const EmitEntry& emit) {
  next_entries(local, cloud, old, plan, applied, emit);
}

bool baseline_unchanged(const Index& local, const Index& cloud, const Baseline& old, const Plan& plan,
                        const Applied& applied) {
  auto o = old.begin();
  bool same = true;
  next_entries(local, cloud, old, plan, applied, [&](const std::string& path, const BaselineEntry& entry) {
    same = same && o != old.end() && o->first == path && o->second == entry;
    if (o != old.end()) {
      ++o;
    }
  });
  return same && o == old.end();
}

namespace {

// Appends the key of one non-ASCII code point: its case folding in NFD form
// when the table has it, else the code point itself.
template <typename Sink> void fold_code_point(char32_t cp, std::string_view original, Sink& out) {
  const auto* begin = std::begin(detail::k_fold_table);
  const auto* end = std::end(detail::k_fold_table);
  const auto* it = std::lower_bound(begin, end, cp, [](const detail::FoldEntry& e, char32_t c) {
    return e.code_point < c;
  });
  out(it != end && it->code_point == cp ? std::string_view(it->folded) : original);
}

// Feeds `out` the key of `path`, piece by piece: equal for names that a
// case-insensitive or normalising file system (Windows, macOS) would store as
// one file: ASCII and Latin/Greek/Cyrillic letters case-folded, precomposed
// letters decomposed (NFD), so "Café" (NFC) and "cafe\u0301" (NFD) meet
// while "resume" and "résumé" stay apart.
template <typename Sink> void fold_path(std::string_view path, Sink& out) {
  for (std::size_t i = 0; i < path.size();) {
    const auto b = static_cast<unsigned char>(path[i]);
    if (b < 0x80) {
      const char lower = static_cast<char>(b >= 'A' && b <= 'Z' ? b - 'A' + 'a' : b);
      out(std::string_view(&lower, 1));
      ++i;
      continue;
    }
    std::size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    len = std::min(len, path.size() - i);
    char32_t cp = len == 1 ? b : (b & (0x7F >> len));
    for (std::size_t k = 1; k < len; ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(path[i + k]) & 0x3F);
    }
    fold_code_point(cp, std::string_view(path).substr(i, len), out);
    i += len;
  }
}

std::string collision_key(const std::string& path) {
  std::string key;
  key.reserve(path.size());
  auto append = [&](std::string_view piece) { key.append(piece); };
  fold_path(path, append);
  return key;
}

// A 64-bit hash of the key's bytes, eight at a time, made without building
// the key: equal keys (however they were pieced together) hash alike.
class KeyHash {
public:
  void add(std::string_view bytes) {
    for (const char c : bytes) {
      m_word |= static_cast<std::uint64_t>(static_cast<unsigned char>(c)) << (8U * m_filled);
      if (++m_filled == 8) {
        mix();
      }
    }
  }
  // Eight ASCII bytes at once (the common case), lower-cased as fold_path does,
  // in memory order (add() puts the first byte lowest, as memcpy does here).
  static_assert(std::endian::native == std::endian::little);
  void add_ascii8(std::uint64_t word) {
    if (m_filled != 0) {
      char bytes[8];
      std::memcpy(bytes, &word, 8);
      add(std::string_view(bytes, 8));
      return;
    }
    m_word = word;
    mix();
  }
  std::uint64_t finish() {
    m_hash ^= m_word ^ (static_cast<std::uint64_t>(m_filled) << 56U) ^ m_length;
    m_hash ^= m_hash >> 33U;
    m_hash *= 0xff51afd7ed558ccdULL;
    m_hash ^= m_hash >> 33U;
    return m_hash;
  }

private:
  void mix() {
    m_hash = (m_hash ^ (m_word * 0x9E3779B97F4A7C15ULL)) * 0xC2B2AE3D27D4EB4FULL;
    m_hash ^= m_hash >> 29U;
    m_word = 0;
    m_filled = 0;
    m_length += 8;
  }

  std::uint64_t m_hash = 14695981039346656037ULL;
  std::uint64_t m_word = 0;
  unsigned m_filled = 0;
  std::uint64_t m_length = 0;
};

// ASCII 'A'-'Z' of each byte of `word` (all below 0x80) made lower case.
std::uint64_t lower_ascii8(std::uint64_t word) {
  constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
  const std::uint64_t above_a = word + (0x80 - 'A') * k_ones;       // high bit set where byte >= 'A'
  const std::uint64_t above_z = word + (0x80 - 'Z' - 1) * k_ones;   // high bit set where byte > 'Z'
  const std::uint64_t upper = (above_a & ~above_z) & (0x80 * k_ones);
  return word | (upper >> 2U);  // +0x20 on exactly those bytes
}

std::uint64_t collision_hash(const std::string& path) {
  KeyHash hash;
  std::size_t i = 0;
  for (; i + 8 <= path.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, path.data() + i, 8);
    if ((word & 0x8080808080808080ULL) != 0) {
      break;  // not ASCII from here: piece by piece
    }
    hash.add_ascii8(lower_ascii8(word));
  }
  auto add = [&](std::string_view piece) { hash.add(piece); };
  fold_path(std::string_view(path).substr(i), add);
  return hash.finish();
}

} // namespace

std::vector<std::vector<std::string>> name_collisions(const Index& local, const Index& cloud) {
  // Every path's key hashed (16 bytes a path, no key kept), sorted by hash;
  // only paths whose hashes meet are keyed for real and grouped.
  std::vector<std::pair<std::uint64_t, const std::string*>> hashed;
  hashed.reserve(std::max(local.files.size(), cloud.files.size()));
  for_each_path(local, cloud, [&](const std::string& path, const FileState*, const FileState*) {
    hashed.emplace_back(collision_hash(path), &path);
  });
  std::sort(hashed.begin(), hashed.end(),
            [](const auto& a, const auto& b) { return a.first != b.first ? a.first < b.first : *a.second < *b.second; });
  std::map<std::string, std::vector<std::string>> groups;  // key -> its paths, for the few that meet
  for (std::size_t i = 0; i < hashed.size();) {
    std::size_t end = i + 1;
    while (end < hashed.size() && hashed[end].first == hashed[i].first) {
      ++end;
    }
    if (end - i > 1) {
      for (std::size_t k = i; k < end; ++k) {
        groups[collision_key(*hashed[k].second)].push_back(*hashed[k].second);
      }
    }
    i = end;
  }
  std::vector<std::vector<std::string>> out;
  for (auto& [key, group] : groups) {
    if (group.size() > 1) {
      std::sort(group.begin(), group.end());
      out.push_back(std::move(group));
    }
  }
  return out;
}

} // namespace codexsync::plan
