#include "support/catch.hpp"
#include "support/hashes.hpp"

#include <codexsync/core/index.hpp>
#include <codexsync/util/sha256_digest.hpp>

#include <optional>
#include <string>

using namespace codexsync;
using util::OptionalSha256;
using util::Sha256Digest;

namespace {

constexpr const char* k_abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

} // namespace

TEST_CASE("Sha256Digest: from_hex and hex round-trip 64 lower-case hex digits", "[util]") {
  const auto digest = Sha256Digest::from_hex(k_abc);
  REQUIRE(digest);
  CHECK(digest->bytes[0] == 0xbaU);
  CHECK(digest->bytes[1] == 0x78U);
  CHECK(digest->bytes[31] == 0xadU);
  CHECK(digest->hex() == k_abc);
  CHECK(*digest == test::digest_of("abc"));
  CHECK_FALSE(*digest == test::digest_of("abd"));

  std::string out = "x:";
  digest->append_hex(out);
  CHECK(out == std::string("x:") + k_abc);

  const auto ones = Sha256Digest::from_hex(std::string(64, 'f'));
  REQUIRE(ones);
  CHECK(ones->bytes[17] == 0xffU);
  CHECK(ones->hex() == std::string(64, 'f'));
  const auto low = Sha256Digest::from_hex(std::string(63, '0') + "1");
  REQUIRE(low);
  CHECK(low->bytes[31] == 1U);
  CHECK(low->hex() == std::string(63, '0') + "1");
}

TEST_CASE("Sha256Digest: from_hex refuses anything but 64 lower-case hex digits, and zero", "[util]") {
  const std::string good = k_abc;
  std::string upper = good;
  upper[0] = 'B';
  const std::string with_nul = good.substr(0, 32) + std::string(1, '\0') + good.substr(33);
  for (const auto& text : {std::string(), good.substr(1), good + "0", good.substr(0, 63) + "g", upper,
                           " " + good.substr(1), good.substr(1) + "\n", "+" + good.substr(1),
                           "0x" + good.substr(2), with_nul, std::string(64, '0')}) {
    CAPTURE(text);
    CHECK_FALSE(Sha256Digest::from_hex(text));
  }
}

TEST_CASE("Sha256Digest: matches is an exact comparison with the hex text", "[util]") {
  const auto digest = test::digest_of("abc");
  CHECK(digest.matches(k_abc));
  std::string upper = k_abc;
  upper[0] = 'B';
  CHECK_FALSE(digest.matches(upper));
  CHECK_FALSE(digest.matches(std::string(k_abc).substr(0, 63)));
  CHECK_FALSE(digest.matches(std::string(k_abc) + "0"));
  CHECK_FALSE(digest.matches(""));
  CHECK_FALSE(digest.matches(test::hex_of("abd")));
}

TEST_CASE("OptionalSha256 reads like std::optional<Sha256Digest> in 32 bytes", "[util]") {
  static_assert(sizeof(OptionalSha256) == Sha256Digest::k_size);
  // The point of it: a FileState without a heap block per hash, and no flag byte.
  CHECK(sizeof(FileState) == 2 * sizeof(std::uint64_t) + Sha256Digest::k_size);

  const OptionalSha256 none;
  CHECK_FALSE(none);
  CHECK_FALSE(none.has_value());
  CHECK(none == OptionalSha256(std::nullopt));
  CHECK(none == OptionalSha256(std::optional<Sha256Digest>()));
  CHECK_FALSE(none.matches(std::string(64, '0')));  // "none" never matches any text
  CHECK_FALSE(none == Sha256Digest{});

  const auto abc = test::digest_of("abc");
  OptionalSha256 some = abc;
  REQUIRE(some);
  CHECK(*some == abc);
  CHECK(some->hex() == k_abc);
  CHECK(some == abc);
  CHECK(abc == some);
  CHECK(some != none);
  CHECK(some != test::digest_of("abd"));
  CHECK(some == OptionalSha256(Sha256Digest::from_hex(k_abc)));
  CHECK(some.matches(k_abc));
  CHECK_FALSE(some.matches(test::hex_of("abd")));

  some.reset();
  CHECK_FALSE(some);
  CHECK(some == none);

  // The all-zero digest is the "none" it stands for.
  CHECK_FALSE(OptionalSha256(Sha256Digest{}));
}

TEST_CASE("FileState compares hashes as std::optional did", "[util]") {
  const FileState unknown{5, 1, {}};
  const FileState a{5, 1, test::digest_of("a")};
  const FileState b{5, 1, test::digest_of("b")};
  CHECK(unknown.same_as(a, 0));  // a hash known on one side only says nothing
  CHECK(a.same_as(a, 0));
  CHECK_FALSE(a.same_as(b, 0));
  CHECK_FALSE(a == unknown);
  CHECK(a == FileState{5, 1, test::digest_of("a")});
}
