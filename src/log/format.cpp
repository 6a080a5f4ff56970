#include "format.hpp"

#include <codexsync/log/log.hpp>
#include <codexsync/util/text.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <string>

namespace codexsync::log {
namespace {

constexpr std::array<std::string_view, 4> k_reserved_json_keys = {"ts", "level", "machine", "msg"};

// Keys become bare words in text and logfmt: keep [A-Za-z0-9_.-], replace the rest.
std::string safe_key(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '.' || c == '-';
    out.push_back(keep ? c : '_');
  }
  return out.empty() ? std::string("_") : out;
}

// Escapes backslash, double quote and control line breaks; wraps in quotes.
std::string quote_value(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  out.push_back('"');
  for (char c : value) {
    switch (c) {
    case '\\':
      out += "\\\\";
      break;
    case '"':
      out += "\\\"";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

bool needs_quotes(std::string_view value) {
  if (value.empty()) {
    return true;
  }
  for (char c : value) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || c == '\n' || c == '\r' || c == '\t') {
      return true;
    }
  }
  return false;
}

std::string text_value(std::string_view value) {
  return needs_quotes(value) ? quote_value(value) : std::string(value);
}

// A text record must stay on one line.
std::string one_line(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  for (char c : message) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void append_text_fields(std::string& out, const std::vector<Field>& fields) {
  for (const auto& field : fields) {
    out.push_back(' ');
    out += safe_key(field.key);
    out.push_back('=');
    out += text_value(field.value);
  }
}

std::string json_key(const std::string& key) {
  for (auto reserved : k_reserved_json_keys) {
    if (key == reserved) {
      return "field_" + key;
    }
  }
  return key;
}

} // namespace

std::string_view level_name(Level level) {
  switch (level) {
  case Level::debug:
    return "DEBUG";
  case Level::info:
    return "INFO";
  case Level::warning:
    return "WARNING";
  case Level::error:
    return "ERROR";
  }
  return "INFO";
}

std::optional<Level> parse_level(std::string_view text) {
  const auto lower = util::to_lower_ascii(util::trim(text));
  if (lower == "debug") {
    return Level::debug;
  }
  if (lower == "info") {
    return Level::info;
  }
  if (lower == "warning" || lower == "warn") {
    return Level::warning;
  }
  if (lower == "error") {
    return Level::error;
  }
  return std::nullopt;
}

std::filesystem::path log_file_name(const std::filesystem::path& base_file, std::string_view machine,
                                    std::string_view date, int index) {
  std::filesystem::path name = base_file.stem();
  if (name.empty()) {
    name = "codexsync";
  }
  std::string tail =
      "-" + util::sanitize_file_component(machine, "unknown-machine") + "-" + std::string(date);
  if (index > 0) {
    tail += "." + std::to_string(index);
  }
  name += tail;
  const auto ext = base_file.extension();
  name += ext.empty() ? std::filesystem::path(".log") : ext;
  return base_file.parent_path() / name;
}

std::string format_record(Format format, Level level, std::string_view timestamp_utc,
                          std::string_view timestamp_local, std::string_view machine,
                          std::string_view message, const std::vector<Field>& fields) {
  switch (format) {
  case Format::json: {
    nlohmann::ordered_json record;
    record["ts"] = std::string(timestamp_utc);
    record["level"] = std::string(level_name(level));
    record["machine"] = std::string(machine);
    record["msg"] = std::string(message);
    for (const auto& field : fields) {
      record[json_key(field.key)] = field.value;
    }
    // ensure_ascii off keeps UTF-8 as is; invalid bytes become U+FFFD rather than throwing.
    return record.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  }
  case Format::logfmt: {
    std::string out = "ts=" + quote_value(timestamp_utc) + " level=" + quote_value(level_name(level)) +
                      " machine=" + quote_value(machine) + " msg=" + quote_value(message);
    for (const auto& field : fields) {
      out.push_back(' ');
      out += safe_key(field.key);
      out.push_back('=');
      out += quote_value(field.value);
    }
    return out;
  }
  case Format::text:
    break;
  }
  std::string out =
      std::string(timestamp_local) + " " + std::string(level_name(level)) + " " + one_line(message);
  append_text_fields(out, fields);
  return out;
}

namespace detail {

std::string format_stderr(Level level, std::string_view message, const std::vector<Field>& fields) {
  std::string out;
  if (level != Level::info) {
    out = "codexsync: " + util::to_lower_ascii(level_name(level)) + ": ";
  }
  out += message;
  append_text_fields(out, fields);
  return out;
}

void print_to_stderr(std::string_view line) {
  std::string out(line);
  out.push_back('\n');
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
}

} // namespace detail
} // namespace codexsync::log
