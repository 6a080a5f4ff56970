#include <codexsync/util/sha256_digest.hpp>

#include <array>
#include <cstdint>

namespace codexsync::util {
namespace {

constexpr char k_digits[] = "0123456789abcdef";

// The value of each lower-case hex digit; 0xFF for every other byte. (A
// table: a 100,000-path baseline holds 200,000 hashes to read.)
constexpr auto k_digit_values = [] {
  std::array<std::uint8_t, 256> table{};
  table.fill(0xFF);
  for (int c = '0'; c <= '9'; ++c) {
    table[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(c - '0');
  }
  for (int c = 'a'; c <= 'f'; ++c) {
    table[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(c - 'a' + 10);
  }
  return table;
}();

} // namespace

std::optional<Sha256Digest> Sha256Digest::from_hex(std::string_view text) {
  if (text.size() != k_hex_size) {
    return std::nullopt;
  }
  Sha256Digest digest;
  std::uint8_t bad = 0;
  for (std::size_t i = 0; i < k_size; ++i) {
    const auto high = k_digit_values[static_cast<unsigned char>(text[2 * i])];
    const auto low = k_digit_values[static_cast<unsigned char>(text[2 * i + 1])];
    bad |= static_cast<std::uint8_t>(high | low);  // 0xFF has the high bits no digit has
    digest.bytes[i] = static_cast<std::uint8_t>((high << 4U) | (low & 0x0FU));
  }
  if ((bad & 0xF0U) != 0) {
    return std::nullopt;
  }
  if (digest.is_zero()) {
    return std::nullopt;
  }
  return digest;
}

std::string Sha256Digest::hex() const {
  std::string out;
  out.reserve(k_hex_size);
  append_hex(out);
  return out;
}

void Sha256Digest::append_hex(std::string& out) const {
  const auto at = out.size();
  out.resize(at + k_hex_size);
  for (std::size_t i = 0; i < k_size; ++i) {
    out[at + 2 * i] = k_digits[bytes[i] >> 4U];
    out[at + 2 * i + 1] = k_digits[bytes[i] & 0xfU];
  }
}

bool Sha256Digest::matches(std::string_view text) const {
  if (text.size() != k_hex_size) {
    return false;
  }
  for (std::size_t i = 0; i < k_size; ++i) {
    if (text[2 * i] != k_digits[bytes[i] >> 4U] || text[2 * i + 1] != k_digits[bytes[i] & 0xfU]) {
      return false;
    }
  }
  return true;
}

} // namespace codexsync::util
