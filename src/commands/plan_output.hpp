#pragma once

#include <codexsync/commands/command.hpp>
#include <codexsync/engine/sync_engine.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

// How plans and their results are shown: an aligned list for a person, one
// JSON document for a program. Shared by plan, sync and recover.
namespace codexsync::commands {

// "1.5 MiB", "312 B".
std::string human_bytes(std::uint64_t bytes);

// "2026-11-24 10:00:00 UTC" from nanoseconds since the epoch.
std::string human_time(std::int64_t mtime_ns);

// Prints the plan: header, one line per action, conflict details, paths never
// synced, summary.
void print_plan(Context& ctx, const config::Config& cfg, const engine::Prepared& prepared);

// The plan as JSON (actions, summary, skipped, baseline note).
nlohmann::json plan_json(const config::Config& cfg, const engine::Prepared& prepared);

// Throws ConflictError (exit 2) listing each conflict with both sides' size and
// time (or "hidden by configuration" when conflict.report_conflicts = false).
void refuse_conflicts(const config::Config& cfg, const engine::Prepared& prepared);

// With [secrets] on_detect = "refuse" and a file the secret guard withheld:
// throws FailSafeError (exit 5) listing every finding (file:line, rule,
// redaction, fingerprint; never the value) and the ways to go on.
void refuse_secrets(const config::Config& cfg, const engine::Prepared& prepared);

// When the mirror does not yet hold files a peer's delivery record claims:
// throws FailSafeError (exit 5) "cloud folder still syncing; retry later",
// listing them (the first 20) and the ways to go on.
void refuse_undelivered(const engine::Prepared& prepared);

// When the deletion guard stopped the plan: throws FailSafeError (exit 5)
// saying why and how to go on (--force-deletes).
void refuse_mass_deletion(const config::Config& cfg, const engine::Prepared& prepared);

// One warning per unsyncable path (a name another OS cannot hold), on stderr
// and in the log.
void warn_unsyncable(const engine::Prepared& prepared);

// With [secrets] on_detect = "skip": one warning per withheld file, on stderr
// and in the log, naming its findings (redacted); the file stays local.
void warn_withheld(const engine::Prepared& prepared);

} // namespace codexsync::commands
