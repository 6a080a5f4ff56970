#include <codexsync/util/fs.hpp>
#include <codexsync/util/environment.hpp>
#include <codexsync/util/file_stat.hpp>
#include <codexsync/util/text.hpp>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

namespace codexsync::util {

std::string display_path(const fs::path& path) {
  auto text = path.generic_u8string();
  return std::string(reinterpret_cast<const char*>(text.data()), text.size());
}

fs::path path_from_utf8(std::string_view text) {
  std::u8string u8(text.size(), u8'\0');
  for (std::size_t i = 0; i < text.size(); ++i) {
    u8[i] = static_cast<char8_t>(text[i]);
  }
  return fs::path(u8);
}

std::string strip_long_path_prefix(std::string_view text) {
  if (starts_with(text, "\\\\?\\UNC\\")) {
    return "\\\\" + std::string(text.substr(8));
  }
  if (starts_with(text, "\\\\?\\") || starts_with(text, "//?/")) {
    return std::string(text.substr(4));
  }
  return std::string(text);
}

fs::path real_path(const fs::path& path) {
  std::error_code ec;
  auto absolute = fs::absolute(path, ec);
  if (ec) {
    absolute = path;
  }
  auto canonical = fs::weakly_canonical(absolute, ec);
  if (ec) {
    return absolute.lexically_normal();
  }
  return canonical.lexically_normal();
}

namespace {

bool case_insensitive_volumes() {
  const auto os = current_os();
  return os == Os::windows || os == Os::macos;
}

std::string component_key(const fs::path& component) {
  auto text = display_path(component);
  return case_insensitive_volumes() ? to_lower_ascii(text) : text;
}

std::vector<std::string> components(const fs::path& path) {
  std::vector<std::string> out;
  for (const auto& part : real_path(path)) {
    auto key = component_key(part);
    if (!key.empty()) {
      out.push_back(std::move(key));
    }
  }
  return out;
}

} // namespace

bool is_same_or_inside(const fs::path& inner, const fs::path& outer) {
  const auto in = components(inner);
  const auto out = components(outer);
  if (out.size() > in.size()) {
    return false;
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (in[i] != out[i]) {
      return false;
    }
  }
  return true;
}

bool is_same_path(const fs::path& a, const fs::path& b) { return components(a) == components(b); }

std::optional<std::string> read_file(const fs::path& path, std::error_code& ec) {
  ec.clear();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ec = std::make_error_code(std::errc::no_such_file_or_directory);
    if (fs::exists(path)) {
      ec = std::make_error_code(std::errc::permission_denied);
    }
    return std::nullopt;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    ec = std::make_error_code(std::errc::io_error);
    return std::nullopt;
  }
  return std::move(buffer).str();
}

std::string temp_suffix() { return std::string(k_temp_marker) + random_hex(k_temp_hex_bytes); }

bool is_temp_name(std::string_view name) {
  const std::size_t digits = 2 * k_temp_hex_bytes;
  const std::size_t tail = k_temp_marker.size() + digits;
  if (name.size() < 2 + tail || name.front() != '.') {
    return false;
  }
  const auto hex = name.substr(name.size() - digits);
  return name.substr(name.size() - tail, k_temp_marker.size()) == k_temp_marker &&
         std::all_of(hex.begin(), hex.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

fs::path nearest_existing(const fs::path& path) {
  std::error_code ec;
  fs::path at = fs::absolute(path, ec);
  if (ec) {
    at = path;
  }
  while (!at.empty()) {
    if (stat_no_follow(at, ec)) {
      return at;
    }
    if (at == at.parent_path()) {
      break;
    }
    at = at.parent_path();
  }
  return {};
}

std::string random_hex(std::size_t bytes) {
  static thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (std::size_t i = 0; i < bytes; ++i) {
    const auto byte = static_cast<unsigned>(engine() & 0xffU);
    out.push_back(k_digits[byte >> 4U]);
    out.push_back(k_digits[byte & 0xfU]);
  }
  return out;
}

void write_file_in_pieces(const fs::path& path, const std::function<void(AtomicFileWriter&)>& fill,
                          std::error_code& ec) {
  ec.clear();
  if (path.has_parent_path()) {
    fs::create_directories(path.parent_path(), ec);
    if (ec) {
      return;
    }
  }
  AtomicFileWriter writer(path);
  fill(writer);
  writer.commit(ec);
}

} // namespace codexsync::util
