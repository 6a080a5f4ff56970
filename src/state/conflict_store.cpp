#include <codexsync/apply/file_ops.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/log/log.hpp>
#include <codexsync/state/conflict_store.hpp>
#include <codexsync/util/file_stat.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/sha256.hpp>
#include <codexsync/util/text.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <tuple>

namespace codexsync::state {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::size_t k_min_prefix = 8;
constexpr std::size_t k_id_hex_bytes = 4;                  // 8 hex digits after the time
constexpr std::uint64_t k_max_entry_json_bytes = 1U << 20; // an entry.json is a few hundred bytes
constexpr auto k_stale_temp_age = std::chrono::hours(24);
constexpr int k_id_attempts = 16;
constexpr std::size_t k_max_named_candidates = 10;

std::string show(const fs::path& path) { return util::display_path(path); }

bool is_hex(std::string_view text, std::size_t digits) {
  return text.size() == digits && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Why `name` cannot be one folder or file name of the store ("" when it can).
std::string component_problem(std::string_view name) {
  if (name.empty()) {
    return "an empty name";
  }
  if (name == "." || name == "..") {
    return fmt::format("the name \"{}\"", name);
  }
  if (name.find_first_of(std::string_view("/\\:\0", 4)) != std::string_view::npos) {
    return fmt::format("a '/', '\\', ':' or NUL in the name \"{}\"", name);
  }
  if (!util::is_valid_utf8(name)) {
    return "a name that is not valid UTF-8";
  }
  return {};
}

// Why `path` cannot be a path in the agent's folder ("" when it can): it must
// be relative, '/'-separated, without empty, "." or ".." segments,
// backslashes, NUL bytes or a drive letter.
std::string relative_path_problem(std::string_view path) {
  if (path.empty()) {
    return "an empty path";
  }
  if (path.front() == '/') {
    return "an absolute path";
  }
  for (const auto& segment : util::split(path, '/')) {
    if (auto problem = component_problem(segment); !problem.empty()) {
      return problem;
    }
  }
  return {};
}

// The data file's name: the original file name, unless that is entry.json's.
std::string data_file_name(std::string_view relative_path) {
  std::string name(relative_path.substr(relative_path.rfind('/') + 1));
  if (util::to_lower_ascii(name) == k_conflict_entry_file) {
    name = "kept-" + name;
  }
  return name;
}

// "20261124T101500Z-1a2b3c4d".
std::string make_id(std::chrono::system_clock::time_point now) {
  const auto stamp = util::utc_timestamp(now); // 2026-11-24T10:15:00.123Z
  std::string compact;
  for (const char c : stamp.substr(0, 19)) {
    if (c != '-' && c != ':') {
      compact.push_back(c);
    }
  }
  return compact + "Z-" + util::random_hex(k_id_hex_bytes);
}

std::string_view type_name(util::FileType type) {
  switch (type) {
  case util::FileType::regular:
    return "a file";
  case util::FileType::directory:
    return "a folder";
  case util::FileType::symlink:
    return "a link";
  case util::FileType::reparse_point:
    return "a junction or link";
  case util::FileType::other:
    break;
  }
  return "not a file or folder";
}

// Makes sure `dir` is a real folder (never a link), creating it when missing.
void ensure_store_dir(const fs::path& dir) {
  std::error_code ec;
  if (const auto stat = util::stat_no_follow(dir, ec)) {
    if (stat->type != util::FileType::directory) {
      throw RuntimeError(fmt::format("cannot keep a conflict's losing version: {} is {}, not a folder (the "
                                     "conflict store never follows links); move it away and run again",
                                     show(dir), type_name(stat->type)));
    }
    return;
  }
  if (!fs::create_directory(dir, ec) && ec) {
    throw RuntimeError(
        fmt::format("cannot create the conflict store folder {}: {}; check that {} is writable and "
                    "run again",
                    show(dir), ec.message(), show(dir.parent_path())));
  }
  util::sync_dir(dir.parent_path());
}

json to_json(const ConflictEntry& e, const std::string& file_name) {
  return {{"format", k_conflict_format},
          {"id", e.id},
          {"machine", e.machine},
          {"path", e.path},
          {"file", file_name},
          {"loser_side", side_name(e.loser_side)},
          {"size", e.size},
          {"sha256", e.sha256},
          {"mtime_ns", e.mtime_ns},
          {"kept_at", e.kept_at},
          {"reason", e.reason},
          {"winner_sha256", e.winner_sha256 ? json(*e.winner_sha256) : json()}};
}

// The entry in `j`, read from the folder `dir` (named `id`, below the
// machine folder `machine`). Throws std::exception saying what is wrong.
ConflictEntry from_json(const json& j, const fs::path& dir, const std::string& id,
                        const std::string& machine) {
  if (!j.is_object() || j.value("format", "") != k_conflict_format) {
    throw std::invalid_argument(fmt::format("entry.json is not a {} document", k_conflict_format));
  }
  ConflictEntry e;
  e.id = j.at("id").get<std::string>();
  e.machine = j.at("machine").get<std::string>();
  if (e.id != id || e.machine != machine) {
    throw std::invalid_argument(
        fmt::format("entry.json names entry {}/{}, not {}/{}", e.machine, e.id, machine, id));
  }
  e.path = j.at("path").get<std::string>();
  if (const auto problem = relative_path_problem(e.path); !problem.empty()) {
    throw std::invalid_argument(fmt::format("entry.json's path \"{}\" is unusable: {}", e.path, problem));
  }
  const auto file = j.at("file").get<std::string>();
  if (const auto problem = component_problem(file); !problem.empty()) {
    throw std::invalid_argument(fmt::format("entry.json's file \"{}\" is unusable: {}", file, problem));
  }
  const auto side = j.at("loser_side").get<std::string>();
  if (side != "local" && side != "cloud") {
    throw std::invalid_argument(
        fmt::format("entry.json's loser_side \"{}\" is neither local nor cloud", side));
  }
  e.loser_side = side == "local" ? Side::local : Side::cloud;
  e.size = j.at("size").get<std::uint64_t>();
  e.sha256 = j.at("sha256").get<std::string>();
  if (!is_hex(e.sha256, 64)) {
    throw std::invalid_argument("entry.json's sha256 is not 64 lower-case hex digits");
  }
  e.mtime_ns = j.at("mtime_ns").get<std::int64_t>();
  e.kept_at = j.at("kept_at").get<std::string>();
  e.reason = j.value("reason", "");
  if (const auto it = j.find("winner_sha256"); it != j.end() && !it->is_null()) {
    e.winner_sha256 = it->get<std::string>();
  }
  e.data_file = dir / util::path_from_utf8(file);
  return e;
}

// Reads the entry folder `dir`. Returns the entry, or sets `problem`.
std::optional<ConflictEntry> read_entry(const fs::path& dir, const std::string& id,
                                        const std::string& machine, std::string& problem) {
  std::error_code ec;
  const auto json_file = dir / std::string(k_conflict_entry_file);
  const auto stat = util::stat_no_follow(json_file, ec);
  if (!stat) {
    problem = "no entry.json (still arriving from the cloud, or an entry that was never finished)";
    return std::nullopt;
  }
  if (stat->type != util::FileType::regular || stat->size > k_max_entry_json_bytes) {
    problem = fmt::format("entry.json is {}",
                          stat->type == util::FileType::regular ? "too large" : type_name(stat->type));
    return std::nullopt;
  }
  const auto text = util::read_file(json_file, ec);
  if (!text) {
    problem = fmt::format("entry.json cannot be read: {}", ec.message());
    return std::nullopt;
  }
  ConflictEntry entry;
  try {
    entry = from_json(json::parse(*text), dir, id, machine);
  } catch (const std::exception& e) {
    problem = fmt::format("entry.json is unreadable: {}", e.what());
    return std::nullopt;
  }
  const auto data = util::stat_no_follow(entry.data_file, ec);
  const auto name = util::display_path(entry.data_file.filename());
  if (!data) {
    problem = fmt::format("its file {} is missing", name);
  } else if (data->type != util::FileType::regular) {
    problem = fmt::format("its file {} is {}", name, type_name(data->type));
  } else if (data->size != entry.size) {
    problem = fmt::format("its file {} holds {} bytes, entry.json says {}", name, data->size, entry.size);
  } else {
    return entry;
  }
  return std::nullopt;
}

// The non-hidden names in `dir` that are not plain files, with their type
// (never following links). Errors end the listing early.
std::vector<std::pair<std::string, util::FileType>> list_dir(const fs::path& dir) {
  std::vector<std::pair<std::string, util::FileType>> out;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const auto name = util::display_path(it->path().filename());
    if (name.empty() || name.front() == '.') {
      continue;
    }
    std::error_code stat_ec;
    const auto stat = util::stat_no_follow(it->path(), stat_ec);
    if (stat && stat->type != util::FileType::regular) {
      out.emplace_back(name, stat->type);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Removes this machine's hidden temp folders older than a day: a keep that
// was killed before it published its entry. Errors are skipped.
void sweep_stale_temp_dirs(const fs::path& machine_dir, const util::Clock& clock) {
  const auto now_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(clock.now().time_since_epoch()).count();
  const auto max_age_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(k_stale_temp_age).count();
  std::error_code ec;
  fs::directory_iterator it(machine_dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const auto name = util::display_path(it->path().filename());
    if (!util::is_temp_name(name)) {
      continue;
    }
    std::error_code stat_ec;
    const auto stat = util::stat_no_follow(it->path(), stat_ec);
    if (stat && stat->type == util::FileType::directory && now_ns - stat->mtime_ns > max_age_ns) {
      std::error_code rm_ec;
      fs::remove_all(it->path(), rm_ec);
      log::info("removed an unfinished conflict entry left by a run that was stopped",
                {{"folder", show(it->path())}});
    }
  }
}

// Removes the temp folder of an entry being built unless it was published.
class TempEntryDir {
public:
  explicit TempEntryDir(fs::path dir) : m_dir(std::move(dir)) {}
  TempEntryDir(const TempEntryDir&) = delete;
  TempEntryDir& operator=(const TempEntryDir&) = delete;
  ~TempEntryDir() {
    if (!m_published) {
      std::error_code ec;
      fs::remove_all(m_dir, ec);
    }
  }
  void published() { m_published = true; }

private:
  fs::path m_dir;
  bool m_published = false;
};

} // namespace

fs::path conflict_store_dir(const fs::path& workspace) { return workspace / "conflicts"; }

ConflictEntry keep_conflict_loser(const fs::path& workspace, const std::string& machine, const fs::path& file,
                                  const std::string& relative_path, Side loser_side,
                                  const std::string& reason,
                                  const util::OptionalSha256& expected_sha256,
                                  const util::OptionalSha256& winner_sha256, const util::Clock& clock) {
  if (const auto problem = component_problem(machine); !problem.empty() || machine.front() == '.') {
    throw RuntimeError(
        fmt::format("cannot keep a conflict's losing version: the machine id \"{}\" cannot name a "
                    "folder of the conflict store ({}); set [identity] machine_id",
                    machine, problem.empty() ? "it starts with '.'" : problem));
  }
  if (const auto problem = relative_path_problem(relative_path); !problem.empty()) {
    throw RuntimeError(fmt::format("cannot keep the losing version of \"{}\" in the conflict store: {}",
                                   relative_path, problem));
  }
  std::error_code ec;
  const auto root = fs::absolute(workspace, ec);
  const auto root_stat = util::stat_no_follow(root, ec);
  if (!root_stat || root_stat->type != util::FileType::directory) {
    throw RuntimeError(
        fmt::format("cannot keep the losing version of {}: the cloud folder {} is {}; check that it "
                    "is there (mounted, synced) and run again",
                    relative_path, show(root), root_stat ? type_name(root_stat->type) : "missing"));
  }
  const auto store = conflict_store_dir(root);
  const auto machine_dir = store / util::path_from_utf8(machine);
  ensure_store_dir(store);
  ensure_store_dir(machine_dir);
  sweep_stale_temp_dirs(machine_dir, clock);

  const auto now = clock.now();
  std::string id;
  for (int attempt = 0; attempt < k_id_attempts && id.empty(); ++attempt) {
    auto candidate = make_id(now);
    std::error_code stat_ec;
    if (!util::stat_no_follow(machine_dir / candidate, stat_ec)) {
      id = std::move(candidate);
    }
  }
  if (id.empty()) {
    throw RuntimeError(fmt::format("cannot find a free entry name in {}; run again", show(machine_dir)));
  }
  const auto temp = machine_dir / util::path_from_utf8("." + id + util::temp_suffix());
  if (!fs::create_directory(temp, ec)) {
    throw RuntimeError(
        fmt::format("cannot create {}: {}; check that {} is writable and has space, and run again",
                    show(temp), ec ? ec.message() : "it already exists", show(machine_dir)));
  }
  TempEntryDir guard(temp);
  const auto name = data_file_name(relative_path);
  const auto copy = temp / util::path_from_utf8(name);
  const auto where = fmt::format("keeping the losing version of {} in the conflict store {}", relative_path,
                                 show(machine_dir));
  FileState kept;
  try {
    kept = apply::copy_file_atomic(file, copy, apply::Expect{apply::Expect::Kind::absent, {}});
  } catch (const FailSafeError& e) {
    throw FailSafeError(fmt::format("{}: {}", where, e.what()));
  } catch (const RuntimeError& e) {
    throw RuntimeError(fmt::format("{}: {}", where, e.what()));
  }
  if (expected_sha256 && kept.sha256 != expected_sha256) {
    throw FailSafeError(
        fmt::format("{}: {} is not the version that lost (SHA-256 {} instead of {}); it changed "
                    "since it was looked at. Nothing was kept or replaced; run again",
                    where, show(file), kept.sha256->hex(), expected_sha256->hex()));
  }
  const auto reread = util::sha256_file(copy, ec);
  if (!reread || kept.sha256 != *reread) {
    throw FailSafeError(
        fmt::format("{}: the copy does not read back as written ({}); check the disk of {} and run "
                    "again",
                    where, ec ? ec.message() : "SHA-256 differs", show(machine_dir)));
  }

  ConflictEntry entry;
  entry.id = id;
  entry.machine = machine;
  entry.path = relative_path;
  entry.loser_side = loser_side;
  entry.size = kept.size;
  entry.sha256 = kept.sha256->hex();
  entry.mtime_ns = kept.mtime_ns;
  entry.kept_at = util::utc_timestamp(now);
  entry.reason = reason;
  if (winner_sha256) {
    entry.winner_sha256 = winner_sha256->hex();
  }
  util::write_file_atomic(temp / std::string(k_conflict_entry_file), to_json(entry, name).dump(2) + "\n", ec);
  if (ec) {
    throw RuntimeError(fmt::format("{}: cannot write its entry.json: {}; check free space and run again",
                                   where, ec.message()));
  }
  apply::fault_point("conflict_store.before_publish");
  const auto final_dir = machine_dir / util::path_from_utf8(id);
  fs::rename(temp, final_dir, ec);
  if (ec) {
    throw RuntimeError(fmt::format("{}: cannot rename {} to {}: {}; run again", where, show(temp),
                                   show(final_dir), ec.message()));
  }
  guard.published();
  util::sync_dir(machine_dir);
  entry.data_file = final_dir / util::path_from_utf8(name);
  log::file_action(log::Level::info, "keep_conflict_loser", relative_path, side_name(loser_side),
                   "kept the losing version in the conflict store",
                   {{"conflict", id}, {"sha256", entry.sha256}, {"reason", reason}});
  return entry;
}

ConflictStoreListing read_conflict_store(const fs::path& workspace) {
  ConflictStoreListing listing;
  try {
    std::error_code ec;
    const auto store = conflict_store_dir(fs::absolute(workspace, ec));
    const auto store_stat = util::stat_no_follow(store, ec);
    if (!store_stat || store_stat->type != util::FileType::directory) {
      return listing;
    }
    for (const auto& [machine, machine_type] : list_dir(store)) {
      const auto machine_dir = store / util::path_from_utf8(machine);
      if (machine_type != util::FileType::directory) {
        listing.damaged.push_back({"", machine, machine_dir,
                                   fmt::format("the machine folder is {}; the store never follows links",
                                               type_name(machine_type))});
        continue;
      }
      for (const auto& [id, type] : list_dir(machine_dir)) {
        const auto dir = machine_dir / util::path_from_utf8(id);
        std::string problem;
        if (type != util::FileType::directory) {
          problem = fmt::format("it is {}, not a folder; the store never follows links", type_name(type));
        } else if (auto entry = read_entry(dir, id, machine, problem)) {
          listing.entries.push_back(std::move(*entry));
          continue;
        }
        listing.damaged.push_back({id, machine, dir, std::move(problem)});
      }
    }
  } catch (const std::exception& e) {
    log::warn(fmt::format("the conflict store below {} could not be read completely: {}", show(workspace),
                          e.what()));
  }
  const auto key = [](const ConflictEntry& e) {
    return std::make_tuple(
        util::parse_utc_timestamp(e.kept_at).value_or(std::chrono::system_clock::time_point{}), e.id,
        e.machine);
  };
  std::sort(listing.entries.begin(), listing.entries.end(),
            [&key](const ConflictEntry& a, const ConflictEntry& b) { return key(a) < key(b); });
  return listing;
}

std::vector<ConflictEntry> list_conflicts(const fs::path& workspace) {
  return read_conflict_store(workspace).entries;
}

ConflictEntry find_conflict(const fs::path& workspace, const std::string& id) {
  const auto store = conflict_store_dir(workspace);
  const auto hint = "`codexsync conflicts list` shows the ids";
  if (id.empty()) {
    throw UsageError(fmt::format("no conflict id given; {}", hint));
  }
  auto listing = read_conflict_store(workspace);
  const auto matches = [&](const std::string& candidate, bool exact) {
    return exact ? candidate == id : util::starts_with(candidate, id);
  };
  std::vector<const ConflictEntry*> entries;
  std::vector<const DamagedConflict*> damaged;
  for (const bool exact : {true, false}) {
    if (!exact && id.size() < k_min_prefix) {
      break;
    }
    for (const auto& e : listing.entries) {
      if (matches(e.id, exact)) {
        entries.push_back(&e);
      }
    }
    for (const auto& d : listing.damaged) {
      if (!d.id.empty() && matches(d.id, exact)) {
        damaged.push_back(&d);
      }
    }
    if (!entries.empty() || !damaged.empty()) {
      break;
    }
  }
  const auto found = entries.size() + damaged.size();
  if (found == 0) {
    if (id.size() < k_min_prefix) {
      throw UsageError(
          fmt::format("no conflict entry has the id \"{}\"; give the whole id or at least its first {} "
                      "characters; {}",
                      id, k_min_prefix, hint));
    }
    throw UsageError(fmt::format("no conflict entry \"{}\" in {}; {}", id, show(store), hint));
  }
  if (found > 1) {
    std::vector<std::string> names;
    for (const auto* e : entries) {
      names.push_back(e->machine + "/" + e->id);
    }
    for (const auto* d : damaged) {
      names.push_back(d->machine + "/" + d->id + " (damaged)");
    }
    std::sort(names.begin(), names.end());
    const auto shown = std::min(names.size(), k_max_named_candidates);
    throw UsageError(
        fmt::format("the id \"{}\" matches {} conflict entries: {}{}; give more of the id", id, found,
                    util::join({names.begin(), names.begin() + static_cast<std::ptrdiff_t>(shown)}, ", "),
                    names.size() > shown ? ", ..." : ""));
  }
  if (!damaged.empty()) {
    const auto& d = *damaged.front();
    throw FailSafeError(
        fmt::format("conflict entry {} ({}) cannot be used: {}; nothing was written. If another "
                    "machine is still uploading it, wait for the cloud client and run again",
                    d.id, show(d.dir), d.problem));
  }
  return *entries.front();
}

void verify_conflict(const ConflictEntry& entry) {
  std::error_code ec;
  const auto where = fmt::format("conflict entry {}: its kept version {}", entry.id, show(entry.data_file));
  const auto stat = util::stat_no_follow(entry.data_file, ec);
  if (!stat || stat->type != util::FileType::regular) {
    throw FailSafeError(
        fmt::format("{} is {}; nothing was written", where, stat ? type_name(stat->type) : "missing"));
  }
  if (stat->size != entry.size) {
    throw FailSafeError(
        fmt::format("{} holds {} bytes, its entry.json says {}: it is damaged; nothing was written", where,
                    stat->size, entry.size));
  }
  const auto sha = util::sha256_file(entry.data_file, ec);
  if (!sha) {
    throw FailSafeError(fmt::format("{} cannot be read ({}); nothing was written", where, ec.message()));
  }
  if (!sha->matches(entry.sha256)) {
    throw FailSafeError(
        fmt::format("{} does not hold the kept bytes (SHA-256 {} instead of {}): it is damaged; "
                    "nothing was written",
                    where, sha->hex(), entry.sha256));
  }
}

} // namespace codexsync::state
