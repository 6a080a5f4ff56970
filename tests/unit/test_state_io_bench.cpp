// Timings of the state files at 100,000 paths (issue 8). Hidden from the
// default run: `codexsync_unit_tests "[bench]"`. For peak heap, run one case
// under heaptrack: `heaptrack build/tests/codexsync_unit_tests "baseline bench: load*"`.
#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include <codexsync/state/baseline_store.hpp>
#include <codexsync/state/delivery.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <utility>
#include <vector>

using namespace codexsync;
using namespace codexsync::state;

namespace {

constexpr int k_paths = 100'000;

util::Sha256Digest fake_hash(unsigned i) {
  util::Sha256Digest out;
  std::uint64_t x = i * 2'654'435'761ULL + 1;
  for (auto& byte : out.bytes) {
    x ^= x << 13U;
    x ^= x >> 7U;
    x ^= x << 17U;
    byte = static_cast<std::uint8_t>(x & 0xffU);
  }
  return out;
}

// A Codex-like session path, about 90 bytes.
std::string fake_path(int i) {
  return fmt::format("sessions/2025/{:02}/{:02}/rollout-2025-{:02}-{:02}T10-11-12-{:08x}-4a1b-9c2d-{:012}.jsonl",
                     1 + i % 12, 1 + i % 28, 1 + i % 12, 1 + i % 28, static_cast<unsigned>(i) * 7919U, i);
}

// The paths in sorted order with their numbers: maps are built in this order
// (as next_baseline builds them), so the nodes lie in memory as a run walks them.
std::vector<std::pair<std::string, int>> fake_paths() {
  std::vector<std::pair<std::string, int>> out;
  out.reserve(k_paths);
  for (int i = 0; i < k_paths; ++i) {
    out.emplace_back(fake_path(i), i);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Baseline fake_baseline() {
  Baseline out;
  for (const auto& [path, i] : fake_paths()) {
    const std::uint64_t size = 1000U + static_cast<std::uint64_t>(i) * 37U;
    const std::int64_t mtime = 1'700'000'000'000'000'000LL + i * 1'000'003LL;
    const auto hash = fake_hash(static_cast<unsigned>(i));
    out.emplace_hint(out.end(), path, BaselineEntry{FileState{size, mtime, hash}, FileState{size, mtime + 5, hash}});
  }
  return out;
}

DeliveryRecord fake_record() {
  DeliveryRecord r;
  r.machine = "machine-a";
  r.generation = 7;
  r.run = "20250101-101112-abcdef";
  r.written = "2025-01-01T10:11:12.345Z";
  for (const auto& [path, i] : fake_paths()) {
    r.files.emplace_hint(r.files.end(), path,
                         Claim{1000U + static_cast<std::uint64_t>(i) * 37U, fake_hash(static_cast<unsigned>(i)), r.written});
  }
  return r;
}

BaselineFile file_in(const test::TempDir& dir) {
  return BaselineFile{dir / "state/baseline.machine-a.json", "machine-a", "0123456789abcdef0123456789abcdef",
                      dir / "local", dir / "cloud"};
}

template <typename Work>
double seconds(Work&& work) {
  const auto start = std::chrono::steady_clock::now();
  work();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void report(const std::string& what, double secs, const std::filesystem::path& file) {
  std::cout << fmt::format("{}: {:.3f} s ({:.1f} MB file)\n", what, secs,
                           static_cast<double>(std::filesystem::file_size(file)) / 1e6);
}

} // namespace

TEST_CASE("baseline bench: save 100k paths", "[.bench]") {
  test::TempDir dir;
  const auto baseline = fake_baseline();
  const auto secs = seconds([&] { save_baseline(file_in(dir), baseline); });
  report("baseline save", secs, file_in(dir).path);
  CHECK(load_baseline(file_in(dir)).baseline.size() == baseline.size());
}

TEST_CASE("baseline bench: load 100k paths", "[.bench]") {
  test::TempDir dir;
  save_baseline(file_in(dir), fake_baseline());
  LoadedBaseline loaded;
  const auto secs = seconds([&] { loaded = load_baseline(file_in(dir)); });
  report("baseline load", secs, file_in(dir).path);
  CHECK(loaded.usable);
  CHECK(loaded.baseline.size() == static_cast<std::size_t>(k_paths));
}

TEST_CASE("delivery bench: write 100k claims", "[.bench]") {
  test::TempDir dir;
  const auto record = fake_record();
  const auto secs = seconds([&] { write_delivery_record(dir.path(), record); });
  report("delivery write", secs, dir / "machine-a.json");
  CHECK(read_delivery_records(dir.path()).records.at(0).files == record.files);
}

TEST_CASE("delivery bench: read 100k claims", "[.bench]") {
  test::TempDir dir;
  write_delivery_record(dir.path(), fake_record());
  DeliveryListing listing;
  const auto secs = seconds([&] { listing = read_delivery_records(dir.path()); });
  report("delivery read", secs, dir / "machine-a.json");
  CHECK(listing.problems.empty());
  CHECK(listing.records.at(0).files.size() == static_cast<std::size_t>(k_paths));
}
