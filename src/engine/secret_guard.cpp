#include <codexsync/apply/file_ops.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/engine/sync_engine.hpp>
#include <codexsync/log/log.hpp>
#include <codexsync/secrets/scanner.hpp>
#include <codexsync/util/file_stat.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/parallel.hpp>

#include "sides.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace codexsync::engine {
namespace {

constexpr std::size_t k_parallel_scans_from = 16;  // fewer files: not worth the threads

// True for the actions whose writing puts local content into the cloud folder:
// copies to the cloud, merges, and a pull that replaces a local version a
// conflict policy decided against (that version is kept in the conflict
// store, which lies in the cloud folder).
bool sends_local_content(const plan::Action& action) {
  return action.kind == plan::ActionKind::copy_to_cloud || action.kind == plan::ActionKind::merge ||
         (action.kind == plan::ActionKind::copy_to_local && action.keep_loser && action.local);
}

std::string withheld_reason(const plan::Action& action, const std::vector<secrets::Finding>& findings) {
  auto reason = fmt::format("{}contains a secret: {}",
                            action.kind == plan::ActionKind::copy_to_local
                              ? "the version here, which the conflict store in the cloud folder would keep, "
                              : "",
                            secrets::describe(action.path, findings.front()));
  if (findings.size() > 1) {
    reason += fmt::format(" (and {} more)", findings.size() - 1);
  }
  return reason + "; see [secrets]";
}

} // namespace

void guard_secrets(const config::Config& cfg, Prepared& prepared) {
  const auto& allow = cfg.secrets.allow;
  std::vector<plan::Action*> sending;
  for (auto& action : prepared.plan.actions) {
    if (sends_local_content(action)) {
      sending.push_back(&action);
    }
  }
  // The files are read and scanned on the cores at once (a first sync sends
  // every file); what is found is then judged here, in plan order.
  struct Scanned {
    std::vector<secrets::Finding> findings;
    std::error_code ec;
    std::optional<apply::Preread> kept;  // what was read, for the copy (copies to the cloud only)
  };
  // A fast-forward sends only the new tail; the rest send the whole local file.
  const auto from_of = [](const plan::Action& action) {
    return action.kind == plan::ActionKind::copy_to_cloud ? action.append_from.value_or(0) : 0;
  };
  std::uint64_t to_send = 0;
  for (const auto* action : sending) {
    to_send += action->local ? action->local->size - std::min(action->local->size, from_of(*action)) : 0;
  }
  const bool keep = to_send <= detail::k_keep_read_bytes;
  std::vector<Scanned> scanned(sending.size());
  util::parallel_for(sending.size(), sending.size() >= k_parallel_scans_from ? util::cpu_threads(4) : 1,
                     [&](std::size_t i) {
                       const auto& action = *sending[i];
                       const auto file = detail::file_on(cfg, Side::local, action.path);
                       if (!keep || action.kind != plan::ActionKind::copy_to_cloud) {
                         scanned[i].findings = secrets::scan_file(file, from_of(action), scanned[i].ec);
                         return;
                       }
                       // The bytes are handed on only if the file stayed the very same while read.
                       std::error_code ignored;
                       const auto before = util::stat_no_follow(file, ignored);
                       secrets::KeptBytes kept;
                       scanned[i].findings = secrets::scan_file(file, from_of(action), scanned[i].ec, &kept);
                       if (!scanned[i].ec && kept.complete) {
                         scanned[i].kept = detail::kept_read(file, before, kept.offset, std::move(kept.bytes));
                       }
                     });
  for (std::size_t i = 0; i < sending.size(); ++i) {
    auto& action = *sending[i];
    auto& findings = scanned[i].findings;
    if (scanned[i].ec) {
      detail::throw_unreadable(detail::file_on(cfg, Side::local, action.path), scanned[i].ec,
                               "check it for secrets before it goes to the cloud folder",
                               "nothing was written. Check its permissions, or exclude it in [filters] "
                               "exclude_globs");
    }
    if (scanned[i].kept) {
      prepared.preread.insert_or_assign(action.path, std::move(*scanned[i].kept));
    }
    std::vector<secrets::Finding> refused;
    for (auto& finding : findings) {
      if (std::find(allow.begin(), allow.end(), finding.fingerprint) != allow.end()) {
        log::info("a secret that [secrets] allow accepts goes to the cloud folder",
                  {{"path", action.path},
                   {"line", std::to_string(finding.line)},
                   {"rule", finding.rule},
                   {"fingerprint", finding.fingerprint}});
        continue;
      }
      refused.push_back(std::move(finding));
    }
    if (refused.empty()) {
      continue;
    }
    action.reason = withheld_reason(action, refused);
    action.held_kind = action.kind;
    action.kind = plan::ActionKind::withheld;
    prepared.secret_findings[action.path] = std::move(refused);
  }
}

} // namespace codexsync::engine
