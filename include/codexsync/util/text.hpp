#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace codexsync::util {

// Returns `text` with ASCII letters lower-cased; other bytes unchanged.
std::string to_lower_ascii(std::string_view text);

// True when `a` and `b` are equal ignoring the case of ASCII letters.
bool equals_ignore_ascii_case(std::string_view a, std::string_view b);

// Returns `text` without leading and trailing ASCII white space.
std::string_view trim(std::string_view text);

// Returns true when `text` starts / ends with `affix`.
bool starts_with(std::string_view text, std::string_view affix);
bool ends_with(std::string_view text, std::string_view affix);

// Splits on `separator`; keeps empty pieces.
std::vector<std::string> split(std::string_view text, char separator);

// Returns `name` with every character outside [A-Za-z0-9._-] replaced by '-'
// and leading/trailing '-' and '.' stripped; `fallback` when nothing is left.
// Used for machine ids in file names.
std::string sanitize_file_component(std::string_view name, std::string_view fallback);

// Returns `items` joined with `separator`.
std::string join(const std::vector<std::string>& items, std::string_view separator);

// Decodes the UTF-8 character starting at text[at] (at < text.size()) and
// moves `at` past it. Returns nullopt for a malformed one, moving `at` past
// the bytes that make the one mistake: one for a stray byte or a sequence cut
// off by the end, up to the bad byte for a missing continuation, the whole
// sequence for an overlong form, a surrogate or a value above U+10FFFF.
std::optional<char32_t> next_utf8(std::string_view text, std::size_t& at);

// Returns true when `text` is well-formed UTF-8.
bool is_valid_utf8(std::string_view text);

// Appends code point `cp` (at most U+10FFFF) to `out` as UTF-8.
void append_utf8(std::string& out, char32_t cp);

#ifdef _WIN32
// UTF-8 <-> UTF-16 at the Windows API boundary only. Invalid input is replaced
// with U+FFFD rather than throwing.
std::wstring wide_from_utf8(std::string_view text);
std::string utf8_from_wide(std::wstring_view text);
#endif

} // namespace codexsync::util
