#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

// A SHA-256 digest as a value: 32 bytes held inline, where the text form (64
// lower-case hex digits) would take a heap block of its own. Files, records
// and output keep the text form; it is parsed once where it is read and
// written out where it is written.
namespace codexsync::util {

struct Sha256Digest {
  static constexpr std::size_t k_size = 32;
  static constexpr std::size_t k_hex_size = 2 * k_size;

  std::array<std::uint8_t, k_size> bytes{};

  // The digest `text` spells: exactly 64 lower-case hex digits, the form
  // codexsync writes. nullopt for anything else (another length, upper case,
  // spaces, a sign) and for 64 zeros, which no input hashes to in practice
  // and which OptionalSha256 holds for "no hash".
  static std::optional<Sha256Digest> from_hex(std::string_view text);

  // The 64 lower-case hex digits; from_hex(d.hex()) == d for any d but zero.
  std::string hex() const;
  // Appends hex() to `out` (no temporary string).
  void append_hex(std::string& out) const;
  // True when `text` is exactly hex(). Allocates nothing.
  bool matches(std::string_view text) const;
  // True for the all-zero value (a default-constructed digest).
  // Four word loads: it is asked for every file of every side in a plan, and
  // comparing with a zero array became a memcmp call each time.
  bool is_zero() const {
    std::uint64_t words[k_size / 8];
    std::memcpy(words, bytes.data(), k_size);
    return (words[0] | words[1] | words[2] | words[3]) == 0;
  }

  bool operator==(const Sha256Digest&) const = default;
};

// A digest or none in 32 bytes, read like std::optional<Sha256Digest> (which
// takes 33, and so 8 more inside FileState): the all-zero digest stands for
// "none". Assigning the all-zero digest therefore leaves it empty; no file's
// content hashes to it in practice, and from_hex never gives it.
class OptionalSha256 {
public:
  constexpr OptionalSha256() = default;
  constexpr OptionalSha256(std::nullopt_t /*none*/) {}
  constexpr OptionalSha256(const Sha256Digest& digest) : m_digest(digest) {}
  constexpr OptionalSha256(const std::optional<Sha256Digest>& digest)
      : m_digest(digest.value_or(Sha256Digest{})) {}

  bool has_value() const { return !m_digest.is_zero(); }
  explicit operator bool() const { return has_value(); }
  // The digest; the all-zero one when empty (check has_value() first).
  const Sha256Digest& operator*() const { return m_digest; }
  const Sha256Digest* operator->() const { return &m_digest; }
  void reset() { m_digest = Sha256Digest{}; }

  // True when a digest is held and `text` is exactly its hex(). Allocates nothing.
  bool matches(std::string_view text) const { return has_value() && m_digest.matches(text); }

  // Equal when both are empty or both hold the same digest (as std::optional).
  bool operator==(const OptionalSha256&) const = default;
  // True when a digest is held and it is `digest` (as std::optional).
  bool operator==(const Sha256Digest& digest) const { return has_value() && m_digest == digest; }

private:
  Sha256Digest m_digest;
};

} // namespace codexsync::util
