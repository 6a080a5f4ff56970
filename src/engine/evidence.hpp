#pragma once

#include <codexsync/config/config.hpp>
#include <codexsync/core/index.hpp>
#include <codexsync/plan/plan.hpp>

#include <filesystem>
#include <string>

// What the planner needs to know about file contents, read here so the planner
// stays pure: how the sides of append-only files relate, and what merging the
// sides of merge-line files would give.
namespace codexsync::engine::detail {

// Reads what it must of both sides. Merge-line files whose bytes turn out
// equal get the same sha256 on both sides (the planner then sees them in
// sync). Throws FailSafeError when a file vanished while being read,
// RuntimeError when one cannot be read.
plan::Evidence gather_evidence(const config::Config& cfg, Index& local, Index& cloud, const Baseline& baseline,
                               const plan::Options& options);

// How many bytes a relation check reads at most without the full comparison.
enum class PrefixCheck { sampled, full };

// True when the first `length` bytes of `shorter` equal those of `longer`.
// `sampled` compares the first 4 KiB, the last 4 KiB and eight 4 KiB blocks
// spread between (a mismatch is proof of a divergence; a match is trusted only
// when the baseline vouches for the shorter side); `full` compares every byte.
// Throws as gather_evidence does.
bool starts_with(const std::filesystem::path& longer, const std::filesystem::path& shorter, std::uint64_t length,
                 PrefixCheck check);

} // namespace codexsync::engine::detail
