#include <codexsync/plan/names.hpp>
#include <codexsync/util/text.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

namespace codexsync::plan {
namespace {

constexpr std::string_view k_forbidden = "<>:\"|?*\\";
constexpr std::array<std::string_view, 4> k_devices = {"CON", "PRN", "AUX", "NUL"};
constexpr std::size_t k_shown_chars = 40;  // a long name is shown by its start

// How a part is named in a message: `"name"` for the last part (a file or
// folder), `the folder "name"` for one above it. A long name is shown by its
// start; control characters and bytes that are not UTF-8 are shown as '?', so
// the message is safe to print.
std::string part(std::string_view name, bool last) {
  std::string shown;
  std::size_t at = 0;
  std::size_t chars = 0;
  while (at < name.size() && chars < k_shown_chars) {
    const auto cp = util::next_utf8(name, at);
    util::append_utf8(shown, cp && *cp >= 0x20 ? *cp : U'?');
    ++chars;
  }
  if (at < name.size()) {
    shown += "...";
  }
  return last ? fmt::format("\"{}\"", shown) : fmt::format("the folder \"{}\"", shown);
}

// UTF-16 code units of valid UTF-8 `text`: two for a character above U+FFFF.
std::size_t utf16_units(std::string_view text) {
  if (std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    return text.size();  // ASCII: a unit per byte
  }
  std::size_t units = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto cp = util::next_utf8(text, at);
    units += cp && *cp > 0xFFFF ? 2 : 1;
  }
  return units;
}

// The device `name` stands for on Windows in capitals ("AUX", "COM¹"), or
// "" when none. Windows looks at the part before the first dot, ignoring
// trailing spaces, in any case: "aux", "AUX.json", "aux .json" and
// "nul.tar.gz" are all devices; "console" and "auxx.txt" are not.
std::string reserved_device(std::string_view name) {
  auto stem = name.substr(0, name.find('.'));
  while (!stem.empty() && stem.back() == ' ') {
    stem.remove_suffix(1);
  }
  if (stem.size() < 3 || stem.size() > 5) {
    return {};  // "CON" .. "COM\xC2\xB9": most names are longer or shorter
  }
  std::string upper(stem);
  for (auto& c : upper) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  for (const auto device : k_devices) {
    if (upper == device) {
      return upper;
    }
  }
  if (upper.size() < 4 || (upper.compare(0, 3, "COM") != 0 && upper.compare(0, 3, "LPT") != 0)) {
    return {};
  }
  const auto digit = std::string_view(upper).substr(3);
  const bool plain = digit.size() == 1 && digit[0] >= '1' && digit[0] <= '9';
  const bool superscript = digit == "\xC2\xB9" || digit == "\xC2\xB2" || digit == "\xC2\xB3";
  return plain || superscript ? upper : std::string();
}

// Why the single name `name` is unportable, or nullopt.
std::optional<std::string> name_reason(std::string_view name, bool last) {
  const auto what = [&] { return part(name, last); };  // made only for a message
  if (!util::is_valid_utf8(name)) {
    return fmt::format("{} is not valid UTF-8, which Windows and macOS cannot store; rename it", what());
  }
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20) {
      return fmt::format("{} contains the control character 0x{:02X}, which Windows cannot store; rename it",
                         what(), byte);
    }
    if (k_forbidden.find(c) != std::string_view::npos) {
      return fmt::format("{} contains '{}', which Windows {}cannot store; rename it", what(), c,
                         c == ':' ? "and macOS " : "");
    }
  }
  if (const auto device = reserved_device(name); !device.empty()) {
    return fmt::format("{} is a reserved name on Windows (the device {}, whatever follows a dot); rename it", what(),
                       device);
  }
  if (name.back() == '.' || name.back() == ' ') {
    return fmt::format("{} ends in a {}, which Windows drops; rename it", what(),
                       name.back() == '.' ? "dot" : "space");
  }
  if (const auto units = utf16_units(name); units > k_max_portable_name) {
    return fmt::format("{} is {} characters long (UTF-16 units), over the {} that Windows and macOS allow; "
                       "shorten it",
                       what(), units, k_max_portable_name);
  }
  return std::nullopt;
}

// True when `path` is plainly portable: printable ASCII without a character
// Windows forbids, no part that may name a device (a stem of 3 to 5
// characters starting like CON, PRN, AUX, NUL, COM or LPT) or ends in a dot or
// a space, and short enough. Most paths are; the rest take the full check,
// which says why.
bool plainly_portable(std::string_view path) {
  if (path.size() > k_max_portable_path) {
    return false;
  }
  // Every byte printable ASCII and none that Windows forbids (one pass,
  // without a branch per byte).
  static constexpr auto k_unplain = [] {
    std::array<std::uint8_t, 256> table{};
    for (int c = 0; c < 256; ++c) {
      table[static_cast<std::size_t>(c)] =
        c < 0x20 || c >= 0x7F || k_forbidden.find(static_cast<char>(c)) != std::string_view::npos ? 1 : 0;
    }
    return table;
  }();
  std::uint8_t unplain = 0;
  for (const char c : path) {
    unplain |= k_unplain[static_cast<unsigned char>(c)];
  }
  if (unplain != 0) {
    return false;
  }
  // Each part: no dot or space at its end, not too long, not like a device.
  for (std::size_t start = 0; start <= path.size();) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    const auto part = path.substr(start, end - start);
    if (!part.empty()) {
      if (part.back() == '.' || part.back() == ' ' || part.size() > k_max_portable_name) {
        return false;
      }
      auto stem = part.substr(0, part.find('.'));
      while (!stem.empty() && stem.back() == ' ') {
        stem.remove_suffix(1);  // Windows ignores spaces before the dot
      }
      if (stem.size() >= 3 && stem.size() <= 5 && std::string_view("cCpPaAnNlL").find(stem.front()) != std::string_view::npos) {
        return false;  // may be a device: the full check decides
      }
    }
    if (slash == std::string_view::npos) {
      break;
    }
    start = slash + 1;
  }
  return true;
}

} // namespace

std::optional<std::string> unportable_reason(std::string_view path) {
  if (plainly_portable(path)) {
    return std::nullopt;
  }
  return detail::unportable_reason_in_full(path);
}

std::optional<std::string> detail::unportable_reason_in_full(std::string_view path) {
  std::size_t begin = 0;
  while (begin <= path.size()) {
    const auto end = std::min(path.find('/', begin), path.size());
    const auto name = path.substr(begin, end - begin);
    if (!name.empty()) {
      if (auto reason = name_reason(name, end == path.size())) {
        return reason;
      }
    }
    begin = end + 1;
  }
  if (const auto units = utf16_units(path); units > k_max_portable_path) {
    return fmt::format("the path is {} characters long (UTF-16 units), over the {} that still fit in Windows' "
                       "260 once the state folder's own path is added; shorten a folder or file name in it",
                       units, k_max_portable_path);
  }
  return std::nullopt;
}

} // namespace codexsync::plan
