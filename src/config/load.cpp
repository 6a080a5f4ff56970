#include <codexsync/agent/profile.hpp>
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

// [profiles.<name>]: one table per agent, each a config of its own.
constexpr std::string_view k_profiles_section = "profiles";
// The sections a profile may override with [profiles.<name>.<section>].
constexpr std::array<std::string_view, 7> k_profile_sections{"sync",   "targets", "filters", "conflict",
                                                             "process_detection", "safety", "secrets"};
// The keys that belong to one agent: a profile never takes them from the top
// level (its kind's defaults apply unless its own tables set them).
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> k_agent_keys{{
  {"paths", "local_state_dir"},
  {"paths", "cloud_root_dir"},
  {"targets", "include_roots"},
  {"filters", "exclude_globs"},
  {"sync", "append_only_globs"},
  {"sync", "merge_line_globs"},
  {"process_detection", "process_names"},
  {"process_detection", "background_process_names"},
}};
// The sections all profiles share.
constexpr std::array<std::string_view, 6> k_shared_sections{"identity", "backup",    "state",
                                                            "logging",  "scheduler", "notify"};
constexpr std::size_t k_max_profile_name = 64;

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

// Why a glob can never match a path inside the state folder, or "".
std::string glob_problem(std::string_view glob) {
  std::string text(util::trim(glob));
  std::replace(text.begin(), text.end(), '\\', '/');
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return "holds a control character";
    }
  }
  const bool drive = text.size() >= 2 && text[1] == ':' &&
                     ((text[0] >= 'A' && text[0] <= 'Z') || (text[0] >= 'a' && text[0] <= 'z'));
  if (drive) {
    return "is an absolute path; write it relative to the agent's state folder (a leading / anchors it there)";
  }
  if (!text.empty() && text.front() == '~') {
    return "starts with ~; write it relative to the agent's state folder";
  }
  for (const auto& part : util::split(text, '/')) {
    if (part == "..") {
      return "uses \"..\"; paths are matched inside the agent's state folder only";
    }
  }
  return {};
}

// Reads a list of globs: every entry is checked (at its own position); empty
// entries are dropped. nullopt when the key is absent or not a list of strings.
std::optional<std::vector<std::string>> read_globs(Reader& r, std::string_view section, std::string_view key) {
  const auto* value = r.node(section, key);
  if (value == nullptr) {
    return std::nullopt;
  }
  const auto* array = value->as_array();
  if (array == nullptr) {
    r.error(pos_of(*value), fmt::format("{}.{} must be a list of strings in brackets, e.g. [\"**/*.tmp\"], not {}{}",
                                        section, key, type_name(*value), shown_value(*value)));
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (const auto& item : *array) {
    const auto* s = item.as_string();
    if (s == nullptr) {
      r.error(pos_of(item), fmt::format("{}.{} must hold only strings, but has {}{}", section, key, type_name(item),
                                        shown_value(item)));
      ok = false;
      continue;
    }
    if (const auto problem = glob_problem(s->get()); !problem.empty()) {
      r.error(pos_of(item), fmt::format("{}.{} entry \"{}\" {}", section, key, s->get(), problem));
      ok = false;
      continue;
    }
    if (!util::trim(s->get()).empty()) {
      out.push_back(s->get());
    }
  }
  if (!ok) {
    return std::nullopt;
  }
  return out;
}

// True when the file names the agent ([agent] kind, or a [profiles.<name>]):
// the profile then also supplies include_roots and exclude_globs. A file
// without it is a codexsync 0.x or codexSync file and loads as before.
bool names_agent(const Config& c) { return c.positions.count("agent.kind") != 0U; }

void read_agent(Reader& r, Config& c) {
  r.read_enum("agent", "kind", c.agent.kind,
              std::array{AgentKind::codex, AgentKind::claude, AgentKind::gemini, AgentKind::pi, AgentKind::custom});
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
  const auto& profile = agent::profile(c.agent.kind);
  const auto state_pos =
    c.positions.count("paths.local_state_dir") != 0U ? c.positions["paths.local_state_dir"] : SourcePos{};
  std::error_code ec;
  if (c.paths.configured_local_state_dir && fs::is_directory(*c.paths.configured_local_state_dir, ec)) {
    c.paths.local_state_dir = *c.paths.configured_local_state_dir;
    c.paths.local_state_dir_source = StateDirSource::config;
    c.paths.local_state_dir_origin = "config";
  } else if (auto fallback = agent::default_state_dir(profile, env)) {
    c.paths.local_state_dir = fallback->path;
    c.paths.local_state_dir_source = fallback->source;
    c.paths.local_state_dir_origin = fallback->origin;
  } else if (profile.state_dir.env_var.empty()) {
    // A custom agent has no folder to fall back to: the file must name it.
    if (!c.paths.configured_local_state_dir) {
      if (c.positions.count("paths.local_state_dir") == 0U) {
        r.error(c.positions.count("paths") != 0U ? c.positions["paths"] : SourcePos{},
                "paths.local_state_dir is required with [agent] kind = \"custom\": codexsync does not know "
                "where that agent keeps its state; set it to the agent's state folder");
      }
    } else {
      c.paths.local_state_dir = *c.paths.configured_local_state_dir;
      c.paths.local_state_dir_source = StateDirSource::config;
      c.paths.local_state_dir_origin = "config";
      r.warning(state_pos, fmt::format("paths.local_state_dir {} does not exist (yet); nothing can be synced "
                                       "until it does",
                                       util::display_path(c.paths.local_state_dir)));
    }
  } else {
    r.error(state_pos, fmt::format("cannot find the agent's state folder: paths.local_state_dir is not set or does "
                                   "not exist, and neither {} nor HOME is set; set paths.local_state_dir to an "
                                   "existing folder",
                                   profile.state_dir.env_var));
    return;
  }
  if (c.paths.configured_local_state_dir && c.paths.local_state_dir_source != StateDirSource::config) {
    r.warning(state_pos, fmt::format("paths.local_state_dir {} does not exist; using {} from {}",
                                     util::display_path(*c.paths.configured_local_state_dir),
                                     util::display_path(c.paths.local_state_dir), c.paths.local_state_dir_origin));
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
  r.read_enum("sync", "compare", s.compare, std::array{Compare::mtime, Compare::mtime_hash_fallback, Compare::hash});
  r.read_int("sync", "time_tolerance_seconds", s.time_tolerance_seconds, 0, 86400);
  r.read_enum("sync", "equal_mtime_action", s.equal_mtime_action,
              std::array{EqualMtimeAction::skip, EqualMtimeAction::prefer_local, EqualMtimeAction::prefer_cloud,
                         EqualMtimeAction::manual_abort});
  r.read_enum("sync", "delete_policy", s.delete_policy, std::array{DeletePolicy::never, DeletePolicy::propagate, DeletePolicy::propagate_all});
  r.read_bool("sync", "dry_run_default", s.dry_run_default);
  r.read_enum("sync", "session_mode", s.session_mode, std::array{SessionMode::all, SessionMode::last_date_only});
  r.read_int("sync", "delivery_wait_seconds", s.delivery_wait_seconds, 0, 86400);
  r.read_int("sync", "max_delete_percent", s.max_delete_percent, 1, 100);
  r.read_int("sync", "max_delete_count", s.max_delete_count, 0, 100000000);
  r.read_int("sync", "lease_seconds", s.lease_seconds, 0, 86400);
  r.read_bool("sync", "respect_peer_lease", s.respect_peer_lease);
  r.read_int("sync", "clock_offset_warn_seconds", s.clock_offset_warn_seconds, 1, 86400);
  r.read_bool("sync", "portable_names", s.portable_names);
  r.read_int("sync", "copy_threads", s.copy_threads, 0, 16);
  r.read_int("sync", "full_scan_hours", s.full_scan_hours, 0, 8760);
  r.read_enum("sync", "fast_forward", s.fast_forward,
              std::array{FastForward::automatic, FastForward::in_place, FastForward::new_file});

  const auto& profile = agent::profile(c.agent.kind);
  s.append_only_globs = read_globs(r, "sync", "append_only_globs").value_or(profile.append_only_globs);
  s.merge_line_globs = read_globs(r, "sync", "merge_line_globs").value_or(profile.merge_line_globs);
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
    const auto& defaults = agent::profile(c.agent.kind).include_roots;
    if (names_agent(c) && !defaults.empty()) {
      c.targets.include_roots = defaults;
    } else {
      const bool custom = c.agent.kind == AgentKind::custom;
      r.error(c.positions.count("targets") != 0U ? c.positions["targets"] : SourcePos{},
              fmt::format("targets.include_roots is not set; list the folders and files under the agent's state "
                          "folder to sync, e.g. [targets] include_roots = [\"skills\", \"rules\"]{}",
                          custom ? " ([agent] kind = \"custom\" has no defaults)"
                                 : " (or set [agent] kind to use that agent's defaults)"));
    }
  }

  const auto& profile = agent::profile(c.agent.kind);
  if (auto globs = read_globs(r, "filters", "exclude_globs")) {
    c.filters.exclude_globs = std::move(*globs);
  } else if (names_agent(c)) {
    c.filters.exclude_globs = profile.exclude_globs;
  }
  // The profile's list cannot be switched off: the file only adds to it.
  c.filters.never_sync_globs = profile.never_sync_globs;
  if (auto globs = read_globs(r, "filters", "never_sync_globs")) {
    for (auto& glob : *globs) {
      if (std::find(c.filters.never_sync_globs.begin(), c.filters.never_sync_globs.end(), glob) ==
          c.filters.never_sync_globs.end()) {
        c.filters.never_sync_globs.push_back(std::move(glob));
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

void read_process_detection(Reader& r, Config& c, const util::Environment& env) {
  auto& p = c.process_detection;
  const auto& profile = agent::profile(c.agent.kind);
  p.process_names.clear();
  for (const auto& name : agent::processes_for(profile, env.os).process_names) {
    p.process_names.push_back(util::to_lower_ascii(name));
  }
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
  } else if (c.agent.kind == AgentKind::custom && c.positions.count("process_detection.process_names") == 0U) {
    r.error(c.positions.count("process_detection") != 0U ? c.positions["process_detection"] : SourcePos{},
            "process_detection.process_names is not set; with [agent] kind = \"custom\" codexsync cannot tell "
            "whether the agent runs: list its process names, e.g. process_names = [\"my-agent\"]");
  }
  r.read_int("process_detection", "grace_period_seconds", p.grace_period_seconds, 0, 600);
  r.read_bool("process_detection", "allow_terminate_if_running", p.allow_terminate_if_running);
  r.read_bool("process_detection", "manual_terminate_confirmation", p.manual_terminate_confirmation);
  r.read_enum("process_detection", "terminate_confirmation_mode", p.terminate_confirmation_mode,
              std::array{ConfirmationMode::gui, ConfirmationMode::console});
  r.read_int("process_detection", "terminate_timeout_seconds", p.terminate_timeout_seconds, 0, 3600);

  p.background_process_names.clear();
  for (const auto os : {util::Os::windows, util::Os::macos, util::Os::linux}) {
    p.background_process_names[std::string(util::os_name(os))] = agent::processes_for(profile, os).background_names;
  }
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
  read_agent(r, c);
  read_identity(r, c, env);
  read_paths(r, resolver, c, env);
  read_sync(r, c);
  read_targets_and_filters(r, c);
  read_conflict_backup_safety(r, c);
  read_process_detection(r, c, env);
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
    if (section == k_profiles_section) {
      continue;  // checked by find_profiles and apply_profile
    }
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

// One [profiles.<name>] table of the file.
struct ProfileEntry {
  std::string name;
  SourcePos pos;
};

// A profile name becomes a folder name (<backup_dir>/<name>, ...).
bool valid_profile_name(std::string_view name) {
  if (name.empty() || name.size() > k_max_profile_name || name.front() == '.') {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
           ch == '_' || ch == '-';
  });
}

std::string kinds_list() {
  std::vector<std::string> names;
  for (const auto& p : agent::all_profiles()) {
    names.push_back(fmt::format("\"{}\"", to_string(p.kind)));
  }
  return util::join(names, ", ");
}

// Finds the [profiles.<name>] tables, in file order. Problems with their shape
// (not tables, bad names, a missing or unknown kind) go to `r` as errors: they
// make the whole file invalid.
std::vector<ProfileEntry> find_profiles(Reader& r, const toml::table& root) {
  const auto* node = root.get(k_profiles_section);
  if (node == nullptr) {
    return {};
  }
  const auto* table = node->as_table();
  if (table == nullptr) {
    r.error(pos_of(*node), fmt::format("profiles must be a table of [profiles.<name>] tables, not {}{}",
                                       type_name(*node), shown_value(*node)));
    return {};
  }
  std::vector<ProfileEntry> out;
  std::map<std::string, std::string> by_folder;  // lower-cased name -> name
  for (const auto& [key, value] : *table) {
    const std::string name(key.str());
    const auto pos = key_pos(key, value);
    const auto* own = value.as_table();
    if (own == nullptr) {
      r.error(pos, fmt::format("profiles.{} must be a table: write [profiles.{}] and its keys below it", name, name));
      continue;
    }
    if (!valid_profile_name(name)) {
      r.error(pos, fmt::format("the profile name \"{}\" cannot name a folder; use letters, digits, '.', '_' and "
                               "'-' (at most {}, not starting with '.')",
                               name, k_max_profile_name));
      continue;
    }
    const auto [it, fresh] = by_folder.emplace(util::to_lower_ascii(name), name);
    if (!fresh) {
      r.error(pos, fmt::format("the profiles \"{}\" and \"{}\" differ only in case; their folders would be the "
                               "same on Windows and macOS: rename one",
                               it->second, name));
      continue;
    }
    if (const auto* kind = own->get("kind")) {
      const auto* text = kind->as_string();
      if (text == nullptr) {
        r.error(pos_of(*kind), fmt::format("profiles.{}.kind must be a string in quotes, not {}{}", name,
                                           type_name(*kind), shown_value(*kind)));
      } else if (!agent::parse_kind(text->get())) {
        r.error(pos_of(*kind), fmt::format("profiles.{}.kind = \"{}\" is not allowed; use one of {}", name,
                                           text->get(), kinds_list()));
      }
    } else if (!agent::parse_kind(name)) {
      r.error(pos, fmt::format("profiles.{}.kind is not set; say which agent this profile syncs, e.g. kind = "
                               "\"claude\" (a profile named after its agent, such as [profiles.claude], needs none)",
                               name));
    }
    out.push_back(ProfileEntry{name, pos});
  }
  std::stable_sort(out.begin(), out.end(), [](const ProfileEntry& a, const ProfileEntry& b) {
    return std::pair{a.pos.line, a.pos.column} < std::pair{b.pos.line, b.pos.column};
  });
  return out;
}

// The top level is a config of its own when it names its cloud mirror.
bool top_level_is_config(const toml::table& root) {
  const auto* paths = root.get_as<toml::table>("paths");
  return paths != nullptr && paths->contains("cloud_root_dir");
}

std::vector<std::string> names_of(const std::vector<ProfileEntry>& profiles) {
  std::vector<std::string> names;
  names.reserve(profiles.size());
  for (const auto& p : profiles) {
    names.push_back(p.name);
  }
  return names;
}

// "section.key" known to the loader, for the keys a profile's tables may set.
const std::set<std::string, std::less<>>& known_key_set() {
  static const auto k_set = [] {
    const auto keys = known_keys();
    return std::set<std::string, std::less<>>(keys.begin(), keys.end());
  }();
  return k_set;
}

bool known_in_section(std::string_view section, std::string_view key) {
  const auto dotted = fmt::format("{}.{}", section, key);
  const auto& known = known_key_set();
  if (known.count(dotted) != 0U) {
    return true;
  }
  const auto prefix = dotted + ".";
  const auto it = known.lower_bound(prefix);
  return it != known.end() && util::starts_with(*it, prefix);
}

// The table `name` of `root`, created when absent; nullptr when it is there
// but not a table (the reader reports that).
toml::table* section_of_root(toml::table& root, std::string_view name) {
  if (root.get(name) == nullptr) {
    root.insert(name, toml::table{});
  }
  return root.get_as<toml::table>(name);
}

// Moves the keys of [profiles.<name>.<section>] over those of [<section>].
void merge_section(Reader& r, toml::table& root, const ProfileEntry& entry, std::string_view section,
                   toml::table& own) {
  auto* target = section_of_root(root, section);
  if (target == nullptr) {
    return;
  }
  for (auto&& [key, value] : own) {
    const std::string name(key.str());
    if (section != "secrets" && !known_in_section(section, name)) {
      r.warning(key_pos(key, value),
                fmt::format("unknown key 'profiles.{}.{}.{}' (ignored)", entry.name, section, name));
      continue;
    }
    // never_sync_globs only ever adds: the top level's and the profile's both apply.
    auto* existing = target->get_as<toml::array>(name);
    if (section == "filters" && name == "never_sync_globs" && existing != nullptr && value.is_array()) {
      for (auto&& item : *value.as_array()) {
        existing->push_back(std::move(item));
      }
      continue;
    }
    target->insert_or_assign(key, std::move(value));
  }
}

// Turns `root` into the config of one profile: the top level's sections with
// the profile's own keys and tables over them (see docs/configuration.md,
// "Several agents in one file"). Moving keeps each value's position, so
// messages point at the profile's lines.
void apply_profile(Reader& r, toml::table& root, const ProfileEntry& entry) {
  auto* profiles = root.get_as<toml::table>(k_profiles_section);
  toml::table own = std::move(*profiles->get_as<toml::table>(entry.name));
  root.erase(k_profiles_section);

  const bool top_is_config = top_level_is_config(root);
  const auto unused_at_top = [&](const std::string& dotted, const toml::node& value) {
    if (!top_is_config) {
      r.warning(pos_of(value), fmt::format("{} at the top level is not used: the top level has no "
                                           "paths.cloud_root_dir, so it is not a config of its own, and each "
                                           "profile takes this from its agent or its own tables",
                                           dotted));
    }
  };
  if (const auto* agent_table = root.get_as<toml::table>("agent")) {
    if (const auto* kind = agent_table->get("kind")) {
      unused_at_top("agent.kind", *kind);
    }
  }
  root.erase("agent");
  for (const auto& [section, key] : k_agent_keys) {
    if (auto* table = root.get_as<toml::table>(section)) {
      if (const auto* value = table->get(key)) {
        if (section != "paths") {
          unused_at_top(fmt::format("{}.{}", section, key), *value);
        }
        table->erase(key);
      }
    }
  }

  bool has_kind = false;
  bool has_cloud = false;
  for (auto&& [key, value] : own) {
    const std::string name(key.str());
    const auto pos = key_pos(key, value);
    if (name == "kind") {
      has_kind = true;
      if (auto* agent_table = section_of_root(root, "agent")) {
        agent_table->insert_or_assign(key, std::move(value));
      }
    } else if (name == "local_state_dir" || name == "cloud_root_dir") {
      has_cloud = has_cloud || name == "cloud_root_dir";
      if (auto* paths = section_of_root(root, "paths")) {
        paths->insert_or_assign(key, std::move(value));
      }
    } else if (value.is_table() &&
               std::find(k_profile_sections.begin(), k_profile_sections.end(), name) != k_profile_sections.end()) {
      merge_section(r, root, entry, name, *value.as_table());
    } else if (value.is_table() && name == "agent") {
      r.error(pos, fmt::format("[profiles.{}.agent] is not allowed: write kind = \"...\" directly in "
                               "[profiles.{}]",
                               entry.name, entry.name));
    } else if (value.is_table() && name == "paths") {
      r.error(pos, fmt::format("[profiles.{}.paths] is not allowed: set local_state_dir and cloud_root_dir "
                               "directly in [profiles.{}]; the other paths are shared by all profiles (each "
                               "profile gets its own folder inside backup_dir and temp_dir)",
                               entry.name, entry.name));
    } else if (value.is_table() && std::find(k_shared_sections.begin(), k_shared_sections.end(), name) !=
                                       k_shared_sections.end()) {
      r.error(pos, fmt::format("[profiles.{}.{}] is not allowed: [{}] is shared by all profiles; set it at the "
                               "top level. A profile may set kind, local_state_dir, cloud_root_dir and the "
                               "tables {}",
                               entry.name, name, name,
                               util::join(std::vector<std::string>(k_profile_sections.begin(),
                                                                   k_profile_sections.end()),
                                          ", ")));
    } else {
      r.warning(pos, fmt::format("unknown key 'profiles.{}.{}' (ignored)", entry.name, name));
    }
  }
  if (!has_kind) {
    // find_profiles made sure the name is a kind.
    if (auto* agent_table = section_of_root(root, "agent")) {
      agent_table->insert_or_assign("kind", entry.name);
    }
  }
  if (!has_cloud) {
    auto* paths = section_of_root(root, "paths");
    if (paths != nullptr && paths->contains("workspace_root_dir")) {
      paths->insert_or_assign("cloud_root_dir", "${workspace_root}/" + entry.name);
    } else if (paths != nullptr) {
      r.error(entry.pos, fmt::format("profiles.{}.cloud_root_dir is not set, and there is no "
                                     "paths.workspace_root_dir for its default (${{workspace_root}}/{}); set "
                                     "one of them",
                                     entry.name, entry.name));
    }
  }
}

// Each profile's own folders inside the shared ones, so baselines, journals,
// locks and snapshots of two agents never mix.
void give_own_folders(Config& c, const std::string& name) {
  c.agent.profile = name;
  const auto folder = util::path_from_utf8(name);
  c.paths.backup_dir /= folder;
  c.paths.temp_dir /= folder;
  if (c.state.manifest_file) {
    c.state.manifest_file = c.state.manifest_file->parent_path() / folder / c.state.manifest_file->filename();
  }
}

// The cloud mirror another profile (or the top level) of the same file uses.
std::optional<fs::path> other_cloud_dir(const toml::table& root, const std::string& profile,
                                        const Config& c, const util::Environment& env) {
  const toml::node* raw = nullptr;
  if (profile.empty()) {
    if (const auto* paths = root.get_as<toml::table>("paths")) {
      raw = paths->get("cloud_root_dir");
    }
  } else if (const auto* profiles = root.get_as<toml::table>(k_profiles_section)) {
    // (Not at_path: a profile name may hold a dot.)
    if (const auto* own = profiles->get_as<toml::table>(profile)) {
      raw = own->get("cloud_root_dir");
    }
  }
  std::string text;
  if (raw != nullptr && raw->is_string()) {
    text = raw->as_string()->get();
  } else if (raw == nullptr && !profile.empty()) {
    text = "${workspace_root}/" + profile;
  } else {
    return std::nullopt;
  }
  Config scratch_config;
  Reader scratch(root, c.source_file, scratch_config);
  PathResolver resolver(scratch, env, c.source_file.parent_path());
  resolver.set_workspace(c.paths.workspace_root_dir);
  auto path = resolver.resolve("paths", "cloud_root_dir", text, SourcePos{});
  return scratch.errors().empty() ? path : std::nullopt;
}

// Two profiles of one file must not share or nest their cloud mirrors.
void check_profiles_apart(Reader& r, const Config& c, const toml::table& root,
                          const std::vector<ProfileEntry>& profiles, const util::Environment& env) {
  std::vector<std::string> others;
  if (top_level_is_config(root) && !c.agent.profile.empty()) {
    others.emplace_back();
  }
  for (const auto& p : profiles) {
    if (p.name != c.agent.profile) {
      others.push_back(p.name);
    }
  }
  for (const auto& other : others) {
    const auto dir = other_cloud_dir(root, other, c, env);
    if (!dir) {
      continue;
    }
    const auto& mine = c.paths.cloud_root_dir;
    if (util::is_same_or_inside(*dir, mine) || util::is_same_or_inside(mine, *dir)) {
      r.error_at_key("paths.cloud_root_dir",
                     fmt::format("the cloud mirror {} overlaps {} {} of the same file; give each agent its own "
                                 "cloud_root_dir",
                                 util::display_path(c.paths.cloud_root_dir),
                                 other.empty() ? std::string("the top level's") : fmt::format("profile {}'s", other),
                                 util::display_path(*dir)));
    }
  }
}

toml::table parse_root(std::string_view text, const std::string& display) {
  if (util::starts_with(text, "\xEF\xBB\xBF")) {
    text.remove_prefix(3);  // a UTF-8 BOM, as Notepad writes
  }
  try {
    return toml::parse(text, display);
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    throw ConfigError({fmt::format("{}:{}:{}: invalid TOML: {}", display, begin.line, begin.column,
                                   e.description())});
  }
}

[[noreturn]] void throw_problems(Reader& r) {
  // Warnings too: a misspelt key is often why a value is missing.
  auto problems = std::move(r.errors());
  problems.insert(problems.end(), r.warnings().begin(), r.warnings().end());
  throw ConfigError(std::move(problems));
}

} // namespace

LoadResult load_config_text(std::string_view text, const fs::path& file, const util::Environment& env,
                            const std::optional<std::string>& profile) {
  auto absolute_file = file.is_absolute() ? file : (env.cwd / file);
  absolute_file = absolute_file.lexically_normal();
  const auto display = util::display_path(absolute_file);
  toml::table root = parse_root(text, display);

  LoadResult result;
  Config& c = result.config;
  c.source_file = absolute_file;
  Reader reader(root, absolute_file, c);
  const auto profiles = find_profiles(reader, root);
  if (!reader.errors().empty()) {
    throw_problems(reader);
  }
  const auto names = util::join(names_of(profiles), ", ");
  std::optional<ProfileEntry> chosen;
  if (profile) {
    const auto it =
      std::find_if(profiles.begin(), profiles.end(), [&](const ProfileEntry& p) { return p.name == *profile; });
    if (profiles.empty()) {
      throw ConfigError({fmt::format("{}: --profile {} was given, but this config has no [profiles.<name>] "
                                     "tables; leave out --profile, or add [profiles.{}]",
                                     display, *profile, *profile)});
    }
    if (it == profiles.end()) {
      throw ConfigError({fmt::format("{}: there is no profile \"{}\" in this config; its profiles are {}: pick "
                                     "one with --profile NAME",
                                     display, *profile, names)});
    }
    chosen = *it;
  } else if (!profiles.empty() && !top_level_is_config(root)) {
    throw ConfigError({fmt::format("{}:{}:{}: this config has profiles {}: pick one with --profile NAME (or "
                                   "`sync --all`)",
                                   display, profiles.front().pos.line, profiles.front().pos.column, names)});
  }

  // The file as read, for the checks across profiles (apply_profile changes `root`).
  const toml::table original = profiles.empty() ? toml::table{} : parse_root(text, display);
  if (chosen) {
    apply_profile(reader, root, *chosen);
  }
  PathResolver resolver(reader, env, absolute_file.parent_path());
  read_all(reader, resolver, c, env);
  if (chosen) {
    give_own_folders(c, chosen->name);
  }
  warn_unknown_keys(reader, root);
  if (reader.errors().empty()) {
    check_path_relations(reader, c);
  }
  if (reader.errors().empty() && !profiles.empty()) {
    check_profiles_apart(reader, c, original, profiles, env);
  }
  if (!reader.errors().empty()) {
    throw_problems(reader);
  }
  result.warnings = std::move(reader.warnings());
  return result;
}

ProfileList list_profiles_text(std::string_view text, const fs::path& file, const util::Environment& env) {
  auto absolute_file = file.is_absolute() ? file : (env.cwd / file);
  absolute_file = absolute_file.lexically_normal();
  const toml::table root = parse_root(text, util::display_path(absolute_file));
  Config c;
  c.source_file = absolute_file;
  Reader reader(root, absolute_file, c);
  const auto profiles = find_profiles(reader, root);
  if (!reader.errors().empty()) {
    throw_problems(reader);
  }
  ProfileList out;
  out.names = names_of(profiles);
  out.top_level = profiles.empty() || top_level_is_config(root);
  return out;
}

namespace {

std::string read_config_text(const fs::path& file) {
  std::error_code ec;
  if (fs::is_directory(file, ec)) {
    throw ConfigError({fmt::format("{}: is a folder, not a config file; pass the config.toml inside it with -c",
                                   util::display_path(file))});
  }
  auto text = util::read_file(file, ec);
  if (!text) {
    throw ConfigError({fmt::format("{}: cannot read the config file ({}); check that it exists and is readable, "
                                   "or create one with `codexsync init-config`",
                                   util::display_path(file), ec.message())});
  }
  return std::move(*text);
}

} // namespace

ProfileList list_profiles_file(const fs::path& file, const util::Environment& env) {
  return list_profiles_text(read_config_text(file), file, env);
}

LoadResult load_config_file(const fs::path& file, const util::Environment& env,
                            const std::optional<std::string>& profile) {
  return load_config_text(read_config_text(file), file, env, profile);
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
