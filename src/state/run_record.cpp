#include <codexsync/state/run_record.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/sha256.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <utility>
#include <type_traits>

namespace codexsync::state {
namespace {

using nlohmann::json;

// Reads `key` of `doc` into `out` when it is there with the right type.
void take(const json& doc, const char* key, std::string& out) {
  if (const auto it = doc.find(key); it != doc.end() && it->is_string()) {
    out = it->get<std::string>();
  }
}
void take(const json& doc, const char* key, bool& out) {
  if (const auto it = doc.find(key); it != doc.end() && it->is_boolean()) {
    out = it->get<bool>();
  }
}
template <typename Int>
void take(const json& doc, const char* key, Int& out) {
  if (const auto it = doc.find(key); it != doc.end() && it->is_number_integer()) {
    if constexpr (std::is_unsigned_v<Int>) {
      if (it->get<std::int64_t>() < 0) {
        return;
      }
    }
    out = it->get<Int>();
  }
}

// The counts by their JSON names (bytes_copied, 64-bit everywhere, apart).
constexpr std::array k_count_fields{
  std::pair{"copied_to_cloud", &RunCounts::copied_to_cloud},
  std::pair{"copied_to_local", &RunCounts::copied_to_local},
  std::pair{"deleted", &RunCounts::deleted},
  std::pair{"backed_up", &RunCounts::backed_up},
  std::pair{"conflicts", &RunCounts::conflicts},
  std::pair{"failed", &RunCounts::failed},
  std::pair{"changed_meanwhile", &RunCounts::changed_meanwhile},
  std::pair{"restored", &RunCounts::restored},
  std::pair{"removed", &RunCounts::removed},
};

json counts_json(const RunCounts& c) {
  json doc{{"bytes_copied", c.bytes_copied}};
  for (const auto& [name, field] : k_count_fields) {
    doc[name] = c.*field;
  }
  return doc;
}

RunCounts counts_from_json(const json& doc) {
  RunCounts c;
  if (!doc.is_object()) {
    return c;
  }
  for (const auto& [name, field] : k_count_fields) {
    take(doc, name, c.*field);
  }
  take(doc, "bytes_copied", c.bytes_copied);
  return c;
}

// The latest scheduled run that `record` knows of: itself, or what it carried.
std::optional<ScheduledSummary> latest_scheduled(const RunRecord& record) {
  if (record.scheduled) {
    return ScheduledSummary{record.finished, record.exit_code, std::max<std::size_t>(record.streak, 1),
                            record.failing_since};
  }
  return record.last_scheduled;
}

} // namespace

std::string RunRecord::command_line() const {
  return mode.empty() ? command : fmt::format("{} --{}", command, mode);
}

json to_json(const RunRecord& r) {
  json doc{{"format", k_run_record_format},
           {"command", r.command},
           {"mode", r.mode.empty() ? json() : json(r.mode)},
           {"scheduled", r.scheduled},
           {"started", r.started},
           {"finished", r.finished},
           {"duration_ms", r.duration_ms},
           {"machine", r.machine.empty() ? json() : json(r.machine)},
           {"config", r.config.empty() ? json() : json(r.config)},
           {"profile", r.profile.empty() ? json() : json(r.profile)},
           {"version", r.version},
           {"exit_code", r.exit_code},
           {"outcome", exit_code_name(r.code())},
           {"counts", counts_json(r.counts)},
           {"first_error", r.first_error.empty() ? json() : json(r.first_error)},
           {"conflicts", r.conflicts}};
  if (r.scheduled) {
    doc["streak"] = r.streak;
    doc["failing_since"] = r.failing_since.empty() ? json() : json(r.failing_since);
  } else if (r.last_scheduled) {
    const auto& s = *r.last_scheduled;
    doc["last_scheduled"] = {{"finished", s.finished},
                             {"exit_code", s.exit_code},
                             {"streak", s.streak},
                             {"failing_since", s.failing_since.empty() ? json() : json(s.failing_since)}};
  }
  return doc;
}

std::optional<RunRecord> run_record_from_json(const json& doc, std::string& problem) {
  if (!doc.is_object()) {
    problem = "not a JSON object";
    return std::nullopt;
  }
  if (doc.value("format", json()) != k_run_record_format) {
    problem = fmt::format("not a run record of format \"{}\"", k_run_record_format);
    return std::nullopt;
  }
  RunRecord r;
  take(doc, "command", r.command);
  take(doc, "finished", r.finished);
  const auto code = doc.find("exit_code");
  if (r.command.empty() || r.finished.empty() || code == doc.end() || !code->is_number_integer() ||
      code->get<std::int64_t>() < 0 || code->get<std::int64_t>() > 255) {
    problem = "the command, its end time or its exit code is missing";
    return std::nullopt;
  }
  r.exit_code = code->get<int>();
  take(doc, "mode", r.mode);
  take(doc, "scheduled", r.scheduled);
  take(doc, "started", r.started);
  take(doc, "duration_ms", r.duration_ms);
  take(doc, "machine", r.machine);
  take(doc, "config", r.config);
  take(doc, "profile", r.profile);
  take(doc, "version", r.version);
  take(doc, "first_error", r.first_error);
  if (const auto it = doc.find("counts"); it != doc.end()) {
    r.counts = counts_from_json(*it);
  }
  if (const auto it = doc.find("conflicts"); it != doc.end() && it->is_array()) {
    for (const auto& path : *it) {
      if (path.is_string() && r.conflicts.size() < k_max_recorded_conflicts) {
        r.conflicts.push_back(path.get<std::string>());
      }
    }
  }
  take(doc, "streak", r.streak);
  take(doc, "failing_since", r.failing_since);
  if (const auto it = doc.find("last_scheduled"); it != doc.end() && it->is_object()) {
    ScheduledSummary s;
    take(*it, "finished", s.finished);
    take(*it, "exit_code", s.exit_code);
    take(*it, "streak", s.streak);
    take(*it, "failing_since", s.failing_since);
    r.last_scheduled = s;
  }
  return r;
}

void continue_streak(RunRecord& run, const std::optional<RunRecord>& previous) {
  const auto before = previous ? latest_scheduled(*previous) : std::nullopt;
  if (!run.scheduled) {
    run.last_scheduled = before;
    return;
  }
  run.last_scheduled.reset();
  run.streak = before && before->exit_code == run.exit_code ? before->streak + 1 : 1;
  if (run.exit_code == 0) {
    run.failing_since.clear();
  } else if (before && before->exit_code != 0 && !before->failing_since.empty()) {
    run.failing_since = before->failing_since;
  } else {
    run.failing_since = run.started;
  }
}

std::string run_record_key(const std::optional<std::filesystem::path>& config_file, std::string_view profile) {
  if (!config_file) {
    return "no-config";
  }
  const auto path = util::display_path(*config_file);
  return util::sha256_hex(profile.empty() ? path : fmt::format("{}#{}", path, profile)).substr(0, 16);
}

std::optional<std::filesystem::path> run_record_dir(const util::Environment& env,
                                                    const std::optional<std::filesystem::path>& config_file,
                                                    std::string_view profile) {
  const auto base = util::user_state_dir(env);
  if (!base) {
    return std::nullopt;
  }
  return *base / "runs" / run_record_key(config_file, profile);
}

LoadedRunRecord load_run_record(const std::filesystem::path& dir, std::string_view name) {
  LoadedRunRecord out;
  out.path = dir / name;
  std::error_code ec;
  if (!std::filesystem::exists(out.path, ec)) {
    return out;
  }
  out.exists = true;
  const auto text = util::read_file(out.path, ec);
  if (!text) {
    out.problem = fmt::format("cannot read it ({})", ec.message());
    return out;
  }
  const auto doc = json::parse(*text, nullptr, false);
  if (doc.is_discarded()) {
    out.problem = "it is damaged (not valid JSON)";
    return out;
  }
  std::string problem;
  out.record = run_record_from_json(doc, problem);
  if (!out.record) {
    out.problem = "it is " + problem;
  }
  return out;
}

std::string save_run_record(const std::filesystem::path& dir, const RunRecord& record) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return fmt::format("cannot create {} ({})", util::display_path(dir), ec.message());
  }
  // Error messages may quote a file name that is not valid UTF-8.
  const auto text = to_json(record).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  std::vector<std::string_view> names{k_last_run_file};
  if (record.command == "sync") {
    names.push_back(k_last_sync_file);
    if (record.mode == "apply" && record.exit_code == 0) {
      names.push_back(k_last_success_file);
    }
  }
  for (const auto name : names) {
    const auto path = dir / name;
    util::write_file_atomic(path, text, ec, 0600);
    if (ec) {
      return fmt::format("cannot write {} ({})", util::display_path(path), ec.message());
    }
  }
  return {};
}

} // namespace codexsync::state
