// engine/evidence: how the two sides of append-only and merge-line files
// relate, read from real files; and apply's fast-forward copy that relies on it.
#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include "../../src/apply/file_ops_detail.hpp"
#include "../../src/engine/evidence.hpp"

#include <codexsync/apply/file_ops.hpp>
#include <codexsync/config/config.hpp>
#include <codexsync/core/error.hpp>
#include <codexsync/util/file_stat.hpp>
#include <codexsync/util/sha256.hpp>

#include <string>

namespace fs = std::filesystem;
using namespace codexsync;
using codexsync::engine::detail::PrefixCheck;
using codexsync::engine::detail::starts_with;
using codexsync::test::read_text;
using codexsync::test::TempDir;

namespace {

// `lines` JSONL lines, distinct per `tag`.
std::string chat(int lines, const std::string& tag = "a") {
  std::string out;
  for (int i = 0; i < lines; ++i) {
    out += "{\"timestamp\":\"2026-11-24T10:00:00Z\",\"type\":\"response_item\",\"n\":" + std::to_string(i) +
           ",\"tag\":\"" + tag + "\"}\n";
  }
  return out;
}

FileState state_of(const fs::path& file) {
  std::error_code ec;
  const auto st = util::stat_no_follow(file, ec);
  REQUIRE(st);
  return FileState{st->size, st->mtime_ns, std::nullopt};
}

config::Config config_for(const TempDir& dir) {
  config::Config cfg;
  cfg.paths.local_state_dir = dir / "local";
  cfg.paths.cloud_root_dir = dir / "cloud";
  cfg.sync.append_only_globs = {"sessions/**/*.jsonl"};
  cfg.sync.merge_line_globs = {"history.jsonl"};
  return cfg;
}

} // namespace

TEST_CASE("starts_with: a prefix, a divergence near the end, one at the start, one in the middle", "[engine]") {
  TempDir dir;
  const auto base = chat(20000);  // ~1.3 MB: beyond every sampled window
  const auto longer = dir.write("longer", base + chat(10, "more"));
  const auto same = dir.write("same", base);
  for (const auto check : {PrefixCheck::sampled, PrefixCheck::full}) {
    CHECK(starts_with(longer, same, base.size(), check));
    CHECK(starts_with(longer, same, 0, check));
  }

  auto late = base;
  late[late.size() - 10] = 'X';  // both appended different lines at the end of the common part
  const auto late_file = dir.write("late", late);
  auto early = base;
  early[5] = 'X';  // a rewrite of the header
  const auto early_file = dir.write("early", early);
  for (const auto check : {PrefixCheck::sampled, PrefixCheck::full}) {
    CHECK_FALSE(starts_with(longer, late_file, base.size(), check));
    CHECK_FALSE(starts_with(longer, early_file, base.size(), check));
  }

  // A change between the sampled blocks: only the full comparison sees it.
  auto middle = base;
  middle[base.size() / 2 + 9000] = 'X';
  const auto middle_file = dir.write("middle", middle);
  CHECK_FALSE(starts_with(longer, middle_file, base.size(), PrefixCheck::full));
}

TEST_CASE("starts_with: a file that vanished is a fail-safe stop", "[engine]") {
  TempDir dir;
  const auto longer = dir.write("longer", chat(10));
  CHECK_THROWS_AS(starts_with(longer, dir / "gone", 100, PrefixCheck::full), FailSafeError);
}

TEST_CASE("gather_evidence: fast-forwards, divergences and merges", "[engine]") {
  TempDir dir;
  const auto cfg = config_for(dir);
  const std::string ff = "sessions/2026/11/24/ff.jsonl";
  const std::string div = "sessions/2026/11/24/div.jsonl";
  const std::string same_hist = "history.jsonl";
  dir.write("local/" + ff, chat(5));
  dir.write("cloud/" + ff, chat(5) + chat(3, "b"));
  dir.write("local/" + div, chat(5) + chat(2, "here"));
  dir.write("cloud/" + div, chat(5) + chat(4, "there"));
  dir.write("local/" + same_hist, "{\"ts\":1,\"text\":\"a\"}\n");
  dir.write("cloud/" + same_hist, "{\"ts\":1,\"text\":\"a\"}\n{\"ts\":2,\"text\":\"b\"}\n");

  Index local;
  Index cloud;
  for (const auto* path : {&ff, &div, &same_hist}) {
    local.files[*path] = state_of(dir / ("local/" + *path));
    cloud.files[*path] = state_of(dir / ("cloud/" + *path));
  }
  plan::Options options;
  options.append_only_globs = cfg.sync.append_only_globs;
  options.merge_line_globs = cfg.sync.merge_line_globs;
  const auto evidence = engine::detail::gather_evidence(cfg, local, cloud, {}, options);
  CHECK(evidence.relations.at(ff) == plan::Relation::local_prefix_of_cloud);
  CHECK(evidence.relations.at(div) == plan::Relation::diverged);
  CHECK(evidence.merges.at(same_hist) == plan::MergeOutcome::cloud_has_all);
}

TEST_CASE("gather_evidence: merge-line files with equal bytes are marked identical", "[engine]") {
  TempDir dir;
  const auto cfg = config_for(dir);
  dir.write("local/history.jsonl", "{\"ts\":1}\n");
  dir.write("cloud/history.jsonl", "{\"ts\":1}\n");
  Index local;
  Index cloud;
  local.files["history.jsonl"] = FileState{9, 1, std::nullopt};
  cloud.files["history.jsonl"] = FileState{9, 2'000'000'000, std::nullopt};
  plan::Options options;
  options.merge_line_globs = cfg.sync.merge_line_globs;
  const auto evidence = engine::detail::gather_evidence(cfg, local, cloud, {}, options);
  CHECK(evidence.merges.empty());
  REQUIRE(local.files["history.jsonl"].sha256);
  CHECK(local.files["history.jsonl"].sha256 == cloud.files["history.jsonl"].sha256);
}

TEST_CASE("gather_evidence: a merge-line file with lines appended on one side is a fast-forward", "[engine]") {
  TempDir dir;
  const auto cfg = config_for(dir);
  const std::string old_lines = "{\"ts\":1}\n{\"ts\":2}\n";
  dir.write("local/history.jsonl", old_lines + "{\"ts\":3}\n");
  dir.write("cloud/history.jsonl", old_lines);
  dir.write("local/session_index.jsonl", "{\"id\":\"a\"}\n");
  dir.write("cloud/session_index.jsonl", "{\"id\":\"b\"}\n{\"id\":\"a\"}\n");  // not a prefix: a union
  Index local;
  Index cloud;
  for (const auto* path : {"history.jsonl", "session_index.jsonl"}) {
    local.files[path] = state_of(dir / (std::string("local/") + path));
    cloud.files[path] = state_of(dir / (std::string("cloud/") + path));
  }
  plan::Options options;
  options.merge_line_globs = {"history.jsonl", "session_index.jsonl"};
  const auto evidence = engine::detail::gather_evidence(cfg, local, cloud, {}, options);
  CHECK(evidence.relations.at("history.jsonl") == plan::Relation::cloud_prefix_of_local);
  CHECK(evidence.merges.at("history.jsonl") == plan::MergeOutcome::local_has_all);
  CHECK(evidence.relations.count("session_index.jsonl") == 0);
  CHECK(evidence.merges.at("session_index.jsonl") == plan::MergeOutcome::cloud_has_all);
}

TEST_CASE("append_copy_atomic copies only the tail and hashes the whole result", "[engine][apply]") {
  TempDir dir;
  const auto old_text = chat(100);
  const auto new_text = old_text + chat(7, "tail");
  const auto dest = dir.write("dest.jsonl", old_text);
  const auto source = dir.write("source.jsonl", new_text);
  const auto planned = state_of(dest);
  const auto result = apply::append_copy_atomic(source, dest, old_text.size(), apply::Expect::as_planned(planned));
  CHECK(read_text(dest) == new_text);
  CHECK(result.size == new_text.size());
  util::Sha256 hash;
  hash.update(new_text);
  CHECK(result.sha256 == hash.finish());
  CHECK(state_of(dest).mtime_ns == state_of(source).mtime_ns);
}

TEST_CASE("append_copy_atomic takes the prefix from the destination, not the source", "[engine][apply]") {
  // Proof that the source's first bytes are not read: they differ here, and the
  // result keeps the destination's.
  TempDir dir;
  const auto dest = dir.write("dest", "AAAA");
  const auto source = dir.write("source", "BBBBtail");
  apply::append_copy_atomic(source, dest, 4, apply::Expect::as_planned(state_of(dest)));
  CHECK(read_text(dest) == "AAAAtail");
}

apply::FileIdentity identity_of(const fs::path& file) {
  std::error_code ec;
  const auto stat = util::stat_no_follow(file, ec);
  REQUIRE(stat);
  return apply::FileIdentity{stat->device, stat->inode, stat->size, stat->mtime_ns};
}

// A fast-forward of `dest` to `source` with `resume`, through the kernel's
// copy where it can (`buffered` = false) or through the buffer.
FileState fast_forward(const fs::path& source, const fs::path& dest, std::uint64_t from, apply::HashResume& resume,
                       bool buffered) {
  apply::detail::CopyHooks hooks;
  hooks.no_kernel_copy = buffered;
  return apply::detail::copy_file_atomic(source, dest, hooks, apply::Expect::as_planned(state_of(dest)), from,
                                         nullptr, &resume);
}

TEST_CASE("append_copy_atomic hashes only the new bytes from a midstate and hands on the next one", "[engine][apply]") {
  const bool buffered = GENERATE(false, true);  // kernel copy (clone, copy_file_range) or through the buffer
  CAPTURE(buffered);
  TempDir dir;
  // Sizes that are not whole blocks, so the midstate stops short of the end.
  const auto old_text = chat(300) + "x";
  const auto tail = chat(9, "tail") + "yz";
  const auto source = dir.write("source.jsonl", old_text + tail);

  // A full copy hands back the midstate of what it wrote, and which file that is.
  const auto dest = dir.path() / "dest.jsonl";
  apply::HashResume first;
  const auto copied = apply::copy_file_atomic(dir.write("seed.jsonl", old_text), dest, {}, nullptr, &first);
  if (!first.result) {
    WARN("this platform's SHA-256 cannot save a midstate (CNG): the fast-forward reads the whole file");
    return;
  }
  CHECK(first.result->bytes == old_text.size() / 64 * 64);
  CHECK(copied.sha256->hex() == util::sha256_hex(old_text));
  CHECK(first.result_file == identity_of(dest));

  apply::HashResume resume;
  resume.from = first.result;
  resume.from_file = first.result_file;
  const auto result = fast_forward(source, dest, old_text.size(), resume, buffered);
  CHECK(resume.used_from);
  CHECK(read_text(dest) == old_text + tail);
  CHECK(result.sha256->hex() == util::sha256_hex(old_text + tail));
  // The next midstate resumes to the same digest.
  REQUIRE(resume.result);
  CHECK(resume.result->bytes == (old_text + tail).size() / 64 * 64);
  CHECK(resume.result_file == identity_of(dest));
  auto next = util::Sha256::resume(*resume.result);
  REQUIRE(next);
  next->update(std::string_view(old_text + tail).substr(resume.result->bytes));
  CHECK(next->finish_hex() == util::sha256_hex(old_text + tail));

  // A midstate for another file (here: the same bytes, another inode) is not
  // used: the whole result is hashed.
  const auto dest2 = dir.write("dest2.jsonl", old_text);
  apply::HashResume other;
  other.from = first.result;
  other.from_file = first.result_file;
  const auto whole = fast_forward(source, dest2, old_text.size(), other, buffered);
  CHECK_FALSE(other.used_from);
  CHECK(whole.sha256->hex() == util::sha256_hex(old_text + tail));

  // The midstate really stands for the old bytes: a wrong one for the right
  // file (which a resume point's check value and the resume cap guard
  // against) gives a wrong digest, while the file itself stays right.
  const auto dest3 = dir.write("dest3.jsonl", old_text);
  apply::HashResume wrong;
  wrong.from = first.result;
  wrong.from->words[0] ^= 1U;
  wrong.from_file = identity_of(dest3);
  const auto skewed = fast_forward(source, dest3, old_text.size(), wrong, buffered);
  CHECK(wrong.used_from);
  CHECK(read_text(dest3) == old_text + tail);
  CHECK(skewed.sha256->hex() != util::sha256_hex(old_text + tail));
}

TEST_CASE("append_copy_atomic refuses a destination that changed since the plan", "[engine][apply]") {
  TempDir dir;
  const auto dest = dir.write("dest", "AAAA");
  const auto source = dir.write("source", "AAAAtail");
  auto planned = state_of(dest);
  planned.size = 3;
  CHECK_THROWS(apply::append_copy_atomic(source, dest, 3, apply::Expect::as_planned(planned)));
  CHECK(read_text(dest) == "AAAA");
}
