#pragma once

#include "support/catch.hpp"

#include <codexsync/util/sha256.hpp>

#include <string>
#include <string_view>

namespace codexsync::test {

// A real digest standing for `label` in a test (the SHA-256 of the label), so
// tests can name hashes ("v1", "cloud") and distinct labels never collide.
inline util::Sha256Digest digest_of(std::string_view label) {
  util::Sha256 hash;
  hash.update(label);
  return hash.finish();
}

// digest_of(label) as the 64 hex digits files and records hold.
inline std::string hex_of(std::string_view label) { return digest_of(label).hex(); }

} // namespace codexsync::test

// Failed checks show digests as their hex text.
namespace Catch {
template <> struct StringMaker<codexsync::util::Sha256Digest> {
  static std::string convert(const codexsync::util::Sha256Digest& digest) { return digest.hex(); }
};
template <> struct StringMaker<codexsync::util::OptionalSha256> {
  static std::string convert(const codexsync::util::OptionalSha256& digest) {
    return digest ? digest->hex() : std::string("(no hash)");
  }
};
} // namespace Catch
