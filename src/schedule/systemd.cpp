#include <codexsync/schedule/render.hpp>

#include <codexsync/util/text.hpp>

#include <fmt/format.h>

namespace codexsync::schedule {
namespace {

// One word of ExecStart=, quoted so systemd reads it back as it is: C escapes
// inside double quotes, '%' doubled (specifiers), '$' doubled (variables).
std::string systemd_quote(std::string_view word) {
  std::string out = "\"";
  for (const char c : word) {
    switch (c) {
    case '\\':
      out += "\\\\";
      break;
    case '"':
      out += "\\\"";
      break;
    case '%':
      out += "%%";
      break;
    case '$':
      out += "$$";
      break;
    default:
      out += c;
    }
  }
  out += '"';
  return out;
}

// Splits an ExecStart= value written by systemd_quote (or plain words).
std::vector<std::string> systemd_split(std::string_view line) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') {
      ++i;
    }
    if (i == line.size()) {
      break;
    }
    std::string word;
    const bool quoted = line[i] == '"';
    if (quoted) {
      ++i;
    }
    while (i < line.size() && (quoted ? line[i] != '"' : line[i] != ' ')) {
      const char c = line[i];
      if (c == '\\' && i + 1 < line.size()) {
        word += line[i + 1];
        i += 2;
      } else if ((c == '%' || c == '$') && i + 1 < line.size() && line[i + 1] == c) {
        word += c;
        i += 2;
      } else {
        word += c;
        ++i;
      }
    }
    if (quoted && i < line.size()) {
      ++i;
    }
    words.push_back(std::move(word));
  }
  return words;
}

// The value of the last `Key=` line (systemd's "last one wins"), or nullopt.
std::optional<std::string> unit_value(std::string_view unit, std::string_view key) {
  std::optional<std::string> value;
  for (const std::string& raw : util::split(unit, '\n')) {
    const std::string_view line = util::trim(raw);
    if (line.size() > key.size() && line.starts_with(key) && line[key.size()] == '=') {
      value = std::string(util::trim(line.substr(key.size() + 1)));
    }
  }
  return value;
}

// A systemd time span as we write it ("30min", "2h", "1h 30min", "90s").
std::string systemd_span(std::chrono::seconds duration) {
  std::int64_t rest = duration.count();
  std::vector<std::string> parts;
  for (const auto& [unit, seconds] : {std::pair{"d", 86400}, {"h", 3600}, {"min", 60}, {"s", 1}}) {
    if (rest >= seconds) {
      parts.push_back(fmt::format("{}{}", rest / seconds, unit));
      rest %= seconds;
    }
  }
  return parts.empty() ? "0s" : util::join(parts, " ");
}

std::optional<std::chrono::seconds> parse_systemd_span(std::string_view text) {
  std::string compact;
  for (const std::string& part : util::split(text, ' ')) {
    std::string piece = part;
    if (piece.ends_with("min")) {
      piece = piece.substr(0, piece.size() - 3) + "m";
    }
    compact += piece;
  }
  return parse_duration(compact);
}

} // namespace

std::string render_systemd_service(const TaskSpec& spec) {
  std::vector<std::string> words{systemd_quote(spec.binary.string())};
  for (const std::string& arg : task_arguments(spec)) {
    words.push_back(systemd_quote(arg));
  }
  std::string unit;
  unit += fmt::format("# {}; remove it with `codexsync schedule remove`.\n", k_marker);
  unit += "[Unit]\n";
  unit += fmt::format("Description=codexsync sync ({}): the agent's state through the cloud folder\n",
                      to_string(spec.mode));
  unit += "\n[Service]\n";
  unit += "Type=oneshot\n";
  unit += fmt::format("ExecStart={}\n", util::join(words, " "));
  unit += "# Exit 3 means the agent was open, so the run waited for the next one; the run\n";
  unit += "# record and [notify] report when that keeps happening.\n";
  unit += "SuccessExitStatus=3\n";
  unit += "TimeoutStartSec=6h\n";
  unit += "Nice=10\n";
  unit += "IOSchedulingClass=best-effort\n";
  unit += "IOSchedulingPriority=7\n";
  return unit;
}

std::string render_systemd_timer(const TaskSpec& spec) {
  std::string unit;
  unit += fmt::format("# {}; remove it with `codexsync schedule remove`.\n", k_marker);
  unit += "[Unit]\n";
  unit += fmt::format("Description=codexsync sync every {}{}\n", format_duration(spec.every),
                      spec.at_login ? " and after sign-in" : "");
  unit += "\n[Timer]\n";
  if (spec.at_login) {
    unit += "# For a user timer, startup is the user's first sign-in.\n";
    unit += "OnStartupSec=1min\n";
  }
  unit += fmt::format("OnActiveSec={}\n", systemd_span(spec.every));
  unit += fmt::format("OnUnitActiveSec={}\n", systemd_span(spec.every));
  unit += fmt::format("RandomizedDelaySec={}\n", systemd_span(random_delay(spec.every)));
  unit += "AccuracySec=1min\n";
  unit += fmt::format("Unit={}\n", k_systemd_service);
  unit += "\n[Install]\n";
  unit += "WantedBy=timers.target\n";
  return unit;
}

std::optional<InstalledTask> read_systemd_service(std::string_view unit) {
  const std::optional<std::string> exec = unit_value(unit, "ExecStart");
  if (!exec) {
    return std::nullopt;
  }
  std::vector<std::string> words = systemd_split(*exec);
  if (words.empty()) {
    return std::nullopt;
  }
  InstalledTask task;
  task.binary = words.front();
  task.arguments.assign(words.begin() + 1, words.end());
  task.ours = unit.find(k_marker) != std::string_view::npos;
  return task;
}

void read_systemd_timer(std::string_view unit, InstalledTask& task) {
  if (const auto every = unit_value(unit, "OnUnitActiveSec")) {
    task.every = parse_systemd_span(*every);
  }
  task.at_login = unit_value(unit, "OnStartupSec").has_value();
}

} // namespace codexsync::schedule
