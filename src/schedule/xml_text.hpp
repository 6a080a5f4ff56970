#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The little XML the task files need: escaping text, and reading back the
// elements of files we wrote (flat, no attributes needed, no CDATA).
namespace codexsync::schedule::detail {

// Escapes & < > " ' for element text and attribute values.
std::string xml_escape(std::string_view text);
// Reverses xml_escape and decimal/hex character references.
std::string xml_unescape(std::string_view text);

// The unescaped text of every <tag>…</tag> in order (also <tag attr="…">).
std::vector<std::string> xml_elements(std::string_view xml, std::string_view tag);
// The first of them; nullopt when there is none.
std::optional<std::string> xml_element(std::string_view xml, std::string_view tag);

} // namespace codexsync::schedule::detail
