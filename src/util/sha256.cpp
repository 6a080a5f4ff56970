#include <codexsync/util/sha256.hpp>

#include <charconv>

namespace codexsync::util {

std::string to_text(const Sha256Midstate& state) {
  static constexpr char k_digits[] = "0123456789abcdef";
  auto out = std::to_string(state.bytes);
  out += ':';
  for (const auto word : state.words) {
    for (int shift = 28; shift >= 0; shift -= 4) {
      out += k_digits[(word >> static_cast<unsigned>(shift)) & 0xfU];
    }
  }
  return out;
}

std::optional<Sha256Midstate> parse_midstate(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || text.size() - colon - 1 != 64) {
    return std::nullopt;
  }
  Sha256Midstate state;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + colon, state.bytes);
  if (ec != std::errc() || end != text.data() + colon || state.bytes % 64 != 0) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < state.words.size(); ++i) {
    std::uint32_t word = 0;
    for (std::size_t j = 0; j < 8; ++j) {
      const char c = text[colon + 1 + i * 8 + j];
      const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (digit < 0) {
        return std::nullopt;
      }
      word = (word << 4U) | static_cast<std::uint32_t>(digit);
    }
    state.words[i] = word;
  }
  return state;
}

std::string sha256_hex(std::string_view data) {
  Sha256 hash;
  hash.update(data);
  return hash.finish_hex();
}

} // namespace codexsync::util
