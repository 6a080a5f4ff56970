#include <codexsync/apply/file_ops.hpp>
#include <codexsync/commands/command.hpp>
#include <codexsync/commands/run_recorder.hpp>
#include <codexsync/config/load.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/log/log.hpp>
#include <codexsync/state/conflict_store.hpp>
#include <codexsync/state/run_lock.hpp>
#include <codexsync/util/file_stat.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/sha256.hpp>
#include <codexsync/util/text.hpp>

#include "cold_gate.hpp"
#include "plan_output.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <ostream>

namespace codexsync::commands {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t k_reason_width = 110;

std::string show(const fs::path& path) { return util::display_path(path); }

// "2026-11-24 10:15:00" from "2026-11-24T10:15:00.123Z".
std::string kept_text(const std::string& kept_at) {
  if (kept_at.size() < 19) {
    return kept_at;
  }
  auto text = kept_at.substr(0, 19);
  text[10] = ' ';
  return text;
}

std::string short_reason(const state::ConflictEntry& e) {
  auto text = fmt::format("{} version: {}", side_name(e.loser_side),
                          e.reason.empty() ? "(no reason given)" : e.reason);
  if (text.size() > k_reason_width) {
    text.resize(k_reason_width - 3);
    while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0U) == 0x80U) {
      text.pop_back(); // a continuation byte: do not split a character
    }
    if (!text.empty() && (static_cast<unsigned char>(text.back()) & 0x80U) != 0) {
      text.pop_back();
    }
    text += "...";
  }
  return text;
}

nlohmann::json entry_json(const state::ConflictEntry& e, const config::Config& cfg) {
  return {{"id", e.id},
          {"machine", e.machine},
          {"this_machine", e.machine == cfg.identity.effective_machine_id},
          {"path", e.path},
          {"loser_side", side_name(e.loser_side)},
          {"size", e.size},
          {"sha256", e.sha256},
          {"mtime_ns", e.mtime_ns},
          {"kept_at", e.kept_at},
          {"reason", e.reason},
          {"winner_sha256", e.winner_sha256 ? nlohmann::json(*e.winner_sha256) : nlohmann::json()},
          {"data_file", show(e.data_file)}};
}

class ConflictsListCommand final : public Command {
public:
  std::vector<std::string> path() const override { return {"conflicts", "list"}; }
  std::string summary() const override {
    return "List the losing versions kept by conflict policies, oldest first (reads only)";
  }
  std::string example() const override { return "codexsync conflicts list --json"; }
  void add_options(CLI::App& app) override { (void)app; }

  ExitCode run(Context& ctx) override {
    const auto& cfg = ctx.config();
    const auto store = state::conflict_store_dir(config::workspace_dir(cfg));
    const auto listing = state::read_conflict_store(config::workspace_dir(cfg));
    if (ctx.global().json) {
      nlohmann::json entries = nlohmann::json::array();
      for (const auto& e : listing.entries) {
        entries.push_back(entry_json(e, cfg));
      }
      nlohmann::json damaged = nlohmann::json::array();
      for (const auto& d : listing.damaged) {
        damaged.push_back(
            {{"id", d.id}, {"machine", d.machine}, {"dir", show(d.dir)}, {"problem", d.problem}});
      }
      ctx.out() << nlohmann::json{{"store", show(store)}, {"entries", entries}, {"damaged", damaged}}.dump(2)
                << '\n';
      return ExitCode::ok;
    }
    auto& out = ctx.out();
    if (listing.entries.empty()) {
      out << "No conflict entries in " << show(store)
          << ": no version has been replaced by a conflict.policy decision.\n";
    } else {
      out << fmt::format("Conflict store {}: {} {}, oldest first\n", show(store), listing.entries.size(),
                         listing.entries.size() == 1 ? "entry" : "entries");
      std::size_t id_width = 2;
      std::size_t machine_width = 7;
      for (const auto& e : listing.entries) {
        id_width = std::max(id_width, e.id.size());
        machine_width = std::max(machine_width, e.machine.size());
      }
      out << fmt::format("{:<{}}  {:<19}  {:<{}}  {:>10}  {}\n", "id", id_width, "kept (UTC)", "machine",
                         machine_width, "size", "path");
      for (const auto& e : listing.entries) {
        out << fmt::format("{:<{}}  {:<19}  {:<{}}  {:>10}  {}\n", e.id, id_width, kept_text(e.kept_at),
                           e.machine, machine_width, human_bytes(e.size), e.path);
        out << "    " << short_reason(e) << '\n';
      }
      out << "Bring one back into the agent's folder with `codexsync conflicts restore ID` (--dry-run to "
             "look "
             "first, --to DIR to write it elsewhere).\n"
             "Entries are never removed automatically; delete an entry's folder by hand once you no longer "
             "need "
             "it.\n";
    }
    if (!listing.damaged.empty()) {
      out << fmt::format("Not listed: {} incomplete or damaged {} (still arriving from another machine, or "
                         "damaged):\n",
                         listing.damaged.size(), listing.damaged.size() == 1 ? "entry" : "entries");
      for (const auto& d : listing.damaged) {
        out << fmt::format("  {}: {}\n", show(d.dir), d.problem);
      }
    }
    return ExitCode::ok;
  }
};

// What is at a destination path now.
struct Current {
  std::optional<util::FileStat> stat;
  util::OptionalSha256 sha256; // when it is a regular file
};

Current look_at(const fs::path& dest) {
  Current current;
  std::error_code ec;
  current.stat = util::stat_no_follow(dest, ec);
  if (!current.stat) {
    if (ec && ec != std::errc::no_such_file_or_directory) {
      throw RuntimeError(fmt::format("cannot look at {}: {}; check its permissions and run again", show(dest),
                                     ec.message()));
    }
    return current;
  }
  if (current.stat->type != util::FileType::regular) {
    throw FailSafeError(
        fmt::format("{} is not a plain file (a folder or a link); nothing was written. Move it away "
                    "and run again",
                    show(dest)));
  }
  current.sha256 = util::sha256_file(dest, ec);
  if (!current.sha256) {
    throw RuntimeError(
        fmt::format("cannot read {}: {}; check its permissions and run again", show(dest), ec.message()));
  }
  return current;
}

// Refuses a path below `root` that passes through a link or a file: the
// store's version is never written through a link.
void refuse_links_on_the_way(const fs::path& root, const std::string& relative) {
  fs::path at = root;
  const auto parts = util::split(relative, '/');
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    at /= util::path_from_utf8(parts[i]);
    std::error_code ec;
    const auto stat = util::stat_no_follow(at, ec);
    if (!stat) {
      return; // missing: created as a folder
    }
    if (stat->type != util::FileType::directory) {
      throw FailSafeError(
          fmt::format("{} is not a plain folder (a link or a file); codexsync never writes through "
                      "links. Nothing was written; move it away and run again",
                      show(at)));
    }
  }
}

// Refuses a --to folder inside one of the folders codexsync keeps.
void refuse_kept_folder(const fs::path& dir, const fs::path& kept, std::string_view what,
                        std::string_view instead) {
  if (util::is_same_or_inside(dir, kept)) {
    throw UsageError(fmt::format("--to {} is inside {} ({}); {}", show(dir), what, show(kept), instead));
  }
}

class ConflictsRestoreCommand final : public Command {
public:
  std::vector<std::string> path() const override { return {"conflicts", "restore"}; }
  std::string summary() const override {
    return "Bring a kept losing version back into the agent's folder (the version there is kept first)";
  }
  std::string example() const override {
    return "codexsync conflicts restore 20261124T101500Z-1a2b3c4d --dry-run";
  }
  void add_options(CLI::App& app) override {
    app.add_option("id", m_id,
                   "The entry's id, or its first 8 or more characters (see `codexsync conflicts list`)")
        ->required()
        ->type_name("ID");
    app.add_flag("--dry-run", m_dry_run, "Only say what would be done; write nothing");
    app.add_option("--to", m_to, "Write the kept version to DIR/<its path> instead (never overwrites a file)")
        ->type_name("DIR");
  }

  ExitCode run(Context& ctx) override {
    auto* facts = run_facts(ctx);
    if (facts != nullptr) {
      facts->mode = m_dry_run ? "dry-run" : !m_to.empty() ? "to" : "";
    }
    const auto& cfg = ctx.config();
    const auto workspace = config::workspace_dir(cfg);
    const auto entry = state::find_conflict(workspace, m_id);
    state::verify_conflict(entry);
    const auto code = m_to.empty() ? into_agent_folder(ctx, cfg, entry) : into_folder(ctx, cfg, entry);
    if (facts != nullptr && m_restored) {
      facts->counts.restored = 1;
    }
    return code;
  }

private:
  ExitCode into_folder(Context& ctx, const config::Config& cfg, const state::ConflictEntry& entry) {
    auto dir = util::path_from_utf8(m_to);
    if (!dir.is_absolute()) {
      dir = ctx.env().cwd / dir;
    }
    dir = dir.lexically_normal();
    refuse_kept_folder(dir, cfg.paths.local_state_dir, "the agent's folder",
                       "leave out --to to restore into it (only while the agent is closed)");
    refuse_kept_folder(dir, cfg.paths.cloud_root_dir, "the cloud mirror", "choose a folder outside it");
    refuse_kept_folder(dir, state::conflict_store_dir(config::workspace_dir(cfg)), "the conflict store",
                       "choose a folder outside it");
    const auto dest = dir / util::path_from_utf8(entry.path);
    std::error_code ec;
    if (util::stat_no_follow(dest, ec)) {
      throw FailSafeError(
          fmt::format("{} already exists; conflicts restore --to never overwrites. Nothing was "
                      "written; choose another --to folder or move it away",
                      show(dest)));
    }
    nlohmann::json doc = entry_json(entry, cfg);
    doc["destination"] = show(dest);
    doc["dry_run"] = m_dry_run;
    doc["action"] = "write";
    if (m_dry_run) {
      print(ctx, doc,
            fmt::format("Would write conflict {} ({}, {}) to {}.\nDry run: nothing was written.", entry.id,
                        entry.path, human_bytes(entry.size), show(dest)));
      return ExitCode::ok;
    }
    ctx.start_file_logging();
    write_verified(entry, dest, apply::Expect{apply::Expect::Kind::absent, {}}, "");
    m_restored = true;
    log::info("wrote a kept conflict version outside the agent's folder",
              {{"conflict", entry.id}, {"path", entry.path}, {"destination", show(dest)}});
    doc["restored"] = true;
    print(ctx, doc,
          fmt::format("Wrote conflict {} ({}, {}) to {} (SHA-256 verified).\nThe agent's folder and the "
                      "conflict store are unchanged.",
                      entry.id, entry.path, human_bytes(entry.size), show(dest)));
    return ExitCode::ok;
  }

  ExitCode into_agent_folder(Context& ctx, const config::Config& cfg, const state::ConflictEntry& entry) {
    const auto& root = cfg.paths.local_state_dir;
    const auto dest = root / util::path_from_utf8(entry.path);
    nlohmann::json doc = entry_json(entry, cfg);
    doc["destination"] = show(dest);
    doc["dry_run"] = m_dry_run;
    const auto intro = fmt::format("Conflict {}: {} ({}, the {} version kept {} UTC on {})", entry.id,
                                   entry.path, human_bytes(entry.size), side_name(entry.loser_side),
                                   kept_text(entry.kept_at), entry.machine);
    if (m_dry_run) {
      refuse_links_on_the_way(root, entry.path);
      const auto current = look_at(dest);
      std::string what;
      if (!current.stat) {
        doc["action"] = "put_back";
        what = fmt::format("Would write it to {} (nothing is there now).", show(dest));
      } else if (current.sha256.matches(entry.sha256)) {
        doc["action"] = "unchanged";
        what = fmt::format("{} already holds this version: nothing to do.", show(dest));
      } else {
        doc["action"] = "replace";
        what =
            fmt::format("Would replace {} ({}) with it, after keeping that version as a new conflict entry.",
                        show(dest), human_bytes(current.stat->size));
      }
      print(ctx, doc,
            fmt::format("{}\n{}\nDry run: nothing was written. Run it again without --dry-run to restore.",
                        intro, what));
      return ExitCode::ok;
    }

    config::require_writable(cfg);
    ctx.start_file_logging();
    ColdGate gate(ctx, cfg);
    gate.require();
    const auto lock = state::RunLock::acquire(cfg.paths.temp_dir, cfg.identity.effective_machine_id,
                                              "conflicts restore", ctx.clock());
    refuse_links_on_the_way(root, entry.path);
    const auto current = look_at(dest);
    if (current.stat && current.sha256.matches(entry.sha256)) {
      doc["action"] = "unchanged";
      doc["restored"] = false;
      print(ctx, doc,
            fmt::format("{}\n{} already holds this version: nothing was written.", intro, show(dest)));
      return ExitCode::ok;
    }
    std::string kept_as;
    auto expect = apply::Expect{apply::Expect::Kind::absent, {}};
    if (current.stat) {
      gate.check_now();
      const auto replaced = state::keep_conflict_loser(
          config::workspace_dir(cfg), cfg.identity.effective_machine_id, dest, entry.path, Side::local,
          fmt::format("replaced by conflicts restore {}", entry.id), current.sha256,
          util::Sha256Digest::from_hex(entry.sha256), ctx.clock());
      kept_as = replaced.id;
      expect = apply::Expect{apply::Expect::Kind::state,
                             FileState{current.stat->size, current.stat->mtime_ns, {}}};
    }
    gate.check_now();
    write_verified(entry, dest, expect, kept_as);
    m_restored = true;
    log::file_action(log::Level::info, "conflicts_restore", entry.path, "local",
                     "put a kept conflict version back into the agent's folder",
                     {{"conflict", entry.id}, {"replaced_kept_as", kept_as}, {"sha256", entry.sha256}});
    doc["action"] = kept_as.empty() ? "put_back" : "replace";
    doc["replaced_kept_as"] = kept_as.empty() ? nlohmann::json() : nlohmann::json(kept_as);
    doc["restored"] = true;
    std::string text = fmt::format("{}\nRestored it to {} (SHA-256 verified).", intro, show(dest));
    if (!kept_as.empty()) {
      text +=
          fmt::format("\nThe version that was there is kept as conflict {}: `codexsync conflicts restore {}` "
                      "brings it back.",
                      kept_as, kept_as);
    }
    text +=
        "\nIt is now a local change: the next `codexsync sync --apply` carries it to your other machines.";
    print(ctx, doc, text);
    return ExitCode::ok;
  }

  // Copies the entry's bytes over `dest` atomically and checks what was
  // written; gives the entry's mtime back to the file.
  static void write_verified(const state::ConflictEntry& entry, const fs::path& dest,
                             const apply::Expect& expect, const std::string& kept_as) {
    const auto written = apply::copy_file_atomic(entry.data_file, dest, expect);
    if (!written.sha256.matches(entry.sha256)) {
      throw FailSafeError(
          fmt::format("{} does not hold the kept version of conflict {} after the copy (SHA-256 {}): "
                      "the entry changed while it was copied{}. Run again",
                      show(dest), entry.id, written.sha256 ? written.sha256->hex() : std::string("?"),
                      kept_as.empty() ? std::string()
                                      : fmt::format("; the version that was there is kept as "
                                                    "conflict {}",
                                                    kept_as)));
    }
    std::error_code ec;
    util::set_mtime_ns(dest, entry.mtime_ns, ec);
    if (ec) {
      log::warn(fmt::format("{} was restored but its modification time could not be set: {}", show(dest),
                            ec.message()));
    }
  }

  void print(Context& ctx, const nlohmann::json& doc, const std::string& text) const {
    if (ctx.global().json) {
      ctx.out() << doc.dump(2) << '\n';
    } else {
      ctx.out() << text << '\n';
    }
  }

  std::string m_id;
  std::string m_to;
  bool m_dry_run = false;
  bool m_restored = false; // a file was written
};

} // namespace

std::unique_ptr<Command> make_conflicts_list() { return std::make_unique<ConflictsListCommand>(); }
std::unique_ptr<Command> make_conflicts_restore() { return std::make_unique<ConflictsRestoreCommand>(); }

} // namespace codexsync::commands
