#include <codexsync/schedule/render.hpp>

#include "xml_text.hpp"

#include <fmt/format.h>

namespace codexsync::schedule {
namespace {

using detail::xml_escape;

// The text right after <key>NAME</key>, up to the next '<' that starts an
// element, or "" when the key is missing.
std::string_view after_key(std::string_view plist, std::string_view name) {
  const std::string key = fmt::format("<key>{}</key>", name);
  const std::size_t at = plist.find(key);
  if (at == std::string_view::npos) {
    return {};
  }
  std::string_view rest = plist.substr(at + key.size());
  const std::size_t start = rest.find('<');
  return start == std::string_view::npos ? std::string_view{} : rest.substr(start);
}

} // namespace

std::string render_launchd_plist(const TaskSpec& spec) {
  std::string plist;
  const auto line = [&](std::string_view text) {
    plist += text;
    plist += '\n';
  };
  line(R"(<?xml version="1.0" encoding="UTF-8"?>)");
  line(R"(<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">)");
  line(fmt::format("<!-- {}; remove it with `codexsync schedule remove`. -->", k_marker));
  line(R"(<plist version="1.0">)");
  line("<dict>");
  line("  <key>Label</key>");
  line(fmt::format("  <string>{}</string>", k_launchd_label));
  line("  <key>ProgramArguments</key>");
  line("  <array>");
  line(fmt::format("    <string>{}</string>", xml_escape(spec.binary.string())));
  for (const std::string& arg : task_arguments(spec)) {
    line(fmt::format("    <string>{}</string>", xml_escape(arg)));
  }
  line("  </array>");
  line("  <key>StartInterval</key>");
  line(fmt::format("  <integer>{}</integer>", spec.every.count()));
  line("  <key>RunAtLoad</key>");
  line(spec.at_login ? "  <true/>" : "  <false/>");
  line("  <key>ProcessType</key>");
  line("  <string>Background</string>");
  line("  <key>LowPriorityIO</key>");
  line("  <true/>");
  line("  <key>StandardOutPath</key>");
  line(fmt::format("  <string>{}</string>", xml_escape(spec.log_file.string())));
  line("  <key>StandardErrorPath</key>");
  line(fmt::format("  <string>{}</string>", xml_escape(spec.log_file.string())));
  line("</dict>");
  line("</plist>");
  return plist;
}

std::optional<InstalledTask> read_launchd_plist(std::string_view plist) {
  const std::string_view arguments = after_key(plist, "ProgramArguments");
  if (!arguments.starts_with("<array>")) {
    return std::nullopt;
  }
  const std::size_t end = arguments.find("</array>");
  if (end == std::string_view::npos) {
    return std::nullopt;
  }
  std::vector<std::string> strings = detail::xml_elements(arguments.substr(0, end), "string");
  if (strings.empty()) {
    return std::nullopt;
  }
  InstalledTask task;
  task.binary = strings.front();
  task.arguments.assign(strings.begin() + 1, strings.end());
  const std::string_view interval = after_key(plist, "StartInterval");
  if (const auto value = detail::xml_element(interval.substr(0, interval.find("</integer>") + 10), "integer")) {
    try {
      task.every = std::chrono::seconds(std::stoll(*value));
    } catch (const std::exception&) {
      task.every.reset();
    }
  }
  task.at_login = after_key(plist, "RunAtLoad").starts_with("<true/>");
  task.ours = plist.find(k_marker) != std::string_view::npos;
  return task;
}

} // namespace codexsync::schedule
