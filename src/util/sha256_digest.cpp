#include <codexsync/util/sha256_digest.hpp>

namespace codexsync::util {
namespace {

constexpr char k_digits[] = "0123456789abcdef";

// The value of a lower-case hex digit, or -1.
int digit_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  return -1;
}

} // namespace

std::optional<Sha256Digest> Sha256Digest::from_hex(std::string_view text) {
  if (text.size() != k_hex_size) {
    return std::nullopt;
  }
  Sha256Digest digest;
  for (std::size_t i = 0; i < k_size; ++i) {
    const int high = digit_value(text[2 * i]);
    const int low = digit_value(text[2 * i + 1]);
    if (high < 0 || low < 0) {
      return std::nullopt;
    }
    digest.bytes[i] = static_cast<std::uint8_t>(high * 16 + low);
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
