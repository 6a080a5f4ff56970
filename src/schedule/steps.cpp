#include <codexsync/schedule/render.hpp>
#include <codexsync/schedule/steps.hpp>

#include <codexsync/core/error.hpp>

#include <fmt/format.h>

namespace codexsync::schedule {
namespace {

Step run(std::string program, std::vector<std::string> args, bool may_fail = false) {
  Step step;
  step.kind = Step::Kind::run;
  step.program = std::move(program);
  step.args = std::move(args);
  step.may_fail = may_fail;
  return step;
}

Step write(std::filesystem::path path, std::string text, std::string bytes) {
  Step step;
  step.kind = Step::Kind::write_file;
  step.path = std::move(path);
  step.text = std::move(text);
  step.bytes = std::move(bytes);
  return step;
}

Step file_step(Step::Kind kind, std::filesystem::path path) {
  Step step;
  step.kind = kind;
  step.path = std::move(path);
  return step;
}

std::string launchd_domain(const Locations& where) { return "gui/" + where.user; }
std::string launchd_target(const Locations& where) {
  return fmt::format("gui/{}/{}", where.user, k_launchd_label);
}

std::string quote_word(const std::string& word) {
  if (!word.empty() && word.find_first_of(" \t\"'\\$`") == std::string::npos) {
    return word;
  }
  std::string out = "\"";
  for (const char c : word) {
    if (c == '"' || c == '\\' || c == '$' || c == '`') {
      out += '\\';
    }
    out += c;
  }
  return out + "\"";
}

} // namespace

Locations locations_for(Platform platform, const util::Environment& env, std::optional<unsigned long> uid) {
  Locations where;
  const std::optional<std::filesystem::path> home = util::home_dir(env);
  switch (platform) {
  case Platform::linux: {
    std::filesystem::path base;
    if (const auto xdg = env.get("XDG_CONFIG_HOME"); xdg && std::filesystem::path(*xdg).is_absolute()) {
      base = *xdg;
    } else if (home) {
      base = *home / ".config";
    } else {
      throw RuntimeError("cannot tell where systemd user units go: neither XDG_CONFIG_HOME nor HOME is set");
    }
    where.task_file = base / "systemd" / "user" / std::string(k_systemd_service);
    where.timer_file = base / "systemd" / "user" / std::string(k_systemd_timer);
    where.user = uid ? std::to_string(*uid) : std::string();
    break;
  }
  case Platform::macos:
    if (!home) {
      throw RuntimeError("cannot tell where LaunchAgents go: HOME is not set");
    }
    where.task_file = *home / "Library" / "LaunchAgents" / (std::string(k_launchd_label) + ".plist");
    where.log_file = *home / "Library" / "Logs" / "codexsync" / "scheduled-sync.log";
    where.user = uid ? std::to_string(*uid) : std::string("$(id -u)");
    break;
  case Platform::windows: {
    util::Environment windows_env = env;
    windows_env.os = util::Os::windows;
    const std::optional<std::filesystem::path> state = util::user_state_dir(windows_env);
    if (!state) {
      throw RuntimeError("cannot tell where to keep the task's XML: LOCALAPPDATA is not set");
    }
    where.task_file = *state / "schedule" / "codexsync-sync.xml";
    const std::string name = env.get("USERNAME").value_or(env.get("USER").value_or(""));
    const std::optional<std::string> domain = env.get("USERDOMAIN");
    where.user = domain && !name.empty() ? *domain + "\\" + name : name;
    break;
  }
  }
  return where;
}

std::vector<std::filesystem::path> task_files(Platform platform, const Locations& where) {
  if (platform == Platform::linux) {
    return {where.task_file, where.timer_file};
  }
  return {where.task_file};
}

std::vector<Step> install_steps(const TaskSpec& spec, const Locations& where) {
  std::vector<Step> steps;
  switch (spec.platform) {
  case Platform::linux: {
    const std::string service = render_systemd_service(spec);
    const std::string timer = render_systemd_timer(spec);
    steps.push_back(file_step(Step::Kind::make_dir, where.task_file.parent_path()));
    steps.push_back(write(where.task_file, service, service));
    steps.push_back(write(where.timer_file, timer, timer));
    steps.push_back(run("systemctl", {"--user", "daemon-reload"}));
    steps.push_back(run("systemctl", {"--user", "enable", std::string(k_systemd_timer)}));
    // restart, so a timer that was already running takes the new interval.
    steps.push_back(run("systemctl", {"--user", "restart", std::string(k_systemd_timer)}));
    break;
  }
  case Platform::macos: {
    const std::string plist = render_launchd_plist(spec);
    steps.push_back(file_step(Step::Kind::make_dir, where.task_file.parent_path()));
    steps.push_back(file_step(Step::Kind::make_dir, where.log_file.parent_path()));
    steps.push_back(write(where.task_file, plist, plist));
    // An older copy of the task is unloaded first; "not loaded" is fine.
    steps.push_back(run("launchctl", {"bootout", launchd_target(where)}, true));
    steps.push_back(run("launchctl", {"bootstrap", launchd_domain(where), where.task_file.string()}));
    steps.push_back(run("launchctl", {"enable", launchd_target(where)}));
    break;
  }
  case Platform::windows: {
    const std::string xml = render_windows_task_xml(spec);
    steps.push_back(file_step(Step::Kind::make_dir, where.task_file.parent_path()));
    steps.push_back(write(where.task_file, xml, to_utf16le_with_bom(xml)));
    steps.push_back(run("schtasks", {"/Create", "/XML", where.task_file.string(), "/TN",
                                     windows_task_name(where.user), "/F"}));
    break;
  }
  }
  return steps;
}

std::vector<Step> remove_steps(Platform platform, const Locations& where) {
  std::vector<Step> steps;
  switch (platform) {
  case Platform::linux:
    // A timer that is not loaded any more is fine: the files still go.
    steps.push_back(run("systemctl", {"--user", "disable", "--now", std::string(k_systemd_timer)}, true));
    steps.push_back(file_step(Step::Kind::remove_file, where.timer_file));
    steps.push_back(file_step(Step::Kind::remove_file, where.task_file));
    steps.push_back(run("systemctl", {"--user", "daemon-reload"}));
    steps.push_back(run("systemctl", {"--user", "reset-failed", std::string(k_systemd_service)}, true));
    break;
  case Platform::macos:
    steps.push_back(run("launchctl", {"bootout", launchd_target(where)}, true));
    steps.push_back(file_step(Step::Kind::remove_file, where.task_file));
    break;
  case Platform::windows:
    steps.push_back(run("schtasks", {"/Delete", "/TN", windows_task_name(where.user), "/F"}, true));
    steps.push_back(file_step(Step::Kind::remove_file, where.task_file));
    break;
  }
  return steps;
}

std::vector<Query> status_queries(Platform platform, const Locations& where) {
  switch (platform) {
  case Platform::linux:
    return {{"enabled", run("systemctl", {"--user", "is-enabled", std::string(k_systemd_timer)}, true)},
            {"active", run("systemctl", {"--user", "is-active", std::string(k_systemd_timer)}, true)}};
  case Platform::macos:
    return {{"loaded", run("launchctl", {"print", launchd_target(where)}, true)}};
  case Platform::windows:
    return {{"registered", run("schtasks", {"/Query", "/TN", windows_task_name(where.user)}, true)}};
  }
  return {};
}

std::string describe(const Step& step, Platform platform) {
  const auto quote = [&](const std::string& word) {
    return platform == Platform::windows ? windows_command_line({word}) : quote_word(word);
  };
  switch (step.kind) {
  case Step::Kind::make_dir:
    return "create folder " + quote(step.path.string());
  case Step::Kind::write_file:
    return "write " + quote(step.path.string());
  case Step::Kind::remove_file:
    return "remove " + quote(step.path.string());
  case Step::Kind::run:
    break;
  }
  std::string line = quote(step.program);
  for (const std::string& arg : step.args) {
    line += " " + quote(arg);
  }
  return line;
}

} // namespace codexsync::schedule
