#include <codexsync/commands/run_recorder.hpp>
#include <codexsync/config/load.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/log/log.hpp>
#include <codexsync/notify/notify.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/text.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace codexsync::commands {
namespace {

std::string first_line(const std::string& text) {
  return std::string(util::trim(std::string_view(text).substr(0, text.find('\n'))));
}

// The config as far as it can be read: whole, or the parts a broken one still gives.
std::optional<config::Config> readable_config(const std::optional<std::filesystem::path>& file,
                                              const util::Environment& env,
                                              const std::optional<std::string>& profile) {
  if (!file) {
    return std::nullopt;
  }
  try {
    return config::load_config_file(*file, env, profile).config;
  } catch (const std::exception&) {
    return config::salvage_config_file(*file, env);
  }
}

void notify_person(const config::Notify& command, const state::RunRecord& run, const std::filesystem::path& record,
                   const util::Environment& env) {
  const auto result = notify::run(command, notify::environment(run, record), env);
  const auto output = first_line(result.output).substr(0, 300);
  if (result.ok()) {
    log::info("notify command ran", {{"result", result.describe()}, {"output", output}});
    return;
  }
  log::warn(fmt::format("the notify command (notify.command) failed: {}; codexsync's exit code stays {}",
                        result.describe(), run.exit_code),
            {{"output", output}});
}

} // namespace

bool is_recorded(const std::vector<std::string>& command_path) {
  static const std::vector<std::vector<std::string>> k_recorded{{"sync"}, {"restore"}, {"conflicts", "restore"}, {"doctor"}};
  return std::find(k_recorded.begin(), k_recorded.end(), command_path) != k_recorded.end();
}

std::optional<std::filesystem::path> record_config_path(const GlobalOptions& global, const util::Environment& env) {
  std::optional<std::filesystem::path> file;
  try {
    file = config::discover_config(global.config_file, env).path;
  } catch (const Error&) {
    if (global.config_file) {
      file = global.config_file;
    } else if (const auto named = env.get("CODEXSYNC_CONFIG")) {
      file = util::path_from_utf8(*named);
    }
  }
  if (!file) {
    return std::nullopt;
  }
  return util::real_path(file->is_absolute() ? *file : env.cwd / *file);
}

bool last_sync_unclean(Context& ctx) {
  try {
    const auto dir = state::run_record_dir(ctx.env(), record_config_path(ctx.global(), ctx.env()),
                                           ctx.global().profile.value_or(std::string()));
    if (!dir) {
      return false;
    }
    const auto last = state::load_run_record(*dir, state::k_last_sync_file);
    return last.record && last.record->exit_code != 0;
  } catch (const std::exception&) {
    return false;
  }
}

void record_run(Context& ctx, const std::string& command, std::chrono::system_clock::time_point started,
                int exit_code, const std::string& failure) {
  try {
    const auto& env = ctx.env();
    const auto finished = ctx.clock().now();
    const auto config_file = record_config_path(ctx.global(), env);
    // The command's own config when it got that far; else what can be read of it.
    std::optional<config::Config> reread;
    const config::Config* cfg = ctx.loaded_config();
    if (cfg == nullptr) {
      reread = readable_config(config_file, env, ctx.global().profile);
      cfg = reread ? &*reread : nullptr;
    }

    state::RunRecord run;
    run.command = command;
    run.scheduled = ctx.global().scheduled;
    run.started = util::utc_timestamp(started);
    run.finished = util::utc_timestamp(finished);
    run.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(finished - started).count();
    run.config = config_file ? util::display_path(*config_file) : std::string();
    run.profile = ctx.global().profile.value_or(std::string());
    run.machine = cfg ? cfg->identity.effective_machine_id : std::string();
    run.version = CODEXSYNC_VERSION;
    run.exit_code = exit_code;
    run.first_error = first_line(failure);
    if (const auto* facts = run_facts(ctx)) {
      run.mode = facts->mode;
      run.counts = facts->counts;
      if (!facts->first_error.empty()) {
        run.first_error = first_line(facts->first_error);
      }
      const auto kept = std::min(facts->conflicts.size(), state::k_max_recorded_conflicts);
      run.conflicts.assign(facts->conflicts.begin(), facts->conflicts.begin() + static_cast<std::ptrdiff_t>(kept));
    }

    const auto dir = state::run_record_dir(env, config_file, run.profile);
    if (!dir) {
      log::warn("this run is not recorded: the user state folder is unknown (no home folder); `codexsync status` "
                "will not show it");
    } else {
      state::continue_streak(run, state::load_run_record(*dir, state::k_last_run_file).record);
      if (const auto problem = state::save_run_record(*dir, run); !problem.empty()) {
        log::warn(fmt::format("this run is not fully recorded: {}; `codexsync status` may show an older run",
                              problem));
      }
    }
    if (notify::should_notify(run) && cfg && cfg->notify.configured()) {
      const auto record = dir ? *dir / state::k_last_run_file : std::filesystem::path();
      notify_person(cfg->notify, run, record, env);
    }
  } catch (const std::exception& e) {
    log::warn(fmt::format("this run is not recorded: {}", e.what()));
  }
}

} // namespace codexsync::commands
