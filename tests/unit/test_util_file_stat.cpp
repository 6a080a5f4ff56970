#include "support/catch.hpp"

#include <codexsync/util/file_stat.hpp>

#ifdef _WIN32
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

using namespace codexsync;

namespace {

// 100 ns ticks since 1601 of `unix_seconds` since 1970.
std::int64_t ticks(std::int64_t unix_seconds) { return 116444736000000000LL + unix_seconds * 10'000'000LL; }

constexpr std::int64_t k_ns = 1'000'000'000LL;

util::WindowsFileFacts regular_file() {
  util::WindowsFileFacts facts;
  facts.attributes = FILE_ATTRIBUTE_ARCHIVE;
  facts.creation_time = ticks(2000);
  facts.last_write_time = ticks(1000);
  facts.change_time = ticks(3000);
  facts.size = 5'000'000'000ULL;
  facts.volume_serial = 0xCAFE;
  facts.file_id = 0x0001000000000042ULL;
  return facts;
}

} // namespace

// Junctions, symlinks and cloud placeholders cannot be made under Wine: the
// one function both the stat and the folder listing go through is tested
// with their attributes and tags here.
TEST_CASE("stat_from_windows turns what Windows tells into a FileStat", "[util]") {
  auto facts = regular_file();
  auto stat = util::stat_from_windows(facts);
  CHECK(stat.type == util::FileType::regular);
  CHECK(stat.size == 5'000'000'000ULL);
  CHECK(stat.mtime_ns == 1000 * k_ns);
  CHECK(stat.change_ns == 3000 * k_ns);  // the change time, later than the creation
  CHECK(stat.device == 0xCAFE);
  CHECK(stat.inode == 0x0001000000000042ULL);
  CHECK_FALSE(stat.read_only);

  facts.change_time = ticks(1500);  // earlier than the creation: the creation time
  CHECK(util::stat_from_windows(facts).change_ns == 2000 * k_ns);
  facts.change_time = 0;  // FAT, exFAT keep none
  CHECK(util::stat_from_windows(facts).change_ns == 2000 * k_ns);

  facts.attributes = FILE_ATTRIBUTE_READONLY;
  CHECK(util::stat_from_windows(facts).read_only);
  facts.attributes = FILE_ATTRIBUTE_DIRECTORY;
  CHECK(util::stat_from_windows(facts).type == util::FileType::directory);
}

TEST_CASE("stat_from_windows reports links as reparse points and placeholders as what they stand for", "[util]") {
  auto facts = regular_file();
  facts.attributes = FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY;
  facts.reparse_tag = IO_REPARSE_TAG_MOUNT_POINT;  // a junction
  CHECK(util::stat_from_windows(facts).type == util::FileType::reparse_point);
  facts.reparse_tag = IO_REPARSE_TAG_SYMLINK;
  CHECK(util::stat_from_windows(facts).type == util::FileType::reparse_point);
  facts.reparse_tag = std::nullopt;  // a tag that could not be read
  CHECK(util::stat_from_windows(facts).type == util::FileType::reparse_point);
  facts.reparse_tag = 0x9000601AU;  // IO_REPARSE_TAG_CLOUD_6: a OneDrive folder
  CHECK(util::stat_from_windows(facts).type == util::FileType::directory);
  facts.attributes = FILE_ATTRIBUTE_REPARSE_POINT;
  CHECK(util::stat_from_windows(facts).type == util::FileType::regular);
  facts.reparse_tag = 0x80000013U;  // IO_REPARSE_TAG_DEDUP
  CHECK(util::stat_from_windows(facts).type == util::FileType::regular);
}
#endif
