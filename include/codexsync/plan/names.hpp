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
// macOS, or nullopt when it can. Checks each name: reserved device names
// (CON, PRN, AUX, NUL, COM1-9, LPT1-9, also with an extension: "aux.json",
// any case, and with the superscript digits ¹²³), a trailing dot or space,
// the characters < > : " | ? * \ and control characters (0-31), a name longer
// than k_max_portable_name UTF-16 units, and the whole path longer than
// k_max_portable_path UTF-16 units. The text names the part at fault and
// says what to do, e.g. `"aux.json" is a reserved name on Windows; rename it`.
std::optional<std::string> unportable_reason(std::string_view path);

} // namespace codexsync::plan
