#include <codexsync/config/load.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/text.hpp>

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <set>

namespace codexsync::config {
namespace {

// Sections of codexSync 0.2 that codexsync does not implement: read, warned, ignored.
constexpr std::array k_foreign_sections{"state_backup", "handoff", "guardian", "semantic", "path_mappings",
                                        "assumptions"};

// codexSync 0.2's own [scheduler] keys: codexsync schedules through the OS
// (`codexsync schedule install`) and only reads stale_after_hours there.
constexpr std::array k_peer_scheduler_keys{"enabled",        "mode",          "interval_seconds", "run_at_login",
                                           "startup_delay_seconds", "jitter_seconds", "sync_at_login"};

SourcePos pos_of(const toml::node& node) {
  const auto& begin = node.source().begin;
  return SourcePos{static_cast<int>(begin.line), static_cast<int>(begin.column)};
}

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
  case toml::node_type::string: return "a string";
  case toml::node_type::integer: return "an integer";
  case toml::node_type::floating_point: return "a number with a fraction";
  case toml::node_type::boolean: return "a boolean";
  case toml::node_type::array: return "a list";
  case toml::node_type::table: return "a table";
  case toml::node_type::date:
  case toml::node_type::time:
  case toml::node_type::date_time: return "a date/time";
  case toml::node_type::none: return "nothing";
  }
  return "a value";
}

std::string shown_value(const toml::node& node) {
  if (const auto* s = node.as_string()) {
    return fmt::format(" \"{}\"", s->get());
  }
  if (const auto* i = node.as_integer()) {
    return fmt::format(" {}", i->get());
  }
  if (const auto* b = node.as_boolean()) {
    return b->get() ? " true" : " false";
  }
  return {};
}

// Reads one config file: records where every key stood, what the loader
// understood, and every problem with its position.
class Reader {
public:
  Reader(const toml::table& root, fs::path file, Config& config)
    : m_root(root), m_file(std::move(file)), m_config(config) {}

  std::vector<std::string>& errors() { return m_errors; }
  std::vector<std::string>& warnings() { return m_warnings; }
  const std::vector<std::string>& known() const { return m_known; }

  std::string at(const SourcePos& pos) const {
    return fmt::format("{}:{}:{}: ", util::display_path(m_file), std::max(pos.line, 1), std::max(pos.column, 1));
  }

  void error(const SourcePos& pos, const std::string& message) { m_errors.push_back(at(pos) + message); }
  void error_at_key(const std::string& dotted, const std::string& message) {
    m_errors.push_back(m_config.where(dotted) + message);
  }
  void warning(const SourcePos& pos, const std::string& message) {
    m_warnings.push_back(at(pos) + "warning: " + message);
  }

  // Returns the value node of section.key, recording the key as known and its position.
  const toml::node* node(std::string_view section, std::string_view key) {
    const auto dotted = fmt::format("{}.{}", section, key);
    m_known.push_back(dotted);
    const auto* table = section_table(section);
    if (table == nullptr) {
      return nullptr;
    }
    const auto* value = table->get(key);
    if (value != nullptr) {
      m_config.positions[dotted] = pos_of(*value);
    }
    return value;
  }

  const toml::table* section_table(std::string_view section) {
    const toml::node* node = &static_cast<const toml::node&>(m_root);
    for (const auto& part : util::split(section, '.')) {
      const auto* table = node->as_table();
      node = table != nullptr ? table->get(part) : nullptr;
      if (node == nullptr) {
        return nullptr;
      }
    }
    if (!node->is_table()) {
      if (m_bad_sections.insert(std::string(section)).second) {
        error(pos_of(*node), fmt::format("[{}] must be a table, not {}", section, type_name(*node)));
      }
      return nullptr;
    }
    m_config.positions.emplace(std::string(section), pos_of(*node));
    return node->as_table();
  }

  void read_bool(std::string_view section, std::string_view key, bool& out) {
    const auto* value = node(section, key);
    if (value == nullptr) {
      return;
    }
    if (const auto* b = value->as_boolean()) {
      out = b->get();
      return;
    }
    error(pos_of(*value), fmt::format("{}.{} must be true or false (without quotes), not {}{}", section, key,
                                      type_name(*value), shown_value(*value)));
  }

  // Reads an integer in [min, max]; `what` describes the range in messages.
  void read_int(std::string_view section, std::string_view key, std::int64_t& out, std::int64_t min,
                std::int64_t max) {
    const auto* value = node(section, key);
    if (value == nullptr) {
      return;
    }
    const auto* i = value->as_integer();
    if (i == nullptr) {
      error(pos_of(*value), fmt::format("{}.{} must be a whole number, not {}{}", section, key, type_name(*value),
                                        shown_value(*value)));
      return;
    }
    if (i->get() < min || i->get() > max) {
      const auto range = min == max ? fmt::format("{}", min) : fmt::format("between {} and {}", min, max);
      error(pos_of(*value), fmt::format("{}.{} must be {}, not {}", section, key, range, i->get()));
      return;
    }
    out = i->get();
  }

  std::optional<std::string> read_string(std::string_view section, std::string_view key) {
    const auto* value = node(section, key);
    if (value == nullptr) {
      return std::nullopt;
    }
    if (const auto* s = value->as_string()) {
      return s->get();
    }
    error(pos_of(*value), fmt::format("{}.{} must be a string in quotes, not {}{}", section, key,
                                      type_name(*value), shown_value(*value)));
    return std::nullopt;
  }

  template <typename Enum, std::size_t N>
  void read_enum(std::string_view section, std::string_view key, Enum& out, const std::array<Enum, N>& allowed,
                 bool case_insensitive = false) {
    const auto text = read_string(section, key);
    if (!text) {
      return;
    }
    const auto wanted = case_insensitive ? util::to_lower_ascii(*text) : *text;
    std::vector<std::string> names;
    for (const auto candidate : allowed) {
      const std::string name(to_string(candidate));
      names.push_back(fmt::format("\"{}\"", name));
      if ((case_insensitive ? util::to_lower_ascii(name) : name) == wanted) {
        out = candidate;
        return;
      }
    }
    error(m_config.positions[fmt::format("{}.{}", section, key)],
          fmt::format("{}.{} = \"{}\" is not allowed; use one of {}", section, key, *text, util::join(names, ", ")));
  }

  std::optional<std::vector<std::string>> read_string_list(std::string_view section, std::string_view key) {
    const auto* value = node(section, key);
    if (value == nullptr) {
      return std::nullopt;
    }
    const auto* array = value->as_array();
    if (array == nullptr) {
      error(pos_of(*value), fmt::format("{}.{} must be a list of strings in brackets, e.g. [\"a\", \"b\"], not {}{}",
                                        section, key, type_name(*value), shown_value(*value)));
      return std::nullopt;
    }
    std::vector<std::string> out;
    bool ok = true;
    for (const auto& item : *array) {
      if (const auto* s = item.as_string()) {
        out.push_back(s->get());
      } else {
        error(pos_of(item),
              fmt::format("{}.{} must hold only strings, but has {}{}", section, key, type_name(item), shown_value(item)));
        ok = false;
      }
    }
    if (!ok) {
      return std::nullopt;
    }
    return out;
  }

private:
  const toml::table& m_root;
  fs::path m_file;
  Config& m_config;
  std::vector<std::string> m_errors;
  std::vector<std::string> m_warnings;
  std::vector<std::string> m_known;
  std::set<std::string, std::less<>> m_bad_sections;
};

// Turns a configured path into an absolute one: ${workspace_root}, `~`, a
// Windows `\\?\` prefix, and a base for relative paths.
class PathResolver {
public:
  PathResolver(Reader& reader, const util::Environment& env, fs::path config_dir)
    : m_reader(reader), m_env(env), m_config_dir(std::move(config_dir)) {}

  void set_workspace(std::optional<fs::path> workspace) { m_workspace = std::move(workspace); }

  std::optional<fs::path> resolve(std::string_view section, std::string_view key, const std::string& raw,
                                  const SourcePos& pos) {
    std::string text = util::strip_long_path_prefix(util::trim(raw));
    if (text.empty()) {
      m_reader.error(pos, fmt::format("{}.{} is empty; give a folder path or remove the line", section, key));
      return std::nullopt;
    }
    static constexpr std::string_view k_placeholder = "${workspace_root}";
    for (auto at = text.find("${"); at != std::string::npos; at = text.find("${", at)) {
      if (text.compare(at, k_placeholder.size(), k_placeholder) != 0) {
        const auto end = text.find('}', at);
        m_reader.error(pos, fmt::format("{}.{} uses {}, but the only substitution is ${{workspace_root}}", section,
                                        key, text.substr(at, end == std::string::npos ? end : end - at + 1)));
        return std::nullopt;
      }
      if (section == "paths" && key == "workspace_root_dir") {
        m_reader.error(pos, "paths.workspace_root_dir cannot use ${workspace_root}: it is what that stands for");
        return std::nullopt;
      }
      if (!m_workspace) {
        m_reader.error(pos, fmt::format("{}.{} uses ${{workspace_root}}, but paths.workspace_root_dir is not set; "
                                        "set it to your cloud-synced folder",
                                        section, key));
        return std::nullopt;
      }
      const auto replacement = util::display_path(*m_workspace);
      text.replace(at, k_placeholder.size(), replacement);
      at += replacement.size();
    }
    if (text == "~" || util::starts_with(text, "~/") || util::starts_with(text, "~\\")) {
      const auto home = util::home_dir(m_env);
      if (!home) {
        m_reader.error(pos, fmt::format("{}.{} starts with ~, but the home folder is unknown (HOME is not set); "
                                        "write the full path",
                                        section, key));
        return std::nullopt;
      }
      text = util::display_path(*home) + text.substr(1);
    }
    auto path = util::path_from_utf8(text);
    if (path.is_relative()) {
      const bool is_workspace_key = section == "paths" && key == "workspace_root_dir";
      const auto& base = (m_workspace && !is_workspace_key) ? *m_workspace : m_config_dir;
      path = base / path;
    }
    return path.lexically_normal();
  }

private:
  Reader& m_reader;
  const util::Environment& m_env;
  fs::path m_config_dir;
  std::optional<fs::path> m_workspace;
};

std::optional<fs::path> read_path(Reader& reader, PathResolver& resolver, Config& config, std::string_view section,
                                  std::string_view key) {
  const auto raw = reader.read_string(section, key);
  if (!raw) {
    return std::nullopt;
  }
  return resolver.resolve(section, key, *raw, config.positions[fmt::format("{}.{}", section, key)]);
}

bool looks_absolute(std::string_view text) {
  if (text.empty()) {
    return false;
  }
  if (text.front() == '/' || text.front() == '\\' || text.front() == '~') {
    return true;
  }
  // C:, C:/x, C:\x: absolute or drive-relative on Windows; never inside the state dir.
  return text.size() >= 2 && text[1] == ':' &&
         ((text[0] >= 'A' && text[0] <= 'Z') || (text[0] >= 'a' && text[0] <= 'z'));
}

// Validates and normalises one include root ("sessions", "skills/x", "a.json").
std::optional<std::string> normalise_include_root(Reader& reader, const SourcePos& pos, const std::string& raw) {
  std::string text(util::trim(raw));
  std::replace(text.begin(), text.end(), '\\', '/');
  if (text.empty() || text == "." || text == "./") {
    reader.error(pos, fmt::format("targets.include_roots entry \"{}\" would sync the whole state folder, "
                                  "credentials included; list its folders instead, e.g. \"sessions\", \"skills\"",
                                  raw));
    return std::nullopt;
  }
  if (looks_absolute(text)) {
    reader.error(pos, fmt::format("targets.include_roots entry \"{}\" is absolute; write it relative to the "
                                  "agent's state folder, e.g. \"skills\"",
                                  raw));
    return std::nullopt;
  }
  std::vector<std::string> parts;
  for (const auto& part : util::split(text, '/')) {
    if (part.empty() || part == ".") {
      continue;
    }
    if (part == "..") {
      if (parts.empty()) {
        reader.error(pos, fmt::format("targets.include_roots entry \"{}\" leads out of the agent's state folder; "
                                      "only paths inside it can be synced",
                                      raw));
        return std::nullopt;
      }
      parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  if (parts.empty()) {
    reader.error(pos, fmt::format("targets.include_roots entry \"{}\" names the whole state folder; list its "
                                  "folders instead",
                                  raw));
    return std::nullopt;
  }
  return util::join(parts, "/");
}

void read_identity(Reader& r, Config& c, const util::Environment& /*env*/) {
  if (auto id = r.read_string("identity", "machine_id")) {
    c.identity.machine_id = std::string(util::trim(*id));
    if (c.identity.machine_id.empty()) {
      r.error(c.positions["identity.machine_id"],
              "identity.machine_id is empty; give this machine a stable unique name, e.g. \"laptop\"");
    }
  }
  const auto raw = c.identity.machine_id.empty() ? util::host_name() : c.identity.machine_id;
  c.identity.effective_machine_id = util::sanitize_file_component(raw, "unknown-machine");
  if (!c.identity.machine_id.empty() && c.identity.effective_machine_id != c.identity.machine_id) {
    r.warning(c.positions["identity.machine_id"],
              fmt::format("identity.machine_id \"{}\" is written as \"{}\" in file names", c.identity.machine_id,
                          c.identity.effective_machine_id));
  }
}

void read_paths(Reader& r, PathResolver& resolver, Config& c, const util::Environment& env) {
  c.paths.workspace_root_dir = read_path(r, resolver, c, "paths", "workspace_root_dir");
  resolver.set_workspace(c.paths.workspace_root_dir);

  c.paths.configured_local_state_dir = read_path(r, resolver, c, "paths", "local_state_dir");
  std::error_code ec;
  if (c.paths.configured_local_state_dir && fs::is_directory(*c.paths.configured_local_state_dir, ec)) {
    c.paths.local_state_dir = *c.paths.configured_local_state_dir;
    c.paths.local_state_dir_source = StateDirSource::config;
  } else if (auto codex_home = env.get("CODEX_HOME")) {
    c.paths.local_state_dir = util::path_from_utf8(*codex_home).lexically_normal();
    c.paths.local_state_dir_source = StateDirSource::codex_home_env;
  } else if (auto home = util::home_dir(env)) {
    c.paths.local_state_dir = (*home / ".codex").lexically_normal();
    c.paths.local_state_dir_source = StateDirSource::home_default;
  } else {
    r.error(c.positions.count("paths.local_state_dir") != 0U ? c.positions["paths.local_state_dir"] : SourcePos{},
            "cannot find the agent's state folder: paths.local_state_dir is not set or does not exist, and "
            "neither CODEX_HOME nor HOME is set; set paths.local_state_dir to an existing folder");
    return;
  }
  if (c.paths.configured_local_state_dir && c.paths.local_state_dir_source != StateDirSource::config) {
    r.warning(c.positions["paths.local_state_dir"],
              fmt::format("paths.local_state_dir {} does not exist; using {} from {}",
                          util::display_path(*c.paths.configured_local_state_dir),
                          util::display_path(c.paths.local_state_dir), to_string(c.paths.local_state_dir_source)));
  }

  const auto required = [&](std::string_view key, fs::path& out) {
    if (auto path = read_path(r, resolver, c, "paths", key)) {
      out = *path;
    } else if (c.positions.find(fmt::format("paths.{}", key)) == c.positions.end()) {
      r.error(c.positions.count("paths") != 0U ? c.positions["paths"] : SourcePos{},
              fmt::format("paths.{} is required; e.g. {} = \"${{workspace_root}}/{}\"", key, key,
                          key == "cloud_root_dir" ? "sync" : key == "backup_dir" ? "backups" : ".tmp"));
    }
  };
  required("cloud_root_dir", c.paths.cloud_root_dir);
  required("backup_dir", c.paths.backup_dir);
  required("temp_dir", c.paths.temp_dir);
}

void read_sync(Reader& r, Config& c) {
  auto& s = c.sync;
  if (auto mode = r.read_string("sync", "mode"); mode && *mode != "cold") {
    r.error(c.positions["sync.mode"],
            fmt::format("sync.mode = \"{}\" is not allowed; only \"cold\" exists (nothing is written while the "
                        "agent runs)",
                        *mode));
  }
  r.read_enum("sync", "direction", s.direction,
              std::array{Direction::bidirectional, Direction::to_cloud, Direction::to_local});
  r.read_enum("sync", "compare", s.compare, std::array{Compare::mtime, Compare::mtime_hash_fallback});
  r.read_int("sync", "time_tolerance_seconds", s.time_tolerance_seconds, 0, 86400);
  r.read_enum("sync", "equal_mtime_action", s.equal_mtime_action,
              std::array{EqualMtimeAction::skip, EqualMtimeAction::prefer_local, EqualMtimeAction::prefer_cloud,
                         EqualMtimeAction::manual_abort});
  r.read_enum("sync", "delete_policy", s.delete_policy, std::array{DeletePolicy::never, DeletePolicy::propagate});
  r.read_bool("sync", "dry_run_default", s.dry_run_default);
  r.read_enum("sync", "session_mode", s.session_mode, std::array{SessionMode::all, SessionMode::last_date_only});
}

void read_targets_and_filters(Reader& r, Config& c) {
  const auto roots = r.read_string_list("targets", "include_roots");
  if (roots) {
    const auto pos = c.positions["targets.include_roots"];
    for (const auto& raw : *roots) {
      if (auto root = normalise_include_root(r, pos, raw)) {
        if (std::find(c.targets.include_roots.begin(), c.targets.include_roots.end(), *root) ==
            c.targets.include_roots.end()) {
          c.targets.include_roots.push_back(*root);
        }
      }
    }
    if (roots->empty()) {
      r.error(pos, "targets.include_roots is empty; list the folders and files under the agent's state folder "
                   "to sync, e.g. [\"skills\", \"rules\"]");
    }
  } else if (c.positions.find("targets.include_roots") == c.positions.end()) {
    r.error(c.positions.count("targets") != 0U ? c.positions["targets"] : SourcePos{},
            "targets.include_roots is not set; list the folders and files under the agent's state folder to "
            "sync, e.g. [targets] include_roots = [\"skills\", \"rules\"]");
  }

  if (auto globs = r.read_string_list("filters", "exclude_globs")) {
    for (auto& glob : *globs) {
      if (!util::trim(glob).empty()) {
        c.filters.exclude_globs.push_back(std::move(glob));
      }
    }
  }
}

void read_conflict_backup_safety(Reader& r, Config& c) {
  r.read_enum("conflict", "policy", c.conflict.policy,
              std::array{ConflictPolicy::manual_abort, ConflictPolicy::prefer_cloud, ConflictPolicy::prefer_local,
                         ConflictPolicy::prefer_newer_mtime});
  r.read_bool("conflict", "report_conflicts", c.conflict.report_conflicts);

  r.read_bool("backup", "backup_before_overwrite", c.backup.backup_before_overwrite);
  r.read_int("backup", "retention_days", c.backup.retention_days, 0, 36500);
  r.read_int("backup", "max_backups", c.backup.max_backups, 0, 1000000);
  r.read_enum("backup", "compression", c.backup.compression, std::array{Compression::none, Compression::zip});

  r.read_bool("safety", "require_codex_stopped", c.safety.require_codex_stopped);
  r.read_bool("safety", "fail_on_unknown", c.safety.fail_on_unknown);
}

void read_process_detection(Reader& r, Config& c) {
  auto& p = c.process_detection;
  if (auto names = r.read_string_list("process_detection", "process_names")) {
    std::vector<std::string> cleaned;
    for (const auto& name : *names) {
      auto lowered = util::to_lower_ascii(util::trim(name));
      if (!lowered.empty() && std::find(cleaned.begin(), cleaned.end(), lowered) == cleaned.end()) {
        cleaned.push_back(std::move(lowered));
      }
    }
    if (cleaned.empty()) {
      r.error(c.positions["process_detection.process_names"],
              "process_detection.process_names is empty; without it codexsync cannot tell whether the agent runs. "
              "Use e.g. [\"codex.exe\", \"codex\", \"codex-app-server\"]");
    } else {
      p.process_names = std::move(cleaned);
    }
  }
  r.read_int("process_detection", "grace_period_seconds", p.grace_period_seconds, 0, 600);
  r.read_bool("process_detection", "allow_terminate_if_running", p.allow_terminate_if_running);
  r.read_bool("process_detection", "manual_terminate_confirmation", p.manual_terminate_confirmation);
  r.read_enum("process_detection", "terminate_confirmation_mode", p.terminate_confirmation_mode,
              std::array{ConfirmationMode::gui, ConfirmationMode::console});
  r.read_int("process_detection", "terminate_timeout_seconds", p.terminate_timeout_seconds, 0, 3600);

  p.background_process_names = default_background_process_names();
  static constexpr std::array k_oses{"windows", "macos", "linux"};
  for (const auto* os : k_oses) {
    if (auto names = r.read_string_list("process_detection.background_process_names", os)) {
      p.background_process_names[os] = std::move(*names);
    }
  }
  if (const auto* table = r.section_table("process_detection.background_process_names")) {
    for (const auto& [key, value] : *table) {
      const auto name = std::string(key.str());
      if (std::find(k_oses.begin(), k_oses.end(), name) == k_oses.end()) {
        r.error(pos_of(value), fmt::format("process_detection.background_process_names.{} is not allowed; the "
                                           "keys are windows, macos and linux",
                                           name));
      }
    }
  }
}

void read_state_and_logging(Reader& r, PathResolver& resolver, Config& c) {
  c.state.manifest_file = read_path(r, resolver, c, "state", "manifest_file");
  r.read_int("state", "data_version", c.state.data_version, 1, 1);

  auto& l = c.logging;
  r.read_enum("logging", "level", l.level,
              std::array{LogLevel::debug, LogLevel::info, LogLevel::warning, LogLevel::error}, true);
  l.file = read_path(r, resolver, c, "logging", "file");
  r.read_enum("logging", "format", l.format, std::array{LogFormat::text, LogFormat::json, LogFormat::logfmt});
  r.read_int("logging", "retention_days", l.retention_days, 0, 36500);
  r.read_enum("logging", "archive_mode", l.archive_mode, std::array{ArchiveMode::text, ArchiveMode::zip});
  r.read_int("logging", "max_file_size_mb", l.max_file_size_mb, 1, 4096);
}

void read_scheduler_and_notify(Reader& r, Config& c) {
  r.read_int("scheduler", "stale_after_hours", c.scheduler.stale_after_hours, 1, 24 * 366);

  auto& n = c.notify;
  if (const auto* value = r.node("notify", "command")) {
    const auto pos = pos_of(*value);
    if (value->is_array()) {
      if (auto argv = r.read_string_list("notify", "command")) {
        if (argv->empty() || util::trim(argv->front()).empty()) {
          r.error(pos, "notify.command is an empty list or starts with an empty program name; give the program "
                       "and its arguments, e.g. [\"notify-send\", \"codexsync\"], or remove the line");
        } else {
          n.argv = std::move(*argv);
        }
      }
    } else if (const auto* text = value->as_string()) {
      if (util::trim(text->get()).empty()) {
        r.error(pos, "notify.command is empty; give a command or remove the line");
      } else {
        n.shell_command = text->get();
      }
    } else {
      r.error(pos, fmt::format("notify.command must be a string (run by the shell) or a list of strings (a "
                               "program and its arguments, run directly), not {}{}",
                               type_name(*value), shown_value(*value)));
    }
  }
  r.read_int("notify", "timeout_seconds", n.timeout_seconds, 1, 3600);
}

// "cs1:" and 16 hex digits, as secrets::Finding::fingerprint (lower-cased here).
bool is_fingerprint_text(std::string_view text) {
  static constexpr std::string_view k_prefix = "cs1:";
  return text.size() == k_prefix.size() + 16 && util::starts_with(text, k_prefix) &&
         std::all_of(text.begin() + static_cast<std::ptrdiff_t>(k_prefix.size()), text.end(),
                     [](char ch) { return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'); });
}

// [secrets]: what the secret guard does with a finding, and the fingerprints
// of findings the user accepted. An entry that is not a fingerprint is never
// echoed: it may be the secret itself, pasted by mistake.
void read_secrets(Reader& r, Config& c) {
  r.read_enum("secrets", "on_detect", c.secrets.on_detect, std::array{SecretAction::refuse, SecretAction::skip});
  const auto* value = r.node("secrets", "allow");
  if (value == nullptr) {
    return;
  }
  const auto* array = value->as_array();
  if (array == nullptr) {
    r.error(pos_of(*value), fmt::format("secrets.allow must be a list of fingerprints in brackets, e.g. "
                                        "[\"cs1:0123456789abcdef\"], not {}",
                                        type_name(*value)));
    return;
  }
  for (const auto& item : *array) {
    const auto* text = item.as_string();
    auto fingerprint = text != nullptr ? util::to_lower_ascii(util::trim(text->get())) : std::string();
    if (text == nullptr || !is_fingerprint_text(fingerprint)) {
      r.error(pos_of(item),
              fmt::format("secrets.allow holds {} that is not a fingerprint; each entry is the \"cs1:\" and 16 hex "
                          "digits that the message about the secret showed (never the secret itself)",
                          text != nullptr ? fmt::format("a string of {} characters", text->get().size())
                                          : std::string(type_name(item))));
      continue;
    }
    c.secrets.allow.push_back(std::move(fingerprint));
  }
}

void read_all(Reader& r, PathResolver& resolver, Config& c, const util::Environment& env) {
  read_identity(r, c, env);
  read_paths(r, resolver, c, env);
  read_sync(r, c);
  read_targets_and_filters(r, c);
  read_conflict_backup_safety(r, c);
  read_process_detection(r, c);
  read_state_and_logging(r, resolver, c);
  read_scheduler_and_notify(r, c);
  read_secrets(r, c);
}

SourcePos key_pos(const toml::key& key, const toml::node& value) {
  const auto& begin = key.source().begin;
  return begin.line != 0 ? SourcePos{static_cast<int>(begin.line), static_cast<int>(begin.column)} : pos_of(value);
}

// Warns, in file order, about every section and key the loader did not read.
void warn_unknown_keys(Reader& r, const toml::table& root) {
  std::set<std::string, std::less<>> known(r.known().begin(), r.known().end());
  std::set<std::string, std::less<>> sections;
  for (const auto& key : known) {
    sections.insert(key.substr(0, key.rfind('.')));
  }
  std::vector<std::pair<SourcePos, std::string>> found;
  for (const auto& [key, value] : root) {
    const std::string section(key.str());
    if (std::find(k_foreign_sections.begin(), k_foreign_sections.end(), section) != k_foreign_sections.end()) {
      found.emplace_back(key_pos(key, value),
                         fmt::format("[{}] is a codexSync 0.2 feature that codexsync does not have; ignored", section));
      continue;
    }
    if (sections.count(section) == 0U) {
      found.emplace_back(key_pos(key, value), fmt::format("unknown section or key '{}' (ignored)", section));
      continue;
    }
    const auto* table = value.as_table();
    if (table == nullptr) {
      continue;  // reported by the reader
    }
    for (const auto& [sub, sub_value] : *table) {
      const auto dotted = fmt::format("{}.{}", section, sub.str());
      if (section == "scheduler" && std::find(k_peer_scheduler_keys.begin(), k_peer_scheduler_keys.end(),
                                              sub.str()) != k_peer_scheduler_keys.end()) {
        found.emplace_back(key_pos(sub, sub_value),
                           fmt::format("{} is a codexSync 0.2 setting that codexsync ignores; schedule runs with "
                                       "`codexsync schedule install --every … --at-login` instead",
                                       dotted));
        continue;
      }
      if (known.count(dotted) == 0U && sections.count(dotted) == 0U) {
        found.emplace_back(key_pos(sub, sub_value), fmt::format("unknown key '{}' (ignored)", dotted));
      }
    }
  }
  std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return std::pair{a.first.line, a.first.column} < std::pair{b.first.line, b.first.column};
  });
  for (const auto& [pos, message] : found) {
    r.warning(pos, message);
  }
}

// The folders codexsync writes besides the agent's own, with the key that names each.
struct NamedFolder {
  std::string key;
  std::string label;
  fs::path path;
};

void check_path_relations(Reader& r, const Config& c) {
  std::vector<NamedFolder> folders{
    {"paths.cloud_root_dir", "the cloud mirror (paths.cloud_root_dir)", c.paths.cloud_root_dir},
    {"paths.backup_dir", "the backup folder (paths.backup_dir)", c.paths.backup_dir},
    {"paths.temp_dir", "the temp folder (paths.temp_dir)", c.paths.temp_dir},
  };
  if (c.logging.file) {
    folders.push_back({"logging.file", "the log folder (logging.file)", c.logging.file->parent_path()});
  }
  if (c.state.manifest_file) {
    folders.push_back({"state.manifest_file", "the manifest folder (state.manifest_file)",
                       c.state.manifest_file->parent_path()});
  }
  for (const auto& folder : folders) {
    if (folder.path.empty()) {
      return;  // a required path is missing; already reported
    }
  }
  const auto& state = c.paths.local_state_dir;
  const auto state_text = util::display_path(state);
  for (const auto& folder : folders) {
    if (util::is_same_or_inside(folder.path, state)) {
      r.error_at_key(folder.key, fmt::format("{} {} lies inside the agent's state folder {}; move it outside, "
                                             "or the agent's own files would be synced into it",
                                             folder.label, util::display_path(folder.path), state_text));
    } else if (util::is_same_or_inside(state, folder.path)) {
      r.error_at_key(folder.key, fmt::format("the agent's state folder {} lies inside {} {}; choose a folder "
                                             "outside the agent's state folder",
                                             state_text, folder.label, util::display_path(folder.path)));
    }
  }
  for (std::size_t i = 0; i < folders.size(); ++i) {
    for (std::size_t j = i + 1; j < folders.size(); ++j) {
      const auto& a = folders[i];
      const auto& b = folders[j];
      if (util::is_same_path(a.path, b.path)) {
        r.error_at_key(b.key, fmt::format("{} and {} are the same folder {}; give each its own folder", a.label,
                                          b.label, util::display_path(b.path)));
        continue;
      }
      // Anything inside the cloud mirror would be synced as agent state; the
      // cloud, backup and temp folders must not nest in either direction.
      const bool both_core = i < 3 && j < 3;
      const auto forbidden_inside = [&](const NamedFolder& inner, const NamedFolder& outer) {
        return util::is_same_or_inside(inner.path, outer.path) &&
               (both_core || outer.key == "paths.cloud_root_dir");
      };
      for (const auto& [inner, outer] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
        if (forbidden_inside(*inner, *outer)) {
          r.error_at_key(inner->key, fmt::format("{} {} lies inside {} {}; keep them apart", inner->label,
                                                 util::display_path(inner->path), outer->label,
                                                 util::display_path(outer->path)));
        }
      }
    }
  }
}

} // namespace

LoadResult load_config_text(std::string_view text, const fs::path& file, const util::Environment& env) {
  auto absolute_file = file.is_absolute() ? file : (env.cwd / file);
  absolute_file = absolute_file.lexically_normal();
  const auto display = util::display_path(absolute_file);

  if (util::starts_with(text, "\xEF\xBB\xBF")) {
    text.remove_prefix(3);  // a UTF-8 BOM, as Notepad writes
  }
  toml::table root;
  try {
    root = toml::parse(text, display);
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    throw ConfigError({fmt::format("{}:{}:{}: invalid TOML: {}", display, begin.line, begin.column,
                                   e.description())});
  }

  LoadResult result;
  Config& c = result.config;
  c.source_file = absolute_file;
  Reader reader(root, absolute_file, c);
  PathResolver resolver(reader, env, absolute_file.parent_path());
  read_all(reader, resolver, c, env);
  warn_unknown_keys(reader, root);
  if (reader.errors().empty()) {
    check_path_relations(reader, c);
  }
  if (!reader.errors().empty()) {
    // Warnings too: a misspelt key is often why a value is missing.
    auto problems = std::move(reader.errors());
    problems.insert(problems.end(), reader.warnings().begin(), reader.warnings().end());
    throw ConfigError(std::move(problems));
  }
  result.warnings = std::move(reader.warnings());
  return result;
}

LoadResult load_config_file(const fs::path& file, const util::Environment& env) {
  std::error_code ec;
  if (fs::is_directory(file, ec)) {
    throw ConfigError({fmt::format("{}: is a folder, not a config file; pass the config.toml inside it with -c",
                                   util::display_path(file))});
  }
  const auto text = util::read_file(file, ec);
  if (!text) {
    throw ConfigError({fmt::format("{}: cannot read the config file ({}); check that it exists and is readable, "
                                   "or create one with `codexsync init-config`",
                                   util::display_path(file), ec.message())});
  }
  return load_config_text(*text, file, env);
}

std::optional<Config> salvage_config_file(const fs::path& file, const util::Environment& env) {
  std::error_code ec;
  auto text = util::read_file(file, ec);
  if (!text) {
    return std::nullopt;
  }
  std::string_view view = *text;
  if (util::starts_with(view, "\xEF\xBB\xBF")) {
    view.remove_prefix(3);
  }
  try {
    const auto root = toml::parse(view, util::display_path(file));
    Config c;
    c.source_file = file;
    Reader reader(root, file, c);
    read_identity(reader, c, env);
    read_scheduler_and_notify(reader, c);
    if (!reader.errors().empty()) {
      return std::nullopt;
    }
    return c;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::vector<std::string> write_blockers(const Config& config) {
  std::vector<std::string> out;
  if (!config.backup.backup_before_overwrite) {
    out.push_back(config.where("backup.backup_before_overwrite") +
                  "backup.backup_before_overwrite = false is refused for every command that writes: codexsync "
                  "backs up each file before it replaces or deletes it. Set it to true");
  }
  if (config.sync.session_mode == SessionMode::last_date_only) {
    out.push_back(config.where("sync.session_mode") +
                  "sync.session_mode = \"last_date_only\" is refused for every command that writes: it would "
                  "drop all but the latest day of chats. Set it to \"all\"");
  }
  return out;
}

void require_writable(const Config& config) {
  auto problems = write_blockers(config);
  if (!problems.empty()) {
    throw ConfigError(std::move(problems));
  }
}

std::vector<std::string> known_keys() {
  toml::table empty;
  Config config;
  Reader reader(empty, fs::path("known-keys.toml"), config);
  util::Environment env;
  env.inherit = false;
  env.vars["HOME"] = "/nonexistent";
  PathResolver resolver(reader, env, fs::path("/"));
  read_all(reader, resolver, config, env);
  std::vector<std::string> out;
  for (const auto& key : reader.known()) {
    if (std::find(out.begin(), out.end(), key) == out.end()) {
      out.push_back(key);
    }
  }
  return out;
}

} // namespace codexsync::config
