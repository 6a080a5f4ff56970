#include <codexsync/schedule/render.hpp>

#include "xml_text.hpp"

#include <codexsync/util/text.hpp>

#include <fmt/format.h>

#include <cstdint>

namespace codexsync::schedule {
namespace {

using detail::xml_escape;

// ISO 8601 duration as Task Scheduler spells it: PT30M, PT1H30M, P1D, P1DT2H.
std::string iso_duration(std::chrono::seconds duration) {
  std::int64_t rest = duration.count();
  std::string text = "P";
  if (rest >= 86400) {
    text += fmt::format("{}D", rest / 86400);
    rest %= 86400;
  }
  if (rest > 0 || text == "P") {
    text += "T";
    if (rest >= 3600) {
      text += fmt::format("{}H", rest / 3600);
      rest %= 3600;
    }
    if (rest >= 60) {
      text += fmt::format("{}M", rest / 60);
      rest %= 60;
    }
    if (rest > 0 || text.back() == 'T') {
      text += fmt::format("{}S", rest);
    }
  }
  return text;
}

// Reads back iso_duration's spelling; nullopt for anything else.
std::optional<std::chrono::seconds> parse_iso_duration(std::string_view text) {
  if (text.empty() || text[0] != 'P') {
    return std::nullopt;
  }
  std::int64_t total = 0;
  std::int64_t number = -1;
  bool in_time = false;
  for (std::size_t i = 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      number = (number < 0 ? 0 : number * 10) + (c - '0');
      if (number > 100'000'000) {
        return std::nullopt;
      }
      continue;
    }
    if (c == 'T' && number < 0) {
      in_time = true;
      continue;
    }
    if (number < 0) {
      return std::nullopt;
    }
    if (c == 'D' && !in_time) {
      total += number * 86400;
    } else if (c == 'H' && in_time) {
      total += number * 3600;
    } else if (c == 'M' && in_time) {
      total += number * 60;
    } else if (c == 'S' && in_time) {
      total += number;
    } else {
      return std::nullopt;
    }
    number = -1;
  }
  if (number >= 0) {
    return std::nullopt;
  }
  return std::chrono::seconds(total);
}

// Splits a command line the way the C runtime does (enough for the lines
// windows_command_line writes, and for plain hand edits).
std::vector<std::string> split_command_line(std::string_view line) {
  std::vector<std::string> args;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
      ++i;
    }
    if (i == line.size()) {
      break;
    }
    std::string arg;
    bool quoted = false;
    while (i < line.size() && (quoted || (line[i] != ' ' && line[i] != '\t'))) {
      std::size_t backslashes = 0;
      while (i < line.size() && line[i] == '\\') {
        ++backslashes;
        ++i;
      }
      if (i < line.size() && line[i] == '"') {
        arg.append(backslashes / 2, '\\');
        if (backslashes % 2 == 1) {
          arg += '"';
        } else {
          quoted = !quoted;
        }
        ++i;
      } else {
        arg.append(backslashes, '\\');
        if (i < line.size() && (quoted || (line[i] != ' ' && line[i] != '\t'))) {
          arg += line[i++];
        }
      }
    }
    args.push_back(std::move(arg));
  }
  return args;
}

} // namespace

std::string windows_command_line(const std::vector<std::string>& args) {
  std::string line;
  for (const std::string& arg : args) {
    if (!line.empty()) {
      line += ' ';
    }
    if (!arg.empty() && arg.find_first_of(" \t\"") == std::string::npos) {
      line += arg;
      continue;
    }
    line += '"';
    std::size_t backslashes = 0;
    for (const char c : arg) {
      if (c == '\\') {
        ++backslashes;
        continue;
      }
      if (c == '"') {
        line.append(backslashes * 2 + 1, '\\');
      } else {
        line.append(backslashes, '\\');
      }
      backslashes = 0;
      line += c;
    }
    line.append(backslashes * 2, '\\');
    line += '"';
  }
  return line;
}

std::string render_windows_task_xml(const TaskSpec& spec) {
  const std::string user = xml_escape(spec.user);
  std::string xml;
  const auto line = [&](std::string_view text) {
    xml += text;
    xml += "\r\n";
  };
  line(R"(<?xml version="1.0" encoding="UTF-16"?>)");
  line(fmt::format("<!-- {}; remove it with `codexsync schedule remove`. -->", k_marker));
  line(R"(<Task version="1.4" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">)");
  line("  <RegistrationInfo>");
  line(fmt::format("    <Description>codexsync sync ({}) every {}{}: carries the agent's state through the cloud "
                   "folder. {}.</Description>",
                   to_string(spec.mode), format_duration(spec.every), spec.at_login ? " and at sign-in" : "",
                   k_marker));
  line(fmt::format("    <URI>{}</URI>", xml_escape(windows_task_name(spec.user))));
  line("  </RegistrationInfo>");
  line("  <Triggers>");
  line("    <TimeTrigger>");
  line("      <Repetition>");
  line(fmt::format("        <Interval>{}</Interval>", iso_duration(spec.every)));
  line("        <StopAtDurationEnd>false</StopAtDurationEnd>");
  line("      </Repetition>");
  line(fmt::format("      <StartBoundary>{}</StartBoundary>", xml_escape(spec.start_boundary)));
  line("      <Enabled>true</Enabled>");
  line(fmt::format("      <RandomDelay>{}</RandomDelay>", iso_duration(random_delay(spec.every))));
  line("    </TimeTrigger>");
  if (spec.at_login) {
    line("    <LogonTrigger>");
    line("      <Enabled>true</Enabled>");
    line(fmt::format("      <UserId>{}</UserId>", user));
    line("      <Delay>PT1M</Delay>");
    line("    </LogonTrigger>");
  }
  line("  </Triggers>");
  line("  <Principals>");
  line(R"(    <Principal id="Author">)");
  line(fmt::format("      <UserId>{}</UserId>", user));
  line("      <LogonType>InteractiveToken</LogonType>");
  line("      <RunLevel>LeastPrivilege</RunLevel>");
  line("    </Principal>");
  line("  </Principals>");
  line("  <Settings>");
  line("    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>");
  line("    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>");
  line("    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>");
  line("    <AllowHardTerminate>true</AllowHardTerminate>");
  line("    <StartWhenAvailable>true</StartWhenAvailable>");
  line("    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>");
  line("    <IdleSettings>");
  line("      <StopOnIdleEnd>false</StopOnIdleEnd>");
  line("      <RestartOnIdle>false</RestartOnIdle>");
  line("    </IdleSettings>");
  line("    <AllowStartOnDemand>true</AllowStartOnDemand>");
  line("    <Enabled>true</Enabled>");
  line("    <Hidden>false</Hidden>");
  line("    <RunOnlyIfIdle>false</RunOnlyIfIdle>");
  line("    <WakeToRun>false</WakeToRun>");
  line("    <ExecutionTimeLimit>PT6H</ExecutionTimeLimit>");
  line("    <Priority>7</Priority>");
  line("  </Settings>");
  line(R"(  <Actions Context="Author">)");
  line("    <Exec>");
  line(fmt::format("      <Command>{}</Command>", xml_escape(spec.binary.string())));
  line(fmt::format("      <Arguments>{}</Arguments>", xml_escape(windows_command_line(task_arguments(spec)))));
  line("    </Exec>");
  line("  </Actions>");
  line("</Task>");
  return xml;
}

std::string to_utf16le_with_bom(std::string_view utf8) {
  std::string out = "\xFF\xFE";
  const auto put = [&](std::uint32_t unit) {
    out += static_cast<char>(unit & 0xFF);
    out += static_cast<char>((unit >> 8) & 0xFF);
  };
  std::size_t at = 0;
  while (at < utf8.size()) {
    std::uint32_t cp = util::next_utf8(utf8, at).value_or(0xFFFD);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      put(0xD800 | (cp >> 10));
      put(0xDC00 | (cp & 0x3FF));
    } else {
      put(cp);
    }
  }
  return out;
}

std::optional<std::string> from_utf16le_with_bom(std::string_view bytes) {
  if (bytes.size() < 2 || bytes.size() % 2 != 0 || bytes[0] != '\xFF' || bytes[1] != '\xFE') {
    return std::nullopt;
  }
  std::string out;
  for (std::size_t i = 2; i < bytes.size(); i += 2) {
    std::uint32_t unit = static_cast<unsigned char>(bytes[i]) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    if (unit >= 0xD800 && unit <= 0xDBFF && i + 3 < bytes.size()) {
      const std::uint32_t low =
          static_cast<unsigned char>(bytes[i + 2]) | (static_cast<unsigned char>(bytes[i + 3]) << 8);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
        i += 2;
      }
    }
    if (unit >= 0xD800 && unit <= 0xDFFF) {
      unit = 0xFFFD;
    }
    util::append_utf8(out, unit);
  }
  return out;
}

std::optional<InstalledTask> read_windows_task_xml(std::string_view xml) {
  const auto command = detail::xml_element(xml, "Command");
  if (!command) {
    return std::nullopt;
  }
  InstalledTask task;
  task.binary = *command;
  task.arguments = split_command_line(detail::xml_element(xml, "Arguments").value_or(""));
  if (const auto interval = detail::xml_element(xml, "Interval")) {
    task.every = parse_iso_duration(*interval);
  }
  task.at_login = xml.find("<LogonTrigger>") != std::string_view::npos;
  task.ours = xml.find(k_marker) != std::string_view::npos;
  return task;
}

} // namespace codexsync::schedule
