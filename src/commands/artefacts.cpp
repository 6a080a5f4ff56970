#include <codexsync/apply/file_ops.hpp>
#include <codexsync/backup/snapshot.hpp>
#include <codexsync/commands/command.hpp>
#include <codexsync/config/load.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/engine/sync_engine.hpp>
#include <codexsync/log/log.hpp>
#include <codexsync/scan/artefacts.hpp>
#include <codexsync/scan/scanner.hpp>
#include <codexsync/state/baseline_store.hpp>
#include <codexsync/state/run_lock.hpp>
#include <codexsync/util/file_stat.hpp>
#include <codexsync/util/fs.hpp>

#include "artefacts_output.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <ostream>

// `codexsync artefacts [list]` and `codexsync artefacts clean`: the files a
// cloud client made in the folders codexsync syncs (scan/artefacts.hpp).
namespace codexsync::commands {
namespace {

namespace fs = std::filesystem;

std::string show(const fs::path& path) { return util::display_path(path); }

std::string files(std::size_t n) { return n == 1 ? "1 file" : fmt::format("{} files", n); }

// `artefacts clean` moves these; the rest is listed and left.
bool movable(const scan::Artefact& artefact) { return artefact.side == Side::cloud && !artefact.placeholder; }

// What is left alone, and why, for a person.
void print_left_notes(std::ostream& out, const std::vector<scan::Artefact>& artefacts) {
  const bool local = std::any_of(artefacts.begin(), artefacts.end(),
                                 [](const scan::Artefact& a) { return a.side == Side::local; });
  const bool placeholder = std::any_of(artefacts.begin(), artefacts.end(), [](const scan::Artefact& a) {
    return a.side == Side::cloud && a.placeholder;
  });
  if (local) {
    out << "The ones on the local side are left for you: `artefacts clean` never touches the agent's folder. "
           "Look at them and delete them by hand (while the agent is closed).\n";
  }
  if (placeholder) {
    out << "iCloud placeholders are left as they are: removing one would delete that file from iCloud. Have "
           "iCloud download it (Finder: Download Now) and the next sync sees the file.\n";
  }
}

void print_unreadable(std::ostream& out, const std::vector<std::string>& unreadable) {
  for (const auto& line : unreadable) {
    out << "Could not read " << line
        << "; files below it are not listed. Fix its permissions and run again.\n";
  }
}

class ArtefactsListCommand final : public Command {
public:
  explicit ArtefactsListCommand(std::vector<std::string> path) : m_path(std::move(path)) {}

  std::vector<std::string> path() const override { return m_path; }
  std::string summary() const override {
    return "List the files a cloud client made (conflict copies, temporary files, placeholders): never "
           "synced "
           "(reads only)";
  }
  std::string example() const override { return "codexsync artefacts list --json"; }
  void add_options(CLI::App& app) override { (void)app; }

  ExitCode run(Context& ctx) override {
    const auto& cfg = ctx.config();
    const auto found = find_artefacts(cfg);
    const auto exists = shadow_exists_in(found.local, found.cloud);
    if (ctx.global().json) {
      ctx.out() << nlohmann::json{{"cloud_root", show(cfg.paths.cloud_root_dir)},
                                  {"local_root", show(cfg.paths.local_state_dir)},
                                  {"artefacts", artefacts_json(found.artefacts, exists)},
                                  {"unreadable", found.unreadable}}
                       .dump(2)
                << '\n';
      return ExitCode::ok;
    }
    auto& out = ctx.out();
    if (found.artefacts.empty()) {
      out << fmt::format(
          "No files made by a cloud client (conflict copies, temporary files, placeholders) in "
          "the cloud mirror {} or the agent's folder {}.\n",
          show(cfg.paths.cloud_root_dir), show(cfg.paths.local_state_dir));
      print_unreadable(out, found.unreadable);
      return ExitCode::ok;
    }
    out << fmt::format("{} made by a cloud client: a sync never copies them and never counts them as a "
                       "deletion.\n",
                       files(found.artefacts.size()));
    print_artefacts(out, found.artefacts, exists);
    const auto to_move = std::count_if(found.artefacts.begin(), found.artefacts.end(), movable);
    if (to_move > 0) {
      out << fmt::format(
          "`codexsync artefacts clean` moves the {} on the cloud side into a backup snapshot and "
          "removes {} from the mirror (--dry-run to look first).\n",
          to_move == 1 ? "one" : std::to_string(to_move), to_move == 1 ? "it" : "them");
    }
    print_left_notes(out, found.artefacts);
    print_unreadable(out, found.unreadable);
    return ExitCode::ok;
  }

private:
  std::vector<std::string> m_path;
};

struct Failure {
  std::string path;
  std::string why;
};

class ArtefactsCleanCommand final : public Command {
public:
  std::vector<std::string> path() const override { return {"artefacts", "clean"}; }
  std::string summary() const override {
    return "Move the files a cloud client made in the cloud mirror into one verified backup snapshot and "
           "remove them there (touches only the mirror: the agent may stay open)";
  }
  std::string example() const override { return "codexsync artefacts clean --dry-run"; }
  void add_options(CLI::App& app) override {
    app.add_flag("--dry-run", m_dry_run, "Only list what would be moved; write nothing");
  }

  ExitCode run(Context& ctx) override {
    const auto& cfg = ctx.config();
    if (m_dry_run) {
      return dry_run(ctx, cfg, find_artefacts(cfg));
    }
    config::require_writable(cfg);
    ctx.start_file_logging();
    // Never beside a sync of this machine: it plans from the same mirror.
    const auto lock = state::RunLock::acquire(cfg.paths.temp_dir, cfg.identity.effective_machine_id,
                                              "artefacts clean", ctx.clock());
    return clean(ctx, cfg, find_artefacts(cfg));
  }

private:
  static std::vector<scan::Artefact> to_move(const Found& found) {
    std::vector<scan::Artefact> out;
    std::copy_if(found.artefacts.begin(), found.artefacts.end(), std::back_inserter(out), movable);
    return out;
  }

  static std::vector<scan::Artefact> left(const Found& found) {
    std::vector<scan::Artefact> out;
    std::copy_if(found.artefacts.begin(), found.artefacts.end(), std::back_inserter(out),
                 [](const scan::Artefact& a) { return !movable(a); });
    return out;
  }

  ExitCode dry_run(Context& ctx, const config::Config& cfg, const Found& found) const {
    const auto moving = to_move(found);
    const auto exists = shadow_exists_in(found.local, found.cloud);
    if (ctx.global().json) {
      ctx.out() << nlohmann::json{{"dry_run", true},
                                  {"cloud_root", show(cfg.paths.cloud_root_dir)},
                                  {"backup_dir", show(cfg.paths.backup_dir)},
                                  {"would_move", artefacts_json(moving, exists)},
                                  {"left", artefacts_json(left(found), exists)},
                                  {"unreadable", found.unreadable}}
                       .dump(2)
                << '\n';
      return ExitCode::ok;
    }
    auto& out = ctx.out();
    if (moving.empty()) {
      out << fmt::format("No files made by a cloud client in the cloud mirror {}: nothing to clean.\n",
                         show(cfg.paths.cloud_root_dir));
    } else {
      out << fmt::format("Would move {} from the cloud mirror {} into one backup snapshot in {}, then remove "
                         "them from the mirror:\n",
                         files(moving.size()), show(cfg.paths.cloud_root_dir), show(cfg.paths.backup_dir));
      print_artefacts(out, moving, exists);
    }
    print_left_notes(out, found.artefacts);
    print_unreadable(out, found.unreadable);
    out << "Dry run: nothing was written.";
    out << (moving.empty() ? "\n" : " Run `codexsync artefacts clean` to move them.\n");
    return ExitCode::ok;
  }

  ExitCode clean(Context& ctx, const config::Config& cfg, const Found& found) const {
    const auto moving = to_move(found);
    const auto& root = cfg.paths.cloud_root_dir;
    std::vector<Failure> failed;
    std::vector<scan::Artefact> moved;
    backup::SnapshotWriter snapshot(cfg.paths.backup_dir, cfg.identity.effective_machine_id,
                                    cfg.backup.compression == config::Compression::zip
                                        ? backup::Compression::zip
                                        : backup::Compression::none,
                                    ctx.clock());
    std::vector<std::pair<scan::Artefact, backup::SnapshotEntry>> backed_up;
    for (const auto& artefact : moving) {
      try {
        backed_up.emplace_back(
            artefact, snapshot.add(Side::cloud, artefact.path, root / util::path_from_utf8(artefact.path)));
      } catch (const Error& e) {
        failed.push_back({artefact.path, e.what()});
      }
    }
    // Nothing is removed unless the snapshot holding it is complete and verified.
    snapshot.commit();
    for (const auto& [artefact, entry] : backed_up) {
      const auto file = root / util::path_from_utf8(artefact.path);
      std::error_code ec;
      const auto now = util::stat_no_follow(file, ec);
      if (!now || now->type != util::FileType::regular || now->size != entry.size ||
          now->mtime_ns != entry.mtime_ns) {
        failed.push_back(
            {artefact.path, fmt::format("{} changed after it was backed up; it was left in place. Run "
                                        "again",
                                        show(file))});
        continue;
      }
      try {
        apply::remove_file(file, root);
      } catch (const RuntimeError& e) {
        failed.push_back({artefact.path, e.what()});
        continue;
      }
      log::file_action(
          log::Level::info, "artefact_clean", artefact.path, "cloud",
          fmt::format("removed a {} {} (a verified copy is in the backup)", artefact.provider, artefact.what),
          {{"snapshot", snapshot.name()}});
      moved.push_back(artefact);
    }
    for (const auto& failure : failed) {
      log::file_action(log::Level::error, "fail", failure.path, "cloud", failure.why);
    }
    report(ctx, cfg, found, moved, failed, snapshot.empty() ? std::string() : snapshot.name());
    return failed.empty() ? ExitCode::ok : ExitCode::runtime_error;
  }

  static void report(Context& ctx, const config::Config& cfg, const Found& found,
                     const std::vector<scan::Artefact>& moved, const std::vector<Failure>& failed,
                     const std::string& snapshot) {
    const auto exists = shadow_exists_in(found.local, found.cloud);
    auto& err = ctx.err();
    for (const auto& failure : failed) {
      err << "codexsync: error: could not move " << failure.path << ": " << failure.why << '\n';
    }
    if (!failed.empty()) {
      err << fmt::format("{} could not be moved (above) and {} still in the cloud mirror {}; the others were "
                         "moved. Fix the cause and run `codexsync artefacts clean` again.\n",
                         files(failed.size()), failed.size() == 1 ? "is" : "are",
                         show(cfg.paths.cloud_root_dir));
    }
    if (ctx.global().json) {
      auto failures = nlohmann::json::array();
      for (const auto& failure : failed) {
        failures.push_back({{"path", failure.path}, {"error", failure.why}});
      }
      ctx.out() << nlohmann::json{{"dry_run", false},
                                  {"cloud_root", show(cfg.paths.cloud_root_dir)},
                                  {"backup_dir", show(cfg.paths.backup_dir)},
                                  {"snapshot",
                                   snapshot.empty() ? nlohmann::json() : nlohmann::json(snapshot)},
                                  {"moved", artefacts_json(moved, exists)},
                                  {"failed", failures},
                                  {"left", artefacts_json(left(found), exists)},
                                  {"unreadable", found.unreadable}}
                       .dump(2)
                << '\n';
      return;
    }
    auto& out = ctx.out();
    if (moved.empty() && failed.empty()) {
      out << fmt::format("No files made by a cloud client in the cloud mirror {}: nothing to clean.\n",
                         show(cfg.paths.cloud_root_dir));
    } else if (!moved.empty()) {
      out << fmt::format(
          "Moved {} into backup snapshot {} (in {}) and removed {} from the cloud mirror {}:\n",
          files(moved.size()), snapshot, show(cfg.paths.backup_dir), moved.size() == 1 ? "it" : "them",
          show(cfg.paths.cloud_root_dir));
      print_artefacts(out, moved, exists);
      out << fmt::format("`codexsync restore --from {} --target cloud --apply` puts {} back.\n", snapshot,
                         moved.size() == 1 ? "it" : "them");
    }
    print_left_notes(out, found.artefacts);
    print_unreadable(out, found.unreadable);
  }

  bool m_dry_run = false;
};

} // namespace

std::unique_ptr<Command> make_artefacts() {
  return std::make_unique<ArtefactsListCommand>(std::vector<std::string>{"artefacts"});
}
std::unique_ptr<Command> make_artefacts_list() {
  return std::make_unique<ArtefactsListCommand>(std::vector<std::string>{"artefacts", "list"});
}
std::unique_ptr<Command> make_artefacts_clean() { return std::make_unique<ArtefactsCleanCommand>(); }

} // namespace codexsync::commands
