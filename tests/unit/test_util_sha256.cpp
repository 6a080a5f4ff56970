#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include <codexsync/util/sha256.hpp>

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>

using namespace codexsync::util;
using codexsync::test::TempDir;

namespace {

constexpr const char* k_empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* k_abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
// 1 MiB (1,048,576 bytes) of 'a', as computed by `sha256sum`.
constexpr const char* k_mib_of_a = "9bc1b2a288b26af7257a36277ae3816a7d4f16e89c1e7e77d0a5c48bad62b360";

// The file's digest as hex, or "(failed)" (ec says why).
std::string file_hex(const std::filesystem::path& path, std::error_code& ec) {
  const auto digest = sha256_file(path, ec);
  return digest ? digest->hex() : std::string("(failed)");
}

// Bytes 0..255 repeated 4097 times, then "xyz": just over the 1 MiB read chunk.
std::string chunk_crossing_content() {
  std::string out;
  for (int round = 0; round < 4097; ++round) {
    for (int byte = 0; byte < 256; ++byte) {
      out.push_back(static_cast<char>(byte));
    }
  }
  return out + "xyz";
}

} // namespace

TEST_CASE("sha256_hex matches the FIPS 180-2 vectors", "[util]") {
  CHECK(sha256_hex("") == k_empty);
  CHECK(sha256_hex("abc") == k_abc);
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1'000'000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  CHECK(sha256_hex(std::string(std::size_t{1024} * 1024, 'a')) == k_mib_of_a);
}

TEST_CASE("Sha256 fed in uneven pieces equals the one-shot digest", "[util]") {
  const std::string data(std::size_t{1024} * 1024, 'a');
  Sha256 hash;
  std::size_t at = 0;
  std::size_t piece = 1;
  while (at < data.size()) {
    const auto take = std::min(piece, data.size() - at);
    hash.update(data.data() + at, take);
    at += take;
    piece = piece * 3 + 1;
  }
  hash.update(nullptr, 0);
  CHECK(hash.finish_hex() == k_mib_of_a);
}

TEST_CASE("Sha256::finish gives the digest that finish_hex spells", "[util]") {
  Sha256 hash;
  hash.update("abc");
  const auto digest = hash.finish();
  CHECK(digest.hex() == k_abc);
  CHECK(digest.bytes[0] == 0xbaU);
  CHECK(digest.bytes[31] == 0xadU);
  CHECK(Sha256Digest::from_hex(k_abc) == digest);
  CHECK_THROWS_AS(hash.finish(), std::logic_error);
}

TEST_CASE("Sha256 is spent after finish_hex and can be moved", "[util]") {
  Sha256 first;
  first.update("ab");
  Sha256 second(std::move(first));
  second.update("c");
  CHECK(second.finish_hex() == k_abc);
  CHECK_THROWS_AS(second.finish_hex(), std::logic_error);
  CHECK_THROWS_AS(second.update("x"), std::logic_error);

  Sha256 third;
  third = Sha256();
  CHECK(third.finish_hex() == k_empty);
}

TEST_CASE("sha256_file hashes whole files across read chunks", "[util]") {
  TempDir dir;
  const auto content = chunk_crossing_content();
  std::error_code ec;
  CHECK(file_hex(dir.write("big.bin", content), ec) ==
        "ecdee9d20fd956ff8c50f58208c0ff96b7897b5d8e96e2db7c30410c7b91605e");
  CHECK_FALSE(ec);
  CHECK(file_hex(dir.write("abc.txt", "abc"), ec) == k_abc);
  CHECK_FALSE(ec);
  CHECK(file_hex(dir.write("empty.txt", ""), ec) == k_empty);
  CHECK_FALSE(ec);
}

TEST_CASE("sha256_file reports a missing file or a folder through ec", "[util]") {
  TempDir dir;
  std::error_code ec;
  CHECK_FALSE(sha256_file(dir / "missing.txt", ec));
  CHECK(ec == std::errc::no_such_file_or_directory);

  dir.mkdir("folder");
  ec.clear();
  CHECK_FALSE(sha256_file(dir / "folder", ec));
  CHECK(ec);
}

TEST_CASE("a midstate resumes a hash as if the bytes before it had been fed", "[util]") {
  std::string data;
  for (int i = 0; i < 5000; ++i) {
    data += static_cast<char>((i * 131 + 7) % 251);
  }
  const auto whole = sha256_hex(data);
  // Cut at many places: inside the first block, on a block edge, after it.
  for (const std::size_t cut : {std::size_t{0}, std::size_t{1}, std::size_t{63}, std::size_t{64}, std::size_t{65},
                                std::size_t{1000}, std::size_t{4096}, std::size_t{4999}, std::size_t{5000}}) {
    CAPTURE(cut);
    Sha256 first;
    first.update(std::string_view(data).substr(0, cut));
    const auto mid = first.midstate();
    if (!mid) {
      WARN("this platform's SHA-256 cannot save a midstate (CNG): not tested here");
      return;
    }
    // Only whole blocks are in it; the bytes of a partial block are fed again.
    CHECK(mid->bytes == cut / 64 * 64);
    auto resumed = Sha256::resume(*mid);
    REQUIRE(resumed);
    resumed->update(std::string_view(data).substr(mid->bytes));
    CHECK(resumed->finish_hex() == whole);
    // It survives being written down.
    const auto parsed = parse_midstate(to_text(*mid));
    REQUIRE(parsed);
    CHECK(*parsed == *mid);
  }
  // A wrong state gives a wrong digest (the resume really uses it).
  Sha256 first;
  first.update(std::string_view(data).substr(0, 128));
  auto mid = *first.midstate();
  mid.words[3] ^= 1U;
  auto resumed = Sha256::resume(mid);
  REQUIRE(resumed);
  resumed->update(std::string_view(data).substr(128));
  CHECK(resumed->finish_hex() != whole);
}

TEST_CASE("parse_midstate refuses what to_text never writes", "[util]") {
  const std::string hex64(64, 'a');
  CHECK(parse_midstate("128:" + hex64));
  CHECK_FALSE(parse_midstate("100:" + hex64));    // not a whole number of blocks
  CHECK_FALSE(parse_midstate(":" + hex64));
  CHECK_FALSE(parse_midstate("128:" + hex64.substr(1)));
  CHECK_FALSE(parse_midstate("128:" + std::string(63, 'a') + "G"));
  CHECK_FALSE(parse_midstate("12x:" + hex64));
  CHECK_FALSE(parse_midstate("128" + hex64));
}
