#include <codexsync/agent/profile.hpp>
#include <codexsync/config/template.hpp>
#include <codexsync/util/text.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <vector>

namespace codexsync::config {
namespace {

// Returns the section name of a `[name]` header line, or nullopt.
std::optional<std::string> section_of(std::string_view line) {
  line = util::trim(line);
  if (line.size() < 2 || line.front() != '[' || line.back() != ']' || util::starts_with(line, "[[")) {
    return std::nullopt;
  }
  return std::string(util::trim(line.substr(1, line.size() - 2)));
}

// Returns true when `line` assigns `key` (`key =` or, with `commented`, `# key =`).
bool assigns(std::string_view line, std::string_view key, bool commented) {
  line = util::trim(line);
  if (commented) {
    if (!util::starts_with(line, "#")) {
      return false;
    }
    line = util::trim(line.substr(1));
  }
  if (!util::starts_with(line, key)) {
    return false;
  }
  return util::starts_with(util::trim(line.substr(key.size())), "=");
}

// How far `[` outnumbers `]` in a line of TOML, outside strings and comments.
int bracket_depth(std::string_view line) {
  int depth = 0;
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote != 0) {
      if (quote == '"' && c == '\\') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#') {
      break;
    } else if (c == '[') {
      ++depth;
    } else if (c == ']') {
      --depth;
    }
  }
  return depth;
}

// `line` without a leading `#` comment mark (for commented-out values).
std::string_view uncommented(std::string_view line) {
  line = util::trim(line);
  return util::starts_with(line, "#") ? util::trim(line.substr(1)) : line;
}

// `text` as `# ` comment lines of at most `width` characters.
std::string comment_lines(std::string_view text, std::size_t width = 78) {
  std::string out;
  std::string line = "#";
  for (const auto& word : util::split(text, ' ')) {
    if (word.empty()) {
      continue;
    }
    if (line.size() + 1 + word.size() > width && line != "#") {
      out += line + "\n";
      line = "#";
    }
    line += " " + word;
  }
  return out + line;
}

// A list on one line, for a commented-out value (a comment cannot continue a list).
std::string one_line(const std::vector<std::string>& items) {
  return toml_string_list(items, std::numeric_limits<std::size_t>::max());
}

// The agent-specific parts of the template for `kind`.
// `named`: the agent was asked for (init-config --agent); without it a Codex
// template stays the one codexsync has always written.
void render_agent(std::string& text, AgentKind kind, bool named, util::Os os) {
  const auto& profile = agent::profile(kind);
  replace_assignment_in_text(text, "sync", "append_only_globs",
                             "# append_only_globs = " + one_line(profile.append_only_globs));
  replace_assignment_in_text(text, "sync", "merge_line_globs",
                             "# merge_line_globs = " + one_line(profile.merge_line_globs));
  if (kind == AgentKind::codex && !named) {
    return;
  }
  const auto kind_line = fmt::format("kind = \"{}\"", to_string(kind));
  replace_assignment_in_text(
    text, "agent", "kind",
    profile.retention_note.empty() ? kind_line
                                   : fmt::format("{}\n{}", kind_line,
                                                 comment_lines(fmt::format("IMPORTANT: {}", profile.retention_note))));
  const std::string codex_rule = "When unset or missing: $CODEX_HOME, then ~/.codex.";
  if (const auto at = text.find(codex_rule); at != std::string::npos) {
    text.replace(at, codex_rule.size(),
                 fmt::format("When unset or missing: {}.", agent::describe_state_dir_rule(profile)));
  }
  replace_assignment_in_text(text, "paths", "local_state_dir",
                             fmt::format("# local_state_dir = \"~/{}\"", profile.state_dir.below_home));
  replace_assignment_in_text(text, "targets", "include_roots",
                             "include_roots = " + toml_string_list(profile.include_roots));
  replace_assignment_in_text(text, "filters", "exclude_globs",
                             "exclude_globs = " + toml_string_list(profile.exclude_globs, 0));

  const auto& procs = agent::processes_for(profile, os);
  std::string names = comment_lines(fmt::format(
    "Default: {}'s names on {}, shown here; leave this commented out and codexsync uses its names for the OS it "
    "runs on.{}",
    profile.title, util::os_name(os),
    procs.process_names.empty() ? fmt::format(" {} has none of its own: the path markers in "
                                              "background_process_names below recognise it.",
                                              profile.title)
                                : std::string()));
  replace_assignment_in_text(text, "process_detection", "process_names",
                             names + "\n# process_names = " + one_line(procs.process_names));
  for (const auto each : {util::Os::windows, util::Os::macos, util::Os::linux}) {
    const auto os_key = util::os_name(each);
    replace_assignment_in_text(
      text, "process_detection.background_process_names", os_key,
      fmt::format("# {} = {}", os_key, one_line(agent::processes_for(profile, each).background_names)));
  }
}

} // namespace

bool replace_assignment_in_text(std::string& text, std::string_view section, std::string_view key,
                                std::string_view lines) {
  auto all = util::split(text, '\n');
  for (const bool commented : {false, true}) {
    std::string current;
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (auto name = section_of(all[i])) {
        current = *name;
        continue;
      }
      if (current != section || !assigns(all[i], key, commented)) {
        continue;
      }
      auto end = i;
      int depth = bracket_depth(uncommented(all[i]));
      while (depth > 0 && end + 1 < all.size()) {
        ++end;
        depth += bracket_depth(commented ? uncommented(all[end]) : std::string_view(all[end]));
      }
      all.erase(all.begin() + static_cast<std::ptrdiff_t>(i), all.begin() + static_cast<std::ptrdiff_t>(end) + 1);
      const auto replacement = util::split(lines, '\n');
      all.insert(all.begin() + static_cast<std::ptrdiff_t>(i), replacement.begin(), replacement.end());
      text = util::join(all, "\n");
      return true;
    }
  }
  return false;
}

std::string toml_string_list(const std::vector<std::string>& items, std::size_t width) {
  std::vector<std::string> quoted;
  quoted.reserve(items.size());
  for (const auto& item : items) {
    const bool plain = std::none_of(item.begin(), item.end(), [](char c) {
      return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    });
    quoted.push_back(plain ? fmt::format("\"{}\"", item) : toml_quote(item));
  }
  auto single = "[" + util::join(quoted, ", ") + "]";
  if (single.size() <= width || items.empty()) {
    return single;
  }
  std::string out = "[\n";
  for (const auto& q : quoted) {
    out += "  " + q + ",\n";
  }
  return out + "]";
}

bool set_value_in_text(std::string& text, std::string_view section, std::string_view key,
                       std::string_view toml_value) {
  auto lines = util::split(text, '\n');
  for (const bool commented : {false, true}) {
    std::string current;
    for (auto& line : lines) {
      if (auto name = section_of(line)) {
        current = *name;
        continue;
      }
      if (current == section && assigns(line, key, commented)) {
        line = fmt::format("{} = {}", key, toml_value);
        text = util::join(lines, "\n");
        return true;
      }
    }
  }
  return false;
}

std::string toml_quote(std::string_view value) {
  bool literal_ok = true;
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\'' || u < 0x20 || u == 0x7f) {
      literal_ok = false;
    }
  }
  if (literal_ok) {
    return fmt::format("'{}'", value);
  }
  std::string out = "\"";
  for (const char c : value) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    case '\r': out += "\\r"; break;
    default:
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        out += fmt::format("\\u{:04X}", static_cast<unsigned>(static_cast<unsigned char>(c)));
      } else {
        out += c;
      }
    }
  }
  out += '"';
  return out;
}

std::string render_template(const TemplateValues& values) {
  std::string text(k_config_template);
  render_agent(text, values.agent.value_or(AgentKind::codex), values.agent.has_value(), values.os);
  if (values.machine_id) {
    set_value_in_text(text, "identity", "machine_id", toml_quote(*values.machine_id));
  }
  if (values.local_state_dir) {
    set_value_in_text(text, "paths", "local_state_dir", toml_quote(*values.local_state_dir));
  }
  if (values.workspace_root_dir) {
    set_value_in_text(text, "paths", "workspace_root_dir", toml_quote(*values.workspace_root_dir));
  }
  return text;
}

} // namespace codexsync::config
