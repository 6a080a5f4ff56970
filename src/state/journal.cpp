#include <codexsync/core/error.hpp>
#include <codexsync/state/journal.hpp>
#include <codexsync/util/fs.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <tuple>

namespace codexsync::state {
namespace {

constexpr std::string_view k_format = "codexsync-journal-v1";

constexpr std::array k_states{JournalState::planned,   JournalState::backed_up, JournalState::committing,
                              JournalState::committed, JournalState::failed,    JournalState::closed};

nlohmann::json to_json(const JournalRecord& r) {
  nlohmann::json actions = nlohmann::json::array();
  for (const auto& a : r.actions) {
    nlohmann::json j{{"kind", a.kind}, {"path", a.path}, {"destination", side_name(a.destination)},
                     {"existed", a.existed}};
    if (a.new_state) {
      j["new_size"] = a.new_state->size;
      j["new_mtime_ns"] = a.new_state->mtime_ns;
    }
    if (a.append_from) {
      j["append_from"] = *a.append_from;
    }
    actions.push_back(std::move(j));
  }
  return {{"format", k_format},      {"id", r.id},           {"machine", r.machine},
          {"command", r.command},    {"state", to_string(r.state)}, {"started", r.started},
          {"updated", r.updated},    {"snapshot", r.snapshot}, {"local_root", r.local_root},
          {"cloud_root", r.cloud_root}, {"note", r.note},    {"actions", std::move(actions)}};
}

JournalRecord from_json(const nlohmann::json& j) {
  JournalRecord r;
  if (j.value("format", "") != k_format) {
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
  for (const auto& a : j.at("actions")) {
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
    r.actions.push_back(std::move(action));
  }
  return r;
}

void write_record(const JournalRecord& r) {
  std::error_code ec;
  std::filesystem::create_directories(r.file.parent_path(), ec);
  if (!ec) {
    util::write_file_atomic(r.file, to_json(r).dump(1), ec);
  }
  if (ec) {
    throw RuntimeError(fmt::format("cannot write the run journal {} ({}); check free space and permissions",
                                   util::display_path(r.file), ec.message()));
  }
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
  record.file = temp_dir / "journals" / (record.id + ".json");
  Journal journal(std::move(record), clock);
  journal.write();
  return journal;
}

void Journal::write() {
  m_record.updated = util::utc_timestamp(m_clock->now());
  write_record(m_record);
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
  std::vector<JournalRecord> out;
  const auto dir = temp_dir / "journals";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return out;
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const auto& path = entry.path();
    if (path.extension() != ".json" || path.filename().string().front() == '.') {
      continue;
    }
    JournalRecord record;
    try {
      const auto text = util::read_file(path, ec);
      if (!text) {
        throw std::invalid_argument(ec.message());
      }
      record = from_json(nlohmann::json::parse(*text));
    } catch (const std::exception& e) {
      record = JournalRecord{};
      record.id = path.stem().string();
      record.state = JournalState::failed;
      record.note = fmt::format("unreadable journal: {}", e.what());
    }
    record.file = path;
    out.push_back(std::move(record));
  }
  std::sort(out.begin(), out.end(), [](const JournalRecord& a, const JournalRecord& b) {
    return std::tie(a.started, a.id) < std::tie(b.started, b.id);
  });
  return out;
}

std::size_t prune_journals(const std::filesystem::path& temp_dir, const std::string& machine, std::size_t keep) {
  auto records = list_journals(temp_dir);  // oldest first
  std::vector<const JournalRecord*> finished;
  for (const auto& r : records) {
    if (r.machine == machine && !r.open()) {
      finished.push_back(&r);
    }
  }
  std::size_t removed = 0;
  for (std::size_t i = 0; i + keep < finished.size(); ++i) {
    std::error_code ec;
    if (std::filesystem::remove(finished[i]->file, ec)) {
      ++removed;
    }
  }
  return removed;
}

void close_journal(JournalRecord record, JournalState state, const std::string& note, const util::Clock& clock) {
  record.state = state;
  record.note = note;
  record.updated = util::utc_timestamp(clock.now());
  write_record(record);
}

} // namespace codexsync::state
