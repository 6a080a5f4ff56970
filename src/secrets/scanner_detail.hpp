#pragma once

// The secret scanner's character classes and its look for where a rule may
// start, shared with the unit tests (which compare the 16-at-a-time look
// with the one-at-a-time one on every pair of characters).

#include <array>
#include <bit>
#include <cstddef>

#if (defined(__SSE2__) || defined(_M_X64)) && !defined(CODEXSYNC_NO_SIMD)
#define CODEXSYNC_SCAN_SSE2 1
#include <emmintrin.h>
#else
#define CODEXSYNC_SCAN_SSE2 0
#endif

namespace codexsync::secrets::detail {

// Characters a token cannot start right after: letters, digits, _ - +.
// (A table made at compile time: this is asked of every byte a run sends.)
inline constexpr auto k_token_inner = [] {
  std::array<bool, 256> table{};
  for (int i = 0; i < 256; ++i) {
    table[static_cast<std::size_t>(i)] = (i >= 'a' && i <= 'z') || (i >= 'A' && i <= 'Z') || (i >= '0' && i <= '9') ||
                                         i == '_' || i == '-' || i == '+';
  }
  return table;
}();
inline bool is_token_inner(char c) { return k_token_inner[static_cast<unsigned char>(c)]; }

// The first characters of a token or of "Bearer": the scan asks this of the
// character after each word's end before it looks any closer.
inline constexpr auto k_may_start = [] {
  std::array<bool, 256> table{};
  for (const char c : {'s', 'A', 'g', 'x', 'B', 'b'}) {
    table[static_cast<unsigned char>(c)] = true;
  }
  return table;
}();
inline bool may_start(char c) { return k_may_start[static_cast<unsigned char>(c)]; }

// True at the positions the scan looks at: a `=` or `:` (an assignment's
// operator), or a character that is not a token character followed by one
// that may start a rule. Nothing starts anywhere else. `text[p + 1]` must be
// readable (a string's NUL is).
inline bool worth_a_look(const char* text, std::size_t p) {
  const char c = text[p];
  return c == '=' || c == ':' || (!is_token_inner(c) && may_start(text[p + 1]));
}

#if CODEXSYNC_SCAN_SSE2
// worth_a_look for the 16 positions from `p` at once, as bits (bit i for
// p + i); reads text[p] to text[p + 16]. Most of a chat is words that start with
// none of the rules' letters: a block of them costs a few instructions and
// no branch per word.
inline unsigned worth_a_look16(const char* text, std::size_t p) {
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text + p));
  const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text + p + 1));
  const auto eq = [](__m128i v, char c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(c)); };
  // c in [lo, lo + n] is (c - lo) <= n unsigned, which min_epu8 tells.
  const auto in_range = [](__m128i v, char lo, char n) {
    const __m128i shifted = _mm_sub_epi8(v, _mm_set1_epi8(lo));
    return _mm_cmpeq_epi8(_mm_min_epu8(shifted, _mm_set1_epi8(n)), shifted);
  };
  const __m128i inner =
    _mm_or_si128(_mm_or_si128(in_range(_mm_or_si128(x, _mm_set1_epi8(0x20)), 'a', 25), in_range(x, '0', 9)),
                 _mm_or_si128(_mm_or_si128(eq(x, '_'), eq(x, '-')), eq(x, '+')));
  const __m128i starts = _mm_or_si128(_mm_or_si128(_mm_or_si128(eq(next, 's'), eq(next, 'A')),
                                                   _mm_or_si128(eq(next, 'g'), eq(next, 'x'))),
                                      _mm_or_si128(eq(next, 'B'), eq(next, 'b')));
  const __m128i op = _mm_or_si128(eq(x, '='), eq(x, ':'));
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_andnot_si128(inner, starts), op)));
}
#endif

// The first position from `p` on that is worth a look, or `end` (or past it)
// when none before `end` is. `text` holds `size` characters and a NUL after
// them; end <= size.
inline std::size_t next_worth_a_look(const char* text, std::size_t size, std::size_t p, std::size_t end) {
#if CODEXSYNC_SCAN_SSE2
  for (; p < end && p + 16 <= size; p += 16) {  // text[p + 16] is at most the NUL
    if (const unsigned look = worth_a_look16(text, p); look != 0) {
      return p + static_cast<std::size_t>(std::countr_zero(look));
    }
  }
#else
  (void)size;
#endif
  while (p < end && !worth_a_look(text, p)) {
    ++p;
  }
  return p;
}

} // namespace codexsync::secrets::detail
