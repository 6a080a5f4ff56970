#include "platform.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

namespace codexsync::scan::detail {
namespace {

// Returns the length of the well-formed UTF-8 sequence at `pos` (no overlong
// forms, no surrogates, nothing above U+10FFFF), or 0.
std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  const auto lead = byte(0);
  if (lead < 0x80U) {
    return 1;
  }
  std::size_t length = 0;
  unsigned char low = 0x80U;
  unsigned char high = 0xbfU;
  if (lead >= 0xc2U && lead <= 0xdfU) {
    length = 2;
  } else if (lead >= 0xe0U && lead <= 0xefU) {
    length = 3;
    low = lead == 0xe0U ? 0xa0U : 0x80U;
    high = lead == 0xedU ? 0x9fU : 0xbfU;
  } else if (lead >= 0xf0U && lead <= 0xf4U) {
    length = 4;
    low = lead == 0xf0U ? 0x90U : 0x80U;
    high = lead == 0xf4U ? 0x8fU : 0xbfU;
  } else {
    return 0;
  }
  if (pos + length > text.size() || byte(1) < low || byte(1) > high) {
    return 0;
  }
  for (std::size_t i = 2; i < length; ++i) {
    if ((byte(i) & 0xc0U) != 0x80U) {
      return 0;
    }
  }
  return length;
}

} // namespace

EntryName entry_name(std::basic_string_view<std::filesystem::path::value_type> native) {
  const auto slash = native.find_last_of('/');
  const auto name = slash == std::string_view::npos ? native : native.substr(slash + 1);
  EntryName out;
  if (std::all_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80U; })) {
    out.utf8.assign(name);  // ASCII, the common case: nothing to check
    return out;
  }
  out.utf8.reserve(name.size());
  static constexpr char k_digits[] = "0123456789ABCDEF";
  for (std::size_t pos = 0; pos < name.size();) {
    const auto length = utf8_sequence_length(name, pos);
    if (length == 0) {
      const auto bad = static_cast<unsigned char>(name[pos]);
      out.utf8 += "\\x";
      out.utf8.push_back(k_digits[bad >> 4U]);
      out.utf8.push_back(k_digits[bad & 0xfU]);
      out.exact = false;
      ++pos;
      continue;
    }
    out.utf8.append(name.substr(pos, length));
    pos += length;
  }
  return out;
}

std::vector<ListedEntry> list_dir(const std::filesystem::path& dir, std::error_code& ec) {
  ec.clear();
  std::vector<ListedEntry> out;
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);  // swapped for a link since its stat: not entered
  if (fd < 0) {
    ec = std::error_code(errno, std::generic_category());
    return out;
  }
  DIR* listing = ::fdopendir(fd);
  if (listing == nullptr) {
    ec = std::error_code(errno, std::generic_category());
    ::close(fd);
    return out;
  }
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(listing);
    if (entry == nullptr) {
      if (errno != 0) {
        ec = std::error_code(errno, std::generic_category());
      }
      break;
    }
    const std::string_view name(entry->d_name);
    if (name == "." || name == "..") {
      continue;
    }
    ListedEntry listed;
    listed.name = std::string(name);
    listed.stat = util::stat_no_follow_at(fd, entry->d_name, listed.stat_error);
    out.push_back(std::move(listed));
  }
  ::closedir(listing);  // closes fd too
  return out;
}

std::size_t read_file_bytes(const std::filesystem::path& path, std::uint64_t offset, unsigned char* buffer,
                            std::size_t size, std::error_code& ec) {
  ec.clear();
  // O_NONBLOCK: should the file have been swapped for a FIFO since the stat,
  // do not hang on it.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    ec = std::error_code(errno, std::generic_category());
    return 0;
  }
  std::size_t done = 0;
  while (done < size) {
    const auto got = ::pread(fd, buffer + done, size - done, static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      ec = std::error_code(errno, std::generic_category());
      done = 0;
      break;
    }
    if (got == 0) {
      break;
    }
    done += static_cast<std::size_t>(got);
  }
  ::close(fd);
  return done;
}

} // namespace codexsync::scan::detail
