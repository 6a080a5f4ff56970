#include <codexsync/core/error.hpp>
#include <codexsync/state/journal.hpp>
#include <codexsync/util/fs.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <fstream>
#include <set>
#include <stdexcept>
#include <tuple>

namespace codexsync::state {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_format_inline = "codexsync-journal-v1";  // earlier versions: actions inline
constexpr std::string_view k_format = "codexsync-journal-v2";         // a header and an actions file
constexpr std::string_view k_actions_format = "codexsync-journal-actions-v1";
constexpr std::string_view k_actions_suffix = ".actions.jsonl";
constexpr std::string_view k_appends_suffix = ".appends";

fs::path appends_file_of(const JournalRecord& r) {
  return r.file.parent_path() / util::path_from_utf8(r.id + std::string(k_appends_suffix));
}

constexpr std::array k_states{JournalState::planned,   JournalState::backed_up, JournalState::committing,
                              JournalState::committed, JournalState::failed,    JournalState::closed};

nlohmann::json action_to_json(const JournalAction& a) {
  nlohmann::json j{{"kind", a.kind}, {"path", a.path}, {"destination", side_name(a.destination)},
                   {"existed", a.existed}};
  if (a.new_state) {
    j["new_size"] = a.new_state->size;
    j["new_mtime_ns"] = a.new_state->mtime_ns;
  }
  if (a.append_from) {
    j["append_from"] = *a.append_from;
  }
  if (a.old_mtime_ns) {
    j["old_mtime_ns"] = *a.old_mtime_ns;
  }
  return j;
}

JournalAction action_from_json(const nlohmann::json& a) {
  JournalAction action;
  action.kind = a.at("kind").get<std::string>();
  action.path = a.at("path").get<std::string>();
  action.destination = a.at("destination").get<std::string>() == "local" ? Side::local : Side::cloud;
  action.existed = a.value("existed", false);
  if (a.contains("new_size")) {
    action.new_state = FileState{a["new_size"].get<std::uint64_t>(), a["new_mtime_ns"].get<std::int64_t>(), {}};
  }
  if (a.contains("append_from")) {
    action.append_from = a["append_from"].get<std::uint64_t>();
  }
  if (a.contains("old_mtime_ns")) {
    action.old_mtime_ns = a["old_mtime_ns"].get<std::int64_t>();
  }
  return action;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

nlohmann::json header_json(const JournalRecord& r) {
  nlohmann::json j{{"format", k_format},         {"id", r.id},
                   {"machine", r.machine},       {"command", r.command},
                   {"state", to_string(r.state)}, {"started", r.started},
                   {"updated", r.updated},       {"snapshot", r.snapshot},
                   {"local_root", r.local_root}, {"cloud_root", r.cloud_root},
                   {"note", r.note},             {"action_count", r.action_count}};
  if (!r.actions_file.empty()) {
    j["actions_file"] = util::display_path(r.actions_file.filename());
    j["actions_size"] = r.actions_size;
  } else if (!r.actions.empty()) {
    // An earlier version's journal, closed by this one: its actions stay inline.
    nlohmann::json actions = nlohmann::json::array();
    for (const auto& a : r.actions) {
      actions.push_back(action_to_json(a));
    }
    j["actions"] = std::move(actions);
    j["action_count"] = r.actions.size();
  }
  return j;
}

// Reads a header (or an earlier version's whole journal) found at `file`.
JournalRecord from_header(const nlohmann::json& j, const fs::path& file) {
  JournalRecord r;
  const auto format = j.value("format", "");
  if (format != k_format && format != k_format_inline) {
    throw std::invalid_argument("unknown format");
  }
  r.id = j.at("id").get<std::string>();
  r.machine = j.at("machine").get<std::string>();
  r.command = j.value("command", "");
  const auto state = j.at("state").get<std::string>();
  const auto it = std::find_if(k_states.begin(), k_states.end(),
                               [&](JournalState s) { return to_string(s) == state; });
  if (it == k_states.end()) {
    throw std::invalid_argument("unknown state " + state);
  }
  r.state = *it;
  r.started = j.value("started", "");
  r.updated = j.value("updated", "");
  r.snapshot = j.value("snapshot", "");
  r.local_root = j.value("local_root", "");
  r.cloud_root = j.value("cloud_root", "");
  r.note = j.value("note", "");
  r.file = file;
  if (format == k_format_inline || j.contains("actions")) {
    for (const auto& a : j.at("actions")) {
      r.actions.push_back(action_from_json(a));
    }
    r.action_count = r.actions.size();
    return r;
  }
  r.action_count = j.at("action_count").get<std::size_t>();
  if (!j.contains("actions_file")) {
    if (r.action_count != 0) {
      throw std::invalid_argument(fmt::format("{} actions but no actions file", r.action_count));
    }
    return r;
  }
  const auto name = j.at("actions_file").get<std::string>();
  if (!ends_with(name, k_actions_suffix) || name.front() == '.' || name.find_first_of("/\\:") != std::string::npos) {
    throw std::invalid_argument("bad actions file name \"" + name + "\"");
  }
  r.actions_file = file.parent_path() / util::path_from_utf8(name);
  r.actions_size = j.at("actions_size").get<std::uint64_t>();
  return r;
}

// The actions file: a first line naming the run and the count, then one JSON
// object a line, handed to the file a chunk at a time as `feed` gives them.
// Returns its size. Throws RuntimeError naming the file (nothing is left).
std::uint64_t write_actions_file(const fs::path& file, const JournalRecord& r, std::size_t count,
                                 const Journal::ActionFeed& feed) {
  const auto failed = [&file](const std::string& why) {
    return RuntimeError(fmt::format("cannot write the run journal {} ({}); check free space and permissions",
                                    util::display_path(file), why));
  };
  std::uint64_t size = 0;
  std::error_code ec;
  util::write_file_in_pieces(
    file,
    [&](util::AtomicFileWriter& writer) {
      std::string buffer = nlohmann::json{{"format", k_actions_format}, {"id", r.id}, {"count", count}}.dump();
      buffer += '\n';
      size = buffer.size();
      std::size_t given = 0;
      feed([&](const JournalAction& a) {
        const auto before = buffer.size();
        buffer += action_to_json(a).dump();
        buffer += '\n';
        size += buffer.size() - before;
        ++given;
        writer.write_if_full(buffer);
      });
      if (given != count) {
        throw failed(fmt::format("{} action(s) given where {} were announced", given, count));
      }
      writer.write(buffer);
    },
    ec);
  if (ec) {
    throw failed(ec.message());
  }
  return size;
}

std::vector<JournalAction> parse_actions(std::string_view text, const JournalRecord& r) {
  std::vector<JournalAction> actions;
  actions.reserve(r.action_count);
  std::size_t line_no = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto end = text.find('\n', at);
    if (end == std::string_view::npos) {
      throw std::invalid_argument(fmt::format("line {} is cut short", line_no + 1));
    }
    const auto line = text.substr(at, end - at);
    at = end + 1;
    ++line_no;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const std::exception& e) {
      throw std::invalid_argument(fmt::format("line {}: {}", line_no, e.what()));
    }
    if (line_no == 1) {
      if (j.value("format", "") != k_actions_format || j.value("id", "") != r.id ||
          j.value("count", std::size_t{0}) != r.action_count) {
        throw std::invalid_argument(fmt::format("its first line does not match run {} of {} action(s)", r.id,
                                                r.action_count));
      }
      continue;
    }
    try {
      actions.push_back(action_from_json(j));
    } catch (const std::exception& e) {
      throw std::invalid_argument(fmt::format("line {}: {}", line_no, e.what()));
    }
  }
  if (line_no == 0 || actions.size() != r.action_count) {
    throw std::invalid_argument(fmt::format("{} action(s) where the header says {}", actions.size(), r.action_count));
  }
  return actions;
}

void write_journal_file(const fs::path& file, std::string_view text) {
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  if (!ec) {
    util::write_file_atomic(file, text, ec);
  }
  if (ec) {
    throw RuntimeError(fmt::format("cannot write the run journal {} ({}); check free space and permissions",
                                   util::display_path(file), ec.message()));
  }
}

void write_header(const JournalRecord& r) { write_journal_file(r.file, header_json(r).dump(1)); }

// The headers in `dir`, unsorted; collects the actions files seen into `actions_files`.
std::vector<JournalRecord> read_headers(const fs::path& dir, std::vector<fs::path>& actions_files) {
  std::vector<JournalRecord> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return out;
  }
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const auto& path = entry.path();
    const auto name = util::display_path(path.filename());
    if (name.empty() || name.front() == '.') {
      continue;
    }
    if (ends_with(name, k_actions_suffix)) {
      actions_files.push_back(path);
      continue;
    }
    if (path.extension() != ".json") {
      continue;
    }
    JournalRecord record;
    try {
      const auto text = util::read_file(path, ec);
      if (!text) {
        throw std::invalid_argument(ec.message());
      }
      record = from_header(nlohmann::json::parse(*text), path);
    } catch (const std::exception& e) {
      record = JournalRecord{};
      record.id = path.stem().string();
      record.state = JournalState::failed;
      record.note = fmt::format("unreadable journal {}: {}", util::display_path(path), e.what());
      record.file = path;
    }
    if (record.open() && !record.actions_file.empty()) {
      // A stat, not a read: a rollback needs the file, so say now if it is gone.
      std::error_code size_ec;
      const auto size = fs::file_size(record.actions_file, size_ec);
      std::string problem;
      if (size_ec) {
        problem = fmt::format("cannot be read ({})", size_ec.message());
      } else if (size != record.actions_size) {
        problem = fmt::format("has {} bytes where the header says {}", size, record.actions_size);
      }
      if (!problem.empty()) {
        record.note = fmt::format("unreadable journal: its actions file {} {}; it stopped at {}{}",
                                  util::display_path(record.actions_file), problem, to_string(record.state),
                                  record.note.empty() ? "" : " (" + record.note + ")");
        record.state = JournalState::failed;
      }
    }
    out.push_back(std::move(record));
  }
  return out;
}

} // namespace

std::string_view to_string(JournalState state) {
  switch (state) {
  case JournalState::planned: return "planned";
  case JournalState::backed_up: return "backed_up";
  case JournalState::committing: return "committing";
  case JournalState::committed: return "committed";
  case JournalState::failed: return "failed";
  case JournalState::closed: return "closed";
  }
  return "?";
}

Journal Journal::begin(const std::filesystem::path& temp_dir, JournalRecord record, const util::Clock& clock) {
  auto actions = std::move(record.actions);
  record.actions.clear();
  auto journal = begin(
      temp_dir, std::move(record), actions.size(),
      [&actions](const ActionSink& sink) {
        for (const auto& a : actions) {
          sink(a);
        }
      },
      clock);
  journal.m_record.actions = std::move(actions);
  return journal;
}

Journal Journal::begin(const std::filesystem::path& temp_dir, JournalRecord record, std::size_t action_count,
                       const ActionFeed& feed, const util::Clock& clock) {
  const auto now = clock.now();
  auto stamp = util::utc_timestamp(now);
  record.started = stamp;
  record.updated = stamp;
  if (record.id.empty()) {
    std::string compact;
    for (const char c : stamp.substr(0, 19)) {
      if (c != '-' && c != ':') {
        compact += c;
      }
    }
    record.id = fmt::format("{}-{}Z-{}", record.machine, compact, util::random_hex(4));
  }
  record.state = JournalState::planned;
  const auto dir = temp_dir / "journals";
  record.file = dir / (record.id + ".json");
  record.actions.clear();
  record.action_count = action_count;
  record.actions_file.clear();
  record.actions_size = 0;
  if (action_count > 0) {
    // Durable before the header names it: a header never points at a partial file.
    record.actions_file = dir / (record.id + std::string(k_actions_suffix));
    record.actions_size = write_actions_file(record.actions_file, record, action_count, feed);
  }
  Journal journal(std::move(record), clock);
  try {
    journal.write();
  } catch (const std::exception&) {
    std::error_code ec;
    if (!journal.m_record.actions_file.empty()) {
      fs::remove(journal.m_record.actions_file, ec);
    }
    throw;
  }
  return journal;
}

void Journal::write() {
  m_record.updated = util::utc_timestamp(m_clock->now());
  write_header(m_record);
}

void Journal::set_state(JournalState state, const std::string& note) {
  m_record.state = state;
  if (!note.empty()) {
    m_record.note = note;
  }
  write();
}

void Journal::set_snapshot(const std::string& name) {
  m_record.snapshot = name;
  write();
}

std::vector<JournalRecord> list_journals(const std::filesystem::path& temp_dir) {
  std::vector<fs::path> actions_files;
  auto out = read_headers(temp_dir / "journals", actions_files);
  std::sort(out.begin(), out.end(), [](const JournalRecord& a, const JournalRecord& b) {
    return std::tie(a.started, a.id) < std::tie(b.started, b.id);
  });
  return out;
}

std::vector<JournalAction> load_journal_actions(const JournalRecord& record) {
  if (record.actions_file.empty()) {
    return record.actions;  // inline (an earlier version's journal), or none
  }
  try {
    std::error_code ec;
    const auto text = util::read_file(record.actions_file, ec);
    if (!text) {
      throw std::invalid_argument(ec.message());
    }
    if (text->size() != record.actions_size) {
      throw std::invalid_argument(
        fmt::format("it has {} bytes where the header says {}", text->size(), record.actions_size));
    }
    return parse_actions(*text, record);
  } catch (const std::exception& e) {
    throw FailSafeError(fmt::format(
      "the list of what run {} wrote, {}, is missing or damaged ({}), so nothing can tell which files to undo. "
      "The next `codexsync sync --apply` settles the run from what it left{}",
      record.id, util::display_path(record.actions_file), e.what(),
      record.snapshot.empty()
        ? ""
        : fmt::format("; what it replaced is in backup snapshot {}: `codexsync restore --from {} --target cloud` "
                      "(or `--target local`) shows what putting it back would do",
                      record.snapshot, record.snapshot)));
  }
}

std::size_t prune_journals(const std::filesystem::path& temp_dir, const std::string& machine, std::size_t keep) {
  std::vector<fs::path> actions_files;
  auto records = read_headers(temp_dir / "journals", actions_files);
  std::sort(records.begin(), records.end(), [](const JournalRecord& a, const JournalRecord& b) {
    return std::tie(a.started, a.id) < std::tie(b.started, b.id);
  });
  std::vector<const JournalRecord*> finished;
  std::set<fs::path> headers;
  std::set<fs::path> named;
  for (const auto& r : records) {
    headers.insert(r.file);
    named.insert(r.actions_file);
    if (r.machine == machine && !r.open()) {
      finished.push_back(&r);
    }
  }
  std::size_t removed = 0;
  for (std::size_t i = 0; i + keep < finished.size(); ++i) {
    std::error_code ec;
    if (fs::remove(finished[i]->file, ec)) {
      ++removed;
      if (!finished[i]->actions_file.empty()) {
        fs::remove(finished[i]->actions_file, ec);  // a leftover is removed by the next prune
      }
      fs::remove(appends_file_of(*finished[i]), ec);
    }
  }
  // Actions files no header names: the run died between writing it and its header.
  const auto prefix = machine + "-";
  for (const auto& file : actions_files) {
    const auto name = util::display_path(file.filename());
    const auto id = name.substr(0, name.size() - k_actions_suffix.size());
    if (named.count(file) != 0 || headers.count(file.parent_path() / util::path_from_utf8(id + ".json")) != 0 ||
        name.rfind(prefix, 0) != 0) {
      continue;
    }
    std::error_code ec;
    fs::remove(file, ec);
  }
  return removed;
}

std::string append_key(Side destination, std::string_view path) {
  return std::string(side_name(destination)) + "/" + std::string(path);
}

void Journal::note_append(Side destination, std::string_view path) {
  const std::lock_guard lock(*m_appends_mutex);
  const auto file = appends_file_of(m_record);
  std::ofstream out(file, std::ios::binary | std::ios::app);
  out << append_key(destination, path) << '\n';
  out.flush();
  if (!out) {
    throw RuntimeError("cannot write " + util::display_path(file) +
                       " (the list of files this run appends to); check that the folder is writable and has space, "
                       "and run again");
  }
}

std::set<std::string> appends_started(const JournalRecord& record) {
  std::set<std::string> out;
  std::ifstream in(appends_file_of(record), std::ios::binary);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) {
      out.insert(line);
    }
  }
  return out;
}

void close_journal(JournalRecord record, JournalState state, const std::string& note, const util::Clock& clock) {
  record.state = state;
  record.note = note;
  record.updated = util::utc_timestamp(clock.now());
  write_header(record);
}

} // namespace codexsync::state
