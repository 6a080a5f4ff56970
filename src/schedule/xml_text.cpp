#include "xml_text.hpp"

#include <codexsync/util/text.hpp>


#include <cstdint>

namespace codexsync::schedule::detail {
std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&apos;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::string xml_unescape(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '&') {
      out += text[i++];
      continue;
    }
    const std::size_t end = text.find(';', i);
    if (end == std::string_view::npos) {
      out += text.substr(i);
      break;
    }
    const std::string_view name = text.substr(i + 1, end - i - 1);
    if (name == "amp") {
      out += '&';
    } else if (name == "lt") {
      out += '<';
    } else if (name == "gt") {
      out += '>';
    } else if (name == "quot") {
      out += '"';
    } else if (name == "apos") {
      out += '\'';
    } else if (name.size() > 1 && name[0] == '#') {
      const bool hex = name[1] == 'x' || name[1] == 'X';
      std::uint32_t cp = 0;
      bool valid = name.size() > (hex ? 2U : 1U);
      for (std::size_t k = hex ? 2 : 1; k < name.size() && valid; ++k) {
        const char c = name[k];
        int digit = -1;
        if (c >= '0' && c <= '9') {
          digit = c - '0';
        } else if (hex && c >= 'a' && c <= 'f') {
          digit = c - 'a' + 10;
        } else if (hex && c >= 'A' && c <= 'F') {
          digit = c - 'A' + 10;
        }
        valid = digit >= 0 && cp < 0x110000;
        cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
      }
      if (valid && cp < 0x110000) {
        util::append_utf8(out, cp);
      } else {
        out += text.substr(i, end - i + 1);
      }
    } else {
      out += text.substr(i, end - i + 1);
    }
    i = end + 1;
  }
  return out;
}

std::vector<std::string> xml_elements(std::string_view xml, std::string_view tag) {
  std::vector<std::string> found;
  const std::string open = "<" + std::string(tag);
  const std::string close = "</" + std::string(tag) + ">";
  std::size_t at = 0;
  while ((at = xml.find(open, at)) != std::string_view::npos) {
    const std::size_t after_name = at + open.size();
    if (after_name >= xml.size() || (xml[after_name] != '>' && xml[after_name] != ' ')) {
      at = after_name;
      continue;
    }
    const std::size_t content = xml.find('>', after_name);
    if (content == std::string_view::npos) {
      break;
    }
    if (xml[content - 1] == '/') {  // <tag/>
      found.emplace_back();
      at = content + 1;
      continue;
    }
    const std::size_t end = xml.find(close, content + 1);
    if (end == std::string_view::npos) {
      break;
    }
    found.push_back(xml_unescape(xml.substr(content + 1, end - content - 1)));
    at = end + close.size();
  }
  return found;
}

std::optional<std::string> xml_element(std::string_view xml, std::string_view tag) {
  auto all = xml_elements(xml, tag);
  if (all.empty()) {
    return std::nullopt;
  }
  return std::move(all.front());
}

} // namespace codexsync::schedule::detail
