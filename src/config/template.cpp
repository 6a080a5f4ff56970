#include <codexsync/config/template.hpp>
#include <codexsync/util/text.hpp>

#include <fmt/format.h>

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

} // namespace

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
