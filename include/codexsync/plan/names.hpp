#pragma once

#include <optional>
#include <string>
#include <string_view>

// Names that every OS a cloud folder reaches can hold. Pure.
namespace codexsync::plan {

// The longest path (in UTF-16 code units, inside the state folder) that is
// still portable: a Windows state folder such as C:\Users\<name>\.codex\ takes
// about 40 of MAX_PATH's 260.
inline constexpr std::size_t k_max_portable_path = 220;
inline constexpr std::size_t k_max_portable_name = 255;

// Why `path` (relative, '/'-separated, UTF-8) cannot be created on Windows or
// macOS, or nullopt when it can. Checks each name, left to right, and reports
// the first problem: bytes that are not UTF-8; control characters (0-31) and
// the characters < > : " | ? * \; reserved device names (CON, PRN, AUX, NUL,
// COM1-9, LPT1-9 and COM/LPT with the superscript digits ¹²³, in any case),
// judged as Windows does on the part before the first dot with trailing
// spaces dropped, so "aux.json", "nul.tar.gz" and "con .txt" are reserved
// while "console" and "conx.txt" are not; a trailing dot or space; a name
// longer than k_max_portable_name UTF-16 units. Then the whole path longer
// than k_max_portable_path UTF-16 units (a character above U+FFFF counts 2).
// Empty parts ("a//b") are skipped. The text names the part at fault (`"x"`
// for the last part, `the folder "x"` above it; control characters and bad
// bytes shown as '?') and says what to do, e.g. `"aux.json" is a reserved
// name on Windows (the device AUX, whatever follows a dot); rename it`.
std::optional<std::string> unportable_reason(std::string_view path);

namespace detail {
// unportable_reason without its shortcut for plainly portable paths (for the
// test that the shortcut never answers otherwise).
std::optional<std::string> unportable_reason_in_full(std::string_view path);
} // namespace detail

} // namespace codexsync::plan
