#include <codexsync/schedule/task.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <limits>

namespace codexsync::schedule {

std::optional<Platform> parse_platform(std::string_view text) {
  for (const Platform p : {Platform::windows, Platform::macos, Platform::linux}) {
    if (text == util::os_name(p)) {
      return p;
    }
  }
  return std::nullopt;
}

std::string_view to_string(Mode mode) { return mode == Mode::apply ? "apply" : "dry-run"; }

std::optional<Mode> parse_mode(std::string_view text) {
  if (text == "dry-run") {
    return Mode::dry_run;
  }
  if (text == "apply") {
    return Mode::apply;
  }
  return std::nullopt;
}

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  constexpr std::string_view k_units = "dhms";
  constexpr std::int64_t k_unit_seconds[] = {86400, 3600, 60, 1};
  std::int64_t total = 0;
  std::size_t next_unit = 0;  // units must come largest first, each once
  std::size_t i = 0;
  if (text.empty()) {
    return std::nullopt;
  }
  while (i < text.size()) {
    std::int64_t number = 0;
    const std::size_t digits_from = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (number > (std::numeric_limits<std::int64_t>::max() - 9) / 10) {
        return std::nullopt;
      }
      number = number * 10 + (text[i] - '0');
      ++i;
    }
    if (i == digits_from || i == text.size()) {
      return std::nullopt;
    }
    const std::size_t unit = k_units.find(text[i]);
    if (unit == std::string_view::npos || unit < next_unit) {
      return std::nullopt;
    }
    if (number > std::numeric_limits<std::int64_t>::max() / k_unit_seconds[unit] - total) {
      return std::nullopt;
    }
    total += number * k_unit_seconds[unit];
    next_unit = unit + 1;
    ++i;
  }
  if (total <= 0) {
    return std::nullopt;
  }
  return std::chrono::seconds(total);
}

std::string format_duration(std::chrono::seconds duration) {
  std::int64_t rest = duration.count();
  if (rest <= 0) {
    return "0s";
  }
  std::string text;
  for (const auto& [unit, seconds] : {std::pair{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}}) {
    if (rest >= seconds) {
      text += fmt::format("{}{}", rest / seconds, unit);
      rest %= seconds;
    }
  }
  return text;
}

std::string windows_task_name(std::string_view user) {
  // A user name may carry a domain ("CORP\ann"); backslashes would make folders.
  std::string name(user);
  std::replace(name.begin(), name.end(), '\\', '-');
  return fmt::format("{}codexsync sync ({})", k_task_folder, name);
}

std::vector<std::string> task_arguments(const TaskSpec& spec) {
  return {"-c", spec.config.string(), "--scheduled", "sync", spec.mode == Mode::apply ? "--apply" : "--dry-run"};
}

std::chrono::seconds random_delay(std::chrono::seconds every) {
  return std::clamp(every / 10, std::chrono::seconds(60), std::chrono::seconds(300));
}

std::vector<std::string> problems(const TaskSpec& spec) {
  std::vector<std::string> found;
  if (spec.every < k_min_interval) {
    found.push_back(fmt::format("the interval {} is shorter than the minimum, {}", format_duration(spec.every),
                                format_duration(k_min_interval)));
  }
  if (spec.every > k_max_interval) {
    found.push_back(fmt::format("the interval {} is longer than the maximum, {}", format_duration(spec.every),
                                format_duration(k_max_interval)));
  }
  for (const auto& [what, path] : {std::pair{"the codexsync program", spec.binary}, {"the config file", spec.config}}) {
    if (!path.is_absolute()) {
      found.push_back(fmt::format("{} path \"{}\" is not absolute", what, path.string()));
    }
    const std::string text = path.string();
    if (text.find_first_of("\r\n") != std::string::npos) {
      found.push_back(fmt::format("{} path contains a line break", what));
    }
    if (spec.platform == Platform::windows && text.find('%') != std::string::npos) {
      found.push_back(fmt::format("{} path \"{}\" contains '%', which Task Scheduler would expand as a variable",
                                  what, text));
    }
    if (spec.platform == Platform::windows && text.find('"') != std::string::npos) {
      found.push_back(fmt::format("{} path \"{}\" contains a double quote", what, text));
    }
  }
  if (spec.platform == Platform::windows && spec.user.empty()) {
    found.push_back("the Windows user name is unknown (USERNAME is not set)");
  }
  return found;
}

} // namespace codexsync::schedule
