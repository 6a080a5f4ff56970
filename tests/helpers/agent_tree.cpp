// agent_tree: writes realistic, synthetic state folders of AI coding agents for
// tests, and changes them the way the agents do. Test-only; everything it
// writes is made up, and every token-shaped value says FAKE.
//
//   agent_tree make    --agent codex|claude|gemini|pi --root DIR [--seed N]
//                      [--sessions N] [--big-mb N] [--days N] [--start YYYY-MM-DD]
//   agent_tree append  --file F [--lines N] [--bytes N] [--seed N] [--partial]
//   agent_tree history --agent codex|claude --file F --add N [--seed N] [--machine NAME]
//   agent_tree prune   --agent claude|gemini --root DIR --older-than-days N --now DATE
//   agent_tree list    --agent A --root DIR --kind credentials|append-only|merge-line|machine-specific
//
// The same arguments always write the same bytes, modes and mtimes (the
// machine that "wrote" the tree lives at UTC+01:00, whatever this one's zone).
// Exit codes: 0 done, 1 a file could not be read or written, 2 bad arguments.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#ifndef _WIN32
#include <fcntl.h>
#include <sys/stat.h>
#else
#include <windows.h>
#endif

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

// ---------------------------------------------------------------------------
// Errors

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct IoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// ---------------------------------------------------------------------------
// Deterministic randomness (splitmix64: the same numbers on every platform)

class Rng {
public:
  explicit Rng(std::uint64_t seed) : m_state(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // A number in [0, n); 0 when n is 0.
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }

  // A number in [lo, hi].
  std::int64_t range(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1)));
  }

  bool chance(int percent) { return below(100) < static_cast<std::uint64_t>(percent); }

  template <typename T> const T& pick(const std::vector<T>& items) { return items[below(items.size())]; }

  std::string from(std::string_view alphabet, std::size_t n) {
    std::string out(n, ' ');
    for (auto& c : out) {
      c = alphabet[below(alphabet.size())];
    }
    return out;
  }

  std::string hex(std::size_t n) { return from("0123456789abcdef", n); }
  std::string alnum(std::size_t n) {
    return from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", n);
  }
  std::string b64url(std::size_t n) {
    return from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", n);
  }

  std::string bytes(std::size_t n) {
    std::string out(n, '\0');
    for (std::size_t i = 0; i < n; i += 8) {
      const auto v = next();
      for (std::size_t k = 0; k < 8 && i + k < n; ++k) {
        out[i + k] = static_cast<char>((v >> (8 * k)) & 0xff);
      }
    }
    return out;
  }

private:
  std::uint64_t m_state;
};

std::uint64_t mix(std::uint64_t seed, std::string_view salt) {
  std::uint64_t h = 1469598103934665603ULL ^ seed;
  for (const char c : salt) {
    h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  }
  return Rng(h).next();
}

// ---------------------------------------------------------------------------
// Time: milliseconds since the Unix epoch, UTC

using Ms = std::int64_t;

constexpr Ms k_second = 1000;
constexpr Ms k_minute = 60 * k_second;
constexpr Ms k_hour = 60 * k_minute;
constexpr Ms k_day = 24 * k_hour;
// The zone of the machine that wrote the trees (Codex names files in local time).
constexpr Ms k_local_offset = 1 * k_hour;

struct Civil {
  int year, month, day, hour, minute, second, millis;
};

Civil civil(Ms t) {
  using namespace std::chrono;
  const auto tp = sys_time<milliseconds>(milliseconds(t));
  const auto days = floor<std::chrono::days>(tp);
  const year_month_day ymd{days};
  const hh_mm_ss<milliseconds> hms{tp - days};
  return {static_cast<int>(ymd.year()),
          static_cast<int>(static_cast<unsigned>(ymd.month())),
          static_cast<int>(static_cast<unsigned>(ymd.day())),
          static_cast<int>(hms.hours().count()),
          static_cast<int>(hms.minutes().count()),
          static_cast<int>(hms.seconds().count()),
          static_cast<int>(hms.subseconds().count())};
}

#if defined(__GNUC__)
std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
std::string format(const char* fmt, ...) {
  char buffer[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buffer, sizeof buffer, fmt, args);
  va_end(args);
  return buffer;
}

// "2026-11-01T09:20:30.778Z"
std::string iso(Ms t) {
  const auto c = civil(t);
  return format("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", c.year, c.month, c.day, c.hour, c.minute, c.second,
                c.millis);
}

// "2026-11-01" of the writer's local date.
std::string local_date_path(Ms t) {
  const auto c = civil(t + k_local_offset);
  return format("%04d/%02d/%02d", c.year, c.month, c.day);
}

// Codex's file name time, local: "2026-11-01T10-20-30".
std::string codex_name_time(Ms t) {
  const auto c = civil(t + k_local_offset);
  return format("%04d-%02d-%02dT%02d-%02d-%02d", c.year, c.month, c.day, c.hour, c.minute, c.second);
}

// Parses "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM:SS[.mmm]Z".
std::optional<Ms> parse_time(std::string_view text) {
  using namespace std::chrono;
  int y = 0;
  unsigned mo = 0;
  unsigned d = 0;
  int h = 0;
  int mi = 0;
  int s = 0;
  int ms = 0;
  const std::string copy(text);
  int consumed = 0;
  if (text.size() == 10) {
    if (std::sscanf(copy.c_str(), "%4d-%2u-%2u%n", &y, &mo, &d, &consumed) != 3 || consumed != 10) {
      return std::nullopt;
    }
  } else if (text.size() == 20 || text.size() == 24) {
    const int want = text.size() == 20 ? 6 : 7;
    const int got = text.size() == 20 ? std::sscanf(copy.c_str(), "%4d-%2u-%2uT%2d:%2d:%2dZ%n", &y, &mo, &d,
                                                    &h, &mi, &s, &consumed)
                                      : std::sscanf(copy.c_str(), "%4d-%2u-%2uT%2d:%2d:%2d.%3dZ%n", &y, &mo,
                                                    &d, &h, &mi, &s, &ms, &consumed);
    if (got != want || consumed != static_cast<int>(text.size())) {
      return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  const year_month_day ymd{year{y}, month{mo}, day{d}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) {
    return std::nullopt;
  }
  return duration_cast<milliseconds>(sys_days{ymd}.time_since_epoch()).count() + h * k_hour + mi * k_minute +
         s * k_second + ms;
}

// ---------------------------------------------------------------------------
// Identifiers and fake credentials

std::string uuid_from(std::uint64_t hi, std::uint64_t lo) {
  return format("%08llx-%04llx-%04llx-%04llx-%012llx", static_cast<unsigned long long>(hi >> 32),
                static_cast<unsigned long long>((hi >> 16) & 0xffff),
                static_cast<unsigned long long>(hi & 0xffff), static_cast<unsigned long long>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
}

std::string uuid4(Rng& rng) {
  const auto hi = (rng.next() & ~0xf000ULL) | 0x4000ULL;
  const auto lo = (rng.next() & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  return uuid_from(hi, lo);
}

// A UUIDv7 (its first 48 bits are the time), as Codex names its threads.
std::string uuid7(Rng& rng, Ms t) {
  const auto hi = (static_cast<std::uint64_t>(t) << 16) | 0x7000ULL | (rng.next() & 0x0fffULL);
  const auto lo = (rng.next() & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  return uuid_from(hi, lo);
}

std::string base64url(std::string_view data) {
  static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const auto n = (static_cast<unsigned>(static_cast<unsigned char>(data[i])) << 16) |
                   (static_cast<unsigned>(static_cast<unsigned char>(data[i + 1])) << 8) |
                   static_cast<unsigned char>(data[i + 2]);
    out += k_alphabet[(n >> 18) & 63];
    out += k_alphabet[(n >> 12) & 63];
    out += k_alphabet[(n >> 6) & 63];
    out += k_alphabet[n & 63];
  }
  if (i < data.size()) {
    auto n = static_cast<unsigned>(static_cast<unsigned char>(data[i])) << 16;
    if (i + 1 < data.size()) {
      n |= static_cast<unsigned>(static_cast<unsigned char>(data[i + 1])) << 8;
    }
    out += k_alphabet[(n >> 18) & 63];
    out += k_alphabet[(n >> 12) & 63];
    if (i + 1 < data.size()) {
      out += k_alphabet[(n >> 6) & 63];
    }
  }
  return out;
}

// Token shapes the common secret scanners know, each marked FAKE.
std::string fake_openai_key(Rng& rng) {
  return "sk-proj-FAKEfixture" + rng.alnum(63) + "T3BlbkFJ" + rng.alnum(74);
}
std::string fake_github_token(Rng& rng) { return "ghp_FAKE" + rng.alnum(32); }
std::string fake_anthropic(Rng& rng, std::string_view kind) {
  return "sk-ant-" + std::string(kind) + "-FAKEfixture" + rng.b64url(82) + "AA";
}
std::string fake_google_access(Rng& rng) { return "ya29.FAKEfixture_" + rng.b64url(140); }
std::string fake_google_refresh(Rng& rng) { return "1//0FAKEfixture" + rng.b64url(88); }
std::string fake_jwt(Rng& rng, Ms expires, std::string_view subject) {
  const Json header = {{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "FAKE-fixture-key"}};
  const Json payload = {{"iss", "https://auth.example.invalid/"}, {"sub", std::string(subject)},
                        {"email", "fixture.user@example.com"},    {"fake", true},
                        {"iat", expires / 1000 - 36000},          {"exp", expires / 1000}};
  return base64url(header.dump()) + "." + base64url(payload.dump()) + "." + rng.b64url(342);
}

// ---------------------------------------------------------------------------
// Text

const std::vector<std::string>& words() {
  static const std::vector<std::string> k_words = {
      "the",       "parser",  "returns", "a",        "list",     "of",     "paths",    "when",     "config",
      "is",        "missing", "we",      "should",   "check",    "test",   "build",    "failing",  "on",
      "windows",   "because", "line",    "endings",  "differ",   "please", "refactor", "function", "into",
      "smaller",   "pieces",  "and",     "add",      "unit",     "tests",  "for",      "edge",     "cases",
      "module",    "import",  "error",   "handling", "retry",    "logic",  "cache",    "layer",    "database",
      "migration", "schema",  "field",   "rename",   "variable", "loop",   "index",    "off",      "by",
      "one",       "bug",     "fix",     "commit",   "branch",   "review", "comments", "explain",  "why",
      "this",      "works",   "output",  "format",   "json",     "stream", "buffer",   "size",     "limit",
      "large",     "file",    "copy",    "folder",   "sync",     "merge",  "conflict", "history",  "session",
      "agent",     "prompt",  "README",  "docs",     "example",  "server", "client",   "request",  "response",
      "timeout",   "handler", "queue",   "worker",   "thread",   "lock"};
  return k_words;
}

std::string sentence(Rng& rng, int min_words, int max_words) {
  const auto n = rng.range(min_words, max_words);
  std::string out;
  for (std::int64_t i = 0; i < n; ++i) {
    if (i > 0) {
      out += ' ';
    }
    out += rng.pick(words());
  }
  if (!out.empty()) {
    out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  }
  return out;
}

std::string paragraph(Rng& rng, int sentences) {
  std::string out;
  for (int i = 0; i < sentences; ++i) {
    out += sentence(rng, 6, 16) + (i + 1 < sentences ? ". " : ".");
  }
  return out;
}

// Source-code-like lines, as a tool prints a file, of about `bytes` bytes.
std::string code_text(Rng& rng, std::size_t bytes) {
  std::string out;
  out.reserve(bytes + 80);
  int line = 1;
  while (out.size() < bytes) {
    const auto& a = rng.pick(words());
    const auto& b = rng.pick(words());
    switch (rng.below(4)) {
    case 0:
      out += format("%5d  int %s_%s = compute_%s(%d);\n", line, a.c_str(), b.c_str(), a.c_str(),
                    static_cast<int>(rng.below(1000)));
      break;
    case 1:
      out += format("%5d  if (%s.empty()) { return %s; }\n", line, a.c_str(), b.c_str());
      break;
    case 2:
      out += format("%5d  // %s\n", line, sentence(rng, 4, 10).c_str());
      break;
    default:
      out +=
          format("%5d  %s.push_back(%s_%d);\n", line, a.c_str(), b.c_str(), static_cast<int>(rng.below(100)));
      break;
    }
    ++line;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Binary shapes

std::string be32(std::uint32_t v) {
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i) {
    out[static_cast<std::size_t>(i)] = static_cast<char>((v >> (24 - 8 * i)) & 0xff);
  }
  return out;
}

// A SQLite database in WAL mode: a real 100-byte header ("SQLite format 3\0",
// page size 4096, read/write version 2), then `pages` pages in all.
std::string sqlite_file(Rng& rng, std::uint32_t pages) {
  std::string header("SQLite format 3", 15);
  header += '\0';
  header += std::string("\x10\x00\x02\x02\x00\x40\x20\x20", 8);  // page size, versions, reserved, fractions
  header += be32(1 + static_cast<std::uint32_t>(rng.below(50))); // file change counter
  header += be32(pages);                                         // size in pages
  header += be32(0) + be32(0);                                   // freelist
  header += be32(1 + static_cast<std::uint32_t>(rng.below(20))); // schema cookie
  header += be32(4);                                             // schema format
  header += be32(0) + be32(0);                                   // cache size, vacuum root
  header += be32(1);                                             // UTF-8
  header += be32(0) + be32(2);                                   // user version, incremental vacuum
  header += be32(0);                                             // application id
  header += std::string(20, '\0');                               // reserved
  header += be32(1 + static_cast<std::uint32_t>(rng.below(50))); // version-valid-for
  header += be32(3045001);                                       // SQLite 3.45.1
  std::string out = header;
  out += std::string(4096 - out.size(), '\0');
  for (std::uint32_t p = 1; p < pages; ++p) {
    out += rng.bytes(1024) + std::string(3072, '\0');
  }
  return out;
}

// The write-ahead log beside it: the WAL header, then `frames` frames.
std::string sqlite_wal(Rng& rng, std::uint32_t frames) {
  std::string out =
      be32(0x377f0682) + be32(3007000) + be32(4096) + be32(0) + be32(static_cast<std::uint32_t>(rng.next())) +
      be32(static_cast<std::uint32_t>(rng.next())) + be32(static_cast<std::uint32_t>(rng.next())) +
      be32(static_cast<std::uint32_t>(rng.next()));
  for (std::uint32_t f = 0; f < frames; ++f) {
    out += be32(f + 1) + be32(f + 1 == frames ? f + 1 : 0) + rng.bytes(16);
    out += rng.bytes(512) + std::string(4096 - 512, '\0');
  }
  return out;
}

// The shared-memory index of the WAL: 32 KiB, mostly zero.
std::string sqlite_shm(Rng& rng) { return rng.bytes(136) + std::string(32768 - 136, '\0'); }

// A native program: a real 64-byte ELF header (x86-64 executable), then noise.
std::string elf_program(Rng& rng, std::size_t size) {
  std::string out("\x7f"
                  "ELF\x02\x01\x01\x00",
                  8);
  out += std::string(8, '\0');
  out += std::string("\x02\x00\x3e\x00\x01\x00\x00\x00", 8); // ET_EXEC, x86-64, version 1
  out += std::string("\x40\x10\x40\x00\x00\x00\x00\x00", 8); // entry
  out += std::string("\x40\x00\x00\x00\x00\x00\x00\x00", 8); // program headers at 64
  out += std::string(8, '\0');                               // no section headers
  out += std::string("\x00\x00\x00\x00\x40\x00\x38\x00\x01\x00\x00\x00\x00\x00\x00\x00", 16);
  out += rng.bytes(size > out.size() ? size - out.size() : 0);
  return out;
}

// An age-encrypted file: the text header, then the binary payload.
std::string age_file(Rng& rng) {
  return "age-encryption.org/v1\n-> X25519 " + rng.b64url(43) + "\n" + rng.b64url(43) + "\n--- " +
         rng.b64url(43) + "\n" + rng.bytes(200 + rng.below(200));
}

// ---------------------------------------------------------------------------
// Writing the tree

enum class Mode { normal, secret, program };

void set_mtime(const fs::path& path, Ms t, bool link = false) {
  using namespace std::chrono;
#ifndef _WIN32
  if (link) {
    timespec times[2];
    times[0].tv_sec = static_cast<time_t>(t / 1000);
    times[0].tv_nsec = static_cast<long>((t % 1000) * 1'000'000);
    times[1] = times[0];
    if (utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
      throw IoError("cannot set the time of " + path.string() + ": " + std::strerror(errno));
    }
    return;
  }
#else
  if (link) {
    return;
  }
  // libstdc++'s last_write_time cannot open a folder on Windows; a handle
  // with backup semantics can, for files and folders alike.
  const HANDLE handle = CreateFileW(path.c_str(), FILE_WRITE_ATTRIBUTES,
                                    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                                    FILE_FLAG_BACKUP_SEMANTICS, nullptr);
  if (handle == INVALID_HANDLE_VALUE) {
    throw IoError("cannot set the time of " + path.string() + ": error " + std::to_string(GetLastError()));
  }
  constexpr std::uint64_t k_unix_epoch_in_filetime = 116444736000000000ULL;
  const auto ticks = k_unix_epoch_in_filetime + static_cast<std::uint64_t>(t) * 10000ULL;
  FILETIME written{};
  written.dwLowDateTime = static_cast<DWORD>(ticks & 0xffffffffULL);
  written.dwHighDateTime = static_cast<DWORD>(ticks >> 32U);
  const BOOL ok = SetFileTime(handle, nullptr, nullptr, &written);
  const DWORD error = GetLastError();
  CloseHandle(handle);
  if (ok == FALSE) {
    throw IoError("cannot set the time of " + path.string() + ": error " + std::to_string(error));
  }
#endif
#ifndef _WIN32
  std::error_code ec;
  const auto when =
      file_clock::from_sys(time_point_cast<file_clock::duration>(sys_time<milliseconds>(milliseconds(t))));
  fs::last_write_time(path, when, ec);
  if (ec) {
    throw IoError("cannot set the time of " + path.string() + ": " + ec.message());
  }
#endif
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw IoError("cannot read " + path.string());
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_bytes(const fs::path& path, std::string_view content, bool append) {
  std::error_code ec;
  if (path.has_parent_path()) {
    fs::create_directories(path.parent_path(), ec);
  }
  std::ofstream out(path, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) {
    throw IoError("cannot write " + path.string());
  }
}

class Tree {
public:
  Tree(fs::path root, Ms setup_time) : m_root(std::move(root)), m_setup_time(setup_time) {}

  // Writes root/rel with the given mtime and mode.
  void write(const std::string& rel, std::string_view content, Ms mtime, Mode mode = Mode::normal) {
    const auto path = m_root / fs::path(rel);
    write_bytes(path, content, false);
    std::error_code ec;
    const auto perms = mode == Mode::program  ? fs::perms(0755)
                       : mode == Mode::secret ? fs::perms(0600)
                                              : fs::perms(0644);
    fs::permissions(path, perms, fs::perm_options::replace, ec);
    set_mtime(path, mtime);
  }

  // A file the agent wrote while being set up: each gets the next minute.
  void setup(const std::string& rel, std::string_view content, Mode mode = Mode::normal) {
    write(rel, content, m_setup_time + static_cast<Ms>(m_setups++) * k_minute, mode);
  }

  void folder(const std::string& rel) {
    std::error_code ec;
    fs::create_directories(m_root / fs::path(rel), ec);
    if (ec) {
      throw IoError("cannot make " + (m_root / rel).string() + ": " + ec.message());
    }
  }

  // A relative link; skipped where links cannot be made (Windows without the right).
  void link(const std::string& rel, const std::string& target, Ms mtime) {
    const auto path = m_root / fs::path(rel);
    std::error_code ec;
    fs::remove(path, ec);
    fs::create_symlink(fs::path(target), path, ec);
    if (!ec) {
      set_mtime(path, mtime, true);
    }
  }

  // Gives every folder the setup time, so two trees compare equal.
  void finish() {
    std::vector<fs::path> folders{m_root};
    for (auto it = fs::recursive_directory_iterator(m_root); it != fs::recursive_directory_iterator(); ++it) {
      if (it->is_directory() && !it->is_symlink()) {
        folders.push_back(it->path());
        std::error_code ec;
        fs::permissions(it->path(), fs::perms(0755), fs::perm_options::replace, ec);
      }
    }
    for (const auto& folder : folders) {
      set_mtime(folder, m_setup_time);
    }
  }

private:
  fs::path m_root;
  Ms m_setup_time;
  std::size_t m_setups = 0;
};

// ---------------------------------------------------------------------------
// Conversations

struct Options {
  std::string agent;
  fs::path root;
  std::uint64_t seed = 1;
  int sessions = 6;
  int big_mb = 0;
  int days = 3;
  Ms start = 0;
};

// One exchange: the user asks, the agent thinks, runs a command, answers.
struct Turn {
  Ms user_at = 0;
  Ms call_at = 0;
  Ms output_at = 0;
  Ms reply_at = 0;
  std::string prompt;
  std::string thinking;
  std::string command;
  std::string output;
  std::string reply;
};

Turn make_turn(Rng& rng, Ms& clock, std::size_t output_bytes) {
  Turn t;
  t.user_at = clock;
  t.call_at = t.user_at + rng.range(2 * k_second, 12 * k_second) + rng.range(0, 999);
  t.output_at = t.call_at + rng.range(200, 30 * k_second);
  t.reply_at = t.output_at + rng.range(2 * k_second, 25 * k_second) + rng.range(0, 999);
  clock = t.reply_at + rng.range(30 * k_second, 8 * k_minute) + rng.range(0, 999);
  t.prompt = sentence(rng, 5, 18) + (rng.chance(50) ? "?" : ".");
  t.thinking = paragraph(rng, static_cast<int>(rng.range(1, 3)));
  static const std::vector<std::string> k_commands = {
      "rg -n", "sed -n 1,200p", "cat", "ls -la", "git diff --stat", "ctest -R", "npm test --", "cargo test"};
  t.command = rng.pick(k_commands) + " src/" + rng.pick(words()) + "_" + rng.pick(words()) + ".cpp";
  t.output = code_text(rng, output_bytes);
  t.reply = paragraph(rng, static_cast<int>(rng.range(1, 4)));
  return t;
}

// What a chat writer keeps between lines (and what `append` reads back).
struct Chat {
  std::string agent;
  std::string session_id;
  std::string cwd;
  std::string last_id; // Claude: the last uuid; Pi: the last entry id
  std::string version; // Claude: its version; Pi: "3" or "1"
  Ms clock = 0;        // the next line's time
  std::vector<std::string> lines;
};

std::string line(const Json& j) { return j.dump(); }

// --- Codex ---------------------------------------------------------------

void codex_header(Chat& c, Rng& rng, std::string_view source) {
  const auto repo = fs::path(c.cwd).filename().string();
  c.lines.push_back(line({{"timestamp", iso(c.clock)},
                          {"type", "session_meta"},
                          {"payload",
                           {{"id", c.session_id},
                            {"timestamp", iso(c.clock)},
                            {"cwd", c.cwd},
                            {"originator", source == "vscode" ? "codex_vscode" : "codex_cli_rs"},
                            {"cli_version", "0.98.0"},
                            {"instructions", nullptr},
                            {"source", std::string(source)},
                            {"model_provider", "openai"},
                            {"git",
                             {{"commit_hash", rng.hex(40)},
                              {"branch", "main"},
                              {"repository_url", "git@github.com:example/" + repo + ".git"}}}}}}));
  c.clock += rng.range(5, 400);
}

void codex_turn(Chat& c, Rng& rng, const Turn& t) {
  const auto at = [](Ms when, std::string_view type, Json payload) {
    return line({{"timestamp", iso(when)}, {"type", std::string(type)}, {"payload", std::move(payload)}});
  };
  const auto call_id = "call_" + rng.alnum(24);
  c.lines.push_back(at(t.user_at, "turn_context",
                       {{"cwd", c.cwd},
                        {"approval_policy", "on-request"},
                        {"sandbox_policy",
                         {{"type", "workspace-write"},
                          {"writable_roots", Json::array({c.cwd})},
                          {"network_access", false},
                          {"exclude_tmpdir_env_var", false},
                          {"exclude_slash_tmp", false}}},
                        {"model", "gpt-5-codex"},
                        {"effort", "medium"},
                        {"summary", "auto"}}));
  c.lines.push_back(at(t.user_at, "response_item",
                       {{"type", "message"},
                        {"role", "user"},
                        {"content", Json::array({{{"type", "input_text"}, {"text", t.prompt}}})}}));
  c.lines.push_back(at(t.user_at, "event_msg",
                       {{"type", "user_message"}, {"message", t.prompt}, {"images", Json::array()}}));
  c.lines.push_back(
      at(t.call_at - 800, "response_item",
         {{"type", "reasoning"},
          {"summary", Json::array({{{"type", "summary_text"}, {"text", "**Planning**\n\n" + t.thinking}}})},
          {"content", nullptr}}));
  const Json arguments = {
      {"command", Json::array({"bash", "-lc", t.command})}, {"workdir", c.cwd}, {"timeout_ms", 120000}};
  c.lines.push_back(at(
      t.call_at, "response_item",
      {{"type", "function_call"}, {"name", "shell"}, {"arguments", arguments.dump()}, {"call_id", call_id}}));
  const Json output = {
      {"output", t.output},
      {"metadata",
       {{"exit_code", 0}, {"duration_seconds", static_cast<double>(t.output_at - t.call_at) / 1000.0}}}};
  c.lines.push_back(at(t.output_at, "response_item",
                       {{"type", "function_call_output"}, {"call_id", call_id}, {"output", output.dump()}}));
  const auto input = rng.range(3000, 90000);
  const auto out = rng.range(100, 4000);
  const Json usage = {{"input_tokens", input},
                      {"cached_input_tokens", input / 2},
                      {"output_tokens", out},
                      {"reasoning_output_tokens", out / 3},
                      {"total_tokens", input + out}};
  c.lines.push_back(
      at(t.output_at + 40, "event_msg",
         {{"type", "token_count"},
          {"info",
           {{"total_token_usage", usage}, {"last_token_usage", usage}, {"model_context_window", 272000}}},
          {"rate_limits", nullptr}}));
  c.lines.push_back(at(t.reply_at, "response_item",
                       {{"type", "message"},
                        {"role", "assistant"},
                        {"content", Json::array({{{"type", "output_text"}, {"text", t.reply}}})}}));
  c.lines.push_back(at(t.reply_at, "event_msg", {{"type", "agent_message"}, {"message", t.reply}}));
}

// --- Claude --------------------------------------------------------------

Json claude_base(const Chat& c, const std::string& parent, bool sidechain) {
  return {{"parentUuid", parent.empty() ? Json(nullptr) : Json(parent)},
          {"isSidechain", sidechain},
          {"userType", "external"},
          {"cwd", c.cwd},
          {"sessionId", c.session_id},
          {"version", c.version},
          {"gitBranch", "main"}};
}

void claude_turn(Chat& c, Rng& rng, const Turn& t, bool sidechain = false, const std::string& agent_id = "") {
  const auto add = [&](Json j, Ms when) {
    const auto id = uuid4(rng);
    if (!agent_id.empty()) {
      j["agentId"] = agent_id;
    }
    j["uuid"] = id;
    j["timestamp"] = iso(when);
    c.lines.push_back(line(j));
    c.last_id = id;
  };
  if (!sidechain && rng.chance(30)) {
    const auto message_id = uuid4(rng);
    c.lines.push_back(line({{"type", "file-history-snapshot"},
                            {"messageId", message_id},
                            {"snapshot",
                             {{"messageId", message_id},
                              {"trackedFileBackups", Json::object()},
                              {"timestamp", iso(t.user_at - 1)}}},
                            {"isSnapshotUpdate", false}}));
  }
  auto user = claude_base(c, c.last_id, sidechain);
  user["type"] = "user";
  user["message"] = {{"role", "user"}, {"content", t.prompt}};
  add(user, t.user_at);

  const auto tool_id = "toolu_01" + rng.alnum(22);
  const auto input = rng.range(4, 30000);
  auto call = claude_base(c, c.last_id, sidechain);
  call["message"] = {
      {"id", "msg_01" + rng.alnum(22)},
      {"type", "message"},
      {"role", "assistant"},
      {"model", "claude-opus-4-1-20250805"},
      {"content", Json::array({{{"type", "tool_use"},
                                {"id", tool_id},
                                {"name", "Bash"},
                                {"input", {{"command", t.command}, {"description", sentence(rng, 3, 6)}}}}})},
      {"stop_reason", "tool_use"},
      {"stop_sequence", nullptr},
      {"usage",
       {{"input_tokens", input},
        {"cache_creation_input_tokens", rng.range(0, 5000)},
        {"cache_read_input_tokens", rng.range(0, 90000)},
        {"output_tokens", rng.range(20, 900)}}}};
  call["requestId"] = "req_011" + rng.alnum(21);
  call["type"] = "assistant";
  add(call, t.call_at);

  auto result = claude_base(c, c.last_id, sidechain);
  result["type"] = "user";
  result["message"] = {{"role", "user"},
                       {"content", Json::array({{{"tool_use_id", tool_id},
                                                 {"type", "tool_result"},
                                                 {"content", t.output},
                                                 {"is_error", false}}})}};
  result["toolUseResult"] = {
      {"stdout", t.output}, {"stderr", ""}, {"interrupted", false}, {"isImage", false}};
  add(result, t.output_at);

  auto reply = claude_base(c, c.last_id, sidechain);
  reply["message"] = {{"id", "msg_01" + rng.alnum(22)},
                      {"type", "message"},
                      {"role", "assistant"},
                      {"model", "claude-opus-4-1-20250805"},
                      {"content", Json::array({{{"type", "text"}, {"text", t.reply}}})},
                      {"stop_reason", "end_turn"},
                      {"stop_sequence", nullptr},
                      {"usage",
                       {{"input_tokens", rng.range(4, 30000)},
                        {"cache_creation_input_tokens", rng.range(0, 5000)},
                        {"cache_read_input_tokens", rng.range(0, 90000)},
                        {"output_tokens", rng.range(20, 900)}}}};
  reply["requestId"] = "req_011" + rng.alnum(21);
  reply["type"] = "assistant";
  add(reply, t.reply_at);
}

// --- Gemini --------------------------------------------------------------

void gemini_header(Chat& c, Rng& rng) {
  c.lines.push_back(line({{"sessionId", c.session_id},
                          {"projectHash", rng.hex(64)},
                          {"startTime", iso(c.clock)},
                          {"lastUpdated", iso(c.clock)},
                          {"kind", "main"},
                          {"directories", Json::array({c.cwd})}}));
}

void gemini_turn(Chat& c, Rng& rng, const Turn& t) {
  c.lines.push_back(line({{"id", uuid4(rng)},
                          {"timestamp", iso(t.user_at)},
                          {"type", "user"},
                          {"content", Json::array({{{"text", t.prompt}}})}}));
  const auto call_id = "run_shell_command-" + std::to_string(t.call_at) + "-" + rng.hex(13);
  const auto input = rng.range(2000, 60000);
  const auto out = rng.range(50, 3000);
  c.lines.push_back(line(
      {{"id", uuid4(rng)},
       {"timestamp", iso(t.reply_at)},
       {"type", "gemini"},
       {"content", t.reply},
       {"thoughts",
        Json::array(
            {{{"subject", "Planning"}, {"description", t.thinking}, {"timestamp", iso(t.call_at - 500)}}})},
       {"tokens",
        {{"input", input},
         {"output", out},
         {"cached", input / 3},
         {"thoughts", out / 2},
         {"tool", 0},
         {"total", input + out + out / 2}}},
       {"model", "gemini-2.5-pro"},
       {"toolCalls", Json::array({{{"id", call_id},
                                   {"name", "run_shell_command"},
                                   {"args", {{"command", t.command}}},
                                   {"result", Json::array({{{"functionResponse",
                                                             {{"id", call_id},
                                                              {"name", "run_shell_command"},
                                                              {"response", {{"output", t.output}}}}}}})},
                                   {"status", "success"},
                                   {"timestamp", iso(t.output_at)},
                                   {"displayName", "Shell"},
                                   {"renderOutputAsMarkdown", false}}})}}));
}

// --- Pi ------------------------------------------------------------------

void pi_entry(Chat& c, Rng& rng, Json entry, Ms when) {
  if (c.version == "1") {
    Json old = {{"type", entry["type"]}, {"timestamp", iso(when)}};
    for (auto it = entry.begin(); it != entry.end(); ++it) {
      if (it.key() != "type") {
        old[it.key()] = it.value();
      }
    }
    c.lines.push_back(line(old));
    return;
  }
  const auto id = rng.hex(8);
  Json out = {{"type", entry["type"]},
              {"id", id},
              {"parentId", c.last_id.empty() ? Json(nullptr) : Json(c.last_id)},
              {"timestamp", iso(when)}};
  for (auto it = entry.begin(); it != entry.end(); ++it) {
    if (it.key() != "type") {
      out[it.key()] = it.value();
    }
  }
  c.lines.push_back(line(out));
  c.last_id = id;
}

void pi_header(Chat& c, Rng& rng) {
  Json header = {{"type", "session"}};
  if (c.version != "1") {
    header["version"] = 3;
  }
  header["id"] = c.session_id;
  header["timestamp"] = iso(c.clock);
  header["cwd"] = c.cwd;
  c.lines.push_back(line(header));
  c.clock += rng.range(5, 300);
  pi_entry(c, rng, {{"type", "model_change"}, {"provider", "anthropic"}, {"modelId", "claude-sonnet-4-5"}},
           c.clock);
  pi_entry(c, rng, {{"type", "thinking_level_change"}, {"thinkingLevel", "medium"}}, c.clock);
}

void pi_turn(Chat& c, Rng& rng, const Turn& t) {
  const auto usage = [&rng] {
    const auto input = rng.range(100, 40000);
    const auto out = rng.range(20, 2000);
    return Json{{"input", input},
                {"output", out},
                {"cacheRead", rng.range(0, 50000)},
                {"cacheWrite", 0},
                {"totalTokens", input + out}};
  };
  pi_entry(c, rng,
           {{"type", "message"},
            {"message",
             {{"role", "user"},
              {"content", Json::array({{{"type", "text"}, {"text", t.prompt}}})},
              {"timestamp", t.user_at}}}},
           t.user_at);
  const auto call_id = "toolu_01" + rng.alnum(22);
  pi_entry(c, rng,
           {{"type", "message"},
            {"message",
             {{"role", "assistant"},
              {"content", Json::array({{{"type", "thinking"}, {"thinking", t.thinking}},
                                       {{"type", "toolCall"},
                                        {"id", call_id},
                                        {"name", "bash"},
                                        {"arguments", {{"command", t.command}}}}})},
              {"api", "anthropic-messages"},
              {"provider", "anthropic"},
              {"model", "claude-sonnet-4-5"},
              {"usage", usage()},
              {"stopReason", "toolUse"},
              {"timestamp", t.call_at}}}},
           t.call_at);
  pi_entry(c, rng,
           {{"type", "message"},
            {"message",
             {{"role", "toolResult"},
              {"toolCallId", call_id},
              {"toolName", "bash"},
              {"content", Json::array({{{"type", "text"}, {"text", t.output}}})},
              {"isError", false},
              {"timestamp", t.output_at}}}},
           t.output_at);
  pi_entry(c, rng,
           {{"type", "message"},
            {"message",
             {{"role", "assistant"},
              {"content", Json::array({{{"type", "text"}, {"text", t.reply}}})},
              {"api", "anthropic-messages"},
              {"provider", "anthropic"},
              {"model", "claude-sonnet-4-5"},
              {"usage", usage()},
              {"stopReason", "stop"},
              {"timestamp", t.reply_at}}}},
           t.reply_at);
}

void chat_turn(Chat& c, Rng& rng, const Turn& t) {
  if (c.agent == "codex") {
    codex_turn(c, rng, t);
  } else if (c.agent == "claude") {
    claude_turn(c, rng, t);
  } else if (c.agent == "gemini") {
    gemini_turn(c, rng, t);
  } else {
    pi_turn(c, rng, t);
  }
}

std::size_t text_size(const std::vector<std::string>& lines) {
  std::size_t n = 0;
  for (const auto& l : lines) {
    n += l.size() + 1;
  }
  return n;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  out.reserve(text_size(lines));
  for (const auto& l : lines) {
    out += l;
    out += '\n';
  }
  return out;
}

// A whole session: header, `turns` turns, then more until it holds `min_bytes`.
// Records each prompt and its time in `prompts`.
// Returns the time of the last line.
Ms write_session(Chat& c, Rng& rng, int turns, std::size_t min_bytes,
                 std::vector<std::pair<Ms, std::string>>& prompts) {
  Ms last = c.clock;
  std::size_t size = text_size(c.lines);
  for (int i = 0; i < turns || size < min_bytes; ++i) {
    const std::size_t output = min_bytes > 0 ? 48 * 1024 + rng.below(32 * 1024) : 300 + rng.below(5000);
    const auto before = c.lines.size();
    const auto t = make_turn(rng, c.clock, output);
    chat_turn(c, rng, t);
    prompts.emplace_back(t.user_at, t.prompt);
    last = t.reply_at;
    for (auto k = before; k < c.lines.size(); ++k) {
      size += c.lines[k].size() + 1;
    }
  }
  return last;
}

// When each session starts, oldest first: spread over the days from the start
// date, in the writer's working hours.
struct Planned {
  Ms start;
  std::string cwd;
  int turns;
};

std::vector<Planned> plan_sessions(const Options& o, const std::vector<std::string>& cwds) {
  Rng rng(mix(o.seed, o.agent + ":plan"));
  std::vector<Planned> out;
  for (int k = 0; k < o.sessions; ++k) {
    const Ms day = static_cast<Ms>(k) * o.days / std::max(o.sessions, 1);
    const Ms start =
        o.start + day * k_day + 8 * k_hour - k_local_offset + rng.range(0, 11 * k_hour) + rng.range(0, 999);
    out.push_back({start, rng.pick(cwds), static_cast<int>(rng.range(2, 6))});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Planned& a, const Planned& b) { return a.start < b.start; });
  return out;
}

std::size_t big_bytes(const Options& o, std::size_t session, std::size_t sessions) {
  return o.big_mb > 0 && session + 1 == sessions ? static_cast<std::size_t>(o.big_mb) * 1024 * 1024 : 0;
}

Rng session_rng(const Options& o, std::size_t k) {
  return Rng(mix(o.seed, o.agent + ":session:" + std::to_string(k)));
}

using Prompts = std::vector<std::pair<Ms, std::string>>;

std::string title_of(Rng& rng) { return sentence(rng, 3, 7); }

std::string skill_md(std::string_view name, std::string_view what) {
  return "---\nname: " + std::string(name) + "\ndescription: " + std::string(what) + "\n---\n\n# " +
         std::string(name) + "\n\n1. Read the files the user names.\n2. " + std::string(what) +
         ".\n3. Report what changed and what is left.\n";
}

// ---------------------------------------------------------------------------
// Codex

void make_codex(Tree& tree, const Options& o) {
  Rng rng(mix(o.seed, "codex:files"));
  const std::vector<std::string> cwds = {"/home/u/proj", "/home/u/my.app", "/home/u/work/api-server"};
  const Ms fake_expiry = o.start + 10 * k_day;

  tree.setup("config.toml",
             "model = \"gpt-5-codex\"\n"
             "model_reasoning_effort = \"medium\"\n"
             "approval_policy = \"on-request\"\n"
             "sandbox_mode = \"workspace-write\"\n"
             "notify = [\"/home/u/.local/bin/codex-notify\"]\n"
             "\n[history]\npersistence = \"save-all\"\n"
             "\n[mcp_servers.docs]\ncommand = \"npx\"\nargs = [\"-y\", \"@example/docs-mcp\"]\n"
             "\n[projects.\"/home/u/proj\"]\ntrust_level = \"trusted\"\n"
             "\n[projects.\"/home/u/my.app\"]\ntrust_level = \"trusted\"\n"
             "\n[projects.'c:\\users\\u\\proj']\ntrust_level = \"trusted\"\n");
  tree.setup("AGENTS.md", "# Global instructions\n\n- Run the tests before you say a change is done.\n- Keep "
                          "answers short.\n");
  tree.setup("auth.json",
             Json({{"auth_mode", "chatgpt"},
                   {"OPENAI_API_KEY", fake_openai_key(rng)},
                   {"tokens",
                    {{"id_token", fake_jwt(rng, fake_expiry, "fixture-user")},
                     {"access_token", fake_jwt(rng, fake_expiry, "fixture-user")},
                     {"refresh_token", "rt_FAKEfixture" + rng.b64url(60)},
                     {"account_id", uuid4(rng)}}},
                   {"last_refresh", iso(o.start - k_day)}})
                     .dump(2) +
                 "\n",
             Mode::secret);
  tree.setup(".credentials.json",
             Json({{"docs|" + rng.hex(16),
                    {{"server_name", "docs"},
                     {"server_url", "https://mcp.example.invalid/mcp"},
                     {"client_id", "fixture-client-" + rng.hex(8)},
                     {"access_token", fake_jwt(rng, fake_expiry, "fixture-mcp")},
                     {"expires_at", fake_expiry},
                     {"refresh_token", "FAKE" + rng.b64url(44)},
                     {"scopes", Json::array({"read"})}}}})
                     .dump() +
                 "\n",
             Mode::secret);
  tree.setup(".env",
             "# FAKE values for tests\nOPENAI_API_KEY=" + fake_openai_key(rng) +
                 "\nGITHUB_TOKEN=" + fake_github_token(rng) + "\n",
             Mode::secret);
  tree.setup("secrets/local.age", age_file(rng), Mode::secret);
  tree.setup(
      ".sandbox-secrets/sandbox_users.json",
      Json({{"version", 1},
            {"users",
             Json::array({{{"username", "CodexSandboxOffline"}, {"password", "FAKE-" + rng.alnum(24)}},
                          {{"username", "CodexSandboxOnline"}, {"password", "FAKE-" + rng.alnum(24)}}})}})
              .dump(2) +
          "\n",
      Mode::secret);
  tree.setup("state_5.sqlite", sqlite_file(rng, 24));
  tree.setup("state_5.sqlite-wal", sqlite_wal(rng, 3));
  tree.setup("state_5.sqlite-shm", sqlite_shm(rng));
  tree.setup("logs_2.sqlite", sqlite_file(rng, 40));
  std::string log;
  for (int i = 0; i < 60; ++i) {
    log +=
        iso(o.start - k_day + i * 7 * k_second) + "  INFO codex_core::codex: " + sentence(rng, 4, 12) + "\n";
  }
  tree.setup("log/codex-tui.log", log);
  tree.setup("version.json", Json({{"latest_version", "0.98.0"},
                                   {"last_checked_at", iso(o.start - k_day)},
                                   {"dismissed_version", nullptr}})
                                     .dump() +
                                 "\n");
  tree.setup("models_cache.json",
             Json({{"fetched_at", iso(o.start - k_day)},
                   {"etag", "W/\"" + rng.hex(16) + "\""},
                   {"models", Json::array({{{"slug", "gpt-5-codex"}, {"display_name", "gpt-5-codex"}},
                                           {{"slug", "gpt-5"}, {"display_name", "gpt-5"}}})}})
                     .dump() +
                 "\n");
  tree.setup("skills/mine/SKILL.md", skill_md("mine", "Summarise the open pull requests"));
  tree.setup("skills/mine/scripts/list.sh", "#!/bin/sh\ngit log --oneline -n 20\n", Mode::program);
  tree.setup("skills/.system/skill-creator/SKILL.md", skill_md("skill-creator", "Create a new skill"));
  tree.setup("skills/.system/.codex-system-skills.marker", "0.98.0\n");
  tree.setup("prompts/review.md", "Review the staged changes. List bugs first, then style.\n");
  tree.setup("prompts/commit.md", "Write a commit message for the staged changes: one line, then why.\n");
  tree.setup("rules/default.rules", "prefix_rule(pattern = [\"git\", \"status\"], decision = \"allow\")\n"
                                    "prefix_rule(pattern = [\"cargo\", \"test\"], decision = \"allow\")\n");
  tree.setup("shell_snapshots/" + uuid4(rng) + ".sh",
             "# Snapshot file\nunalias -a\nexport PATH=/home/u/.local/bin:/usr/local/bin:/usr/bin:/bin\n"
             "alias ll='ls -la'\n");
  tree.setup("worktrees/abc/repo/.git", "gitdir: /home/u/proj/.git/worktrees/repo\n");
  tree.setup("worktrees/abc/repo/README.md", "# proj\n");
  tree.setup("packages/standalone/releases/0.98.0-x86_64-unknown-linux-musl/codex",
             elf_program(rng, 48 * 1024 + rng.below(4096)), Mode::program);
  tree.setup("tmp/arg0/codex-arg0" + rng.alnum(6) + "/.lock", "");

  struct HistoryLine {
    Ms t;
    std::string session;
    std::string text;
    bool old_key;
  };
  struct IndexLine {
    Ms t;
    std::string id;
    std::string name;
  };
  std::vector<HistoryLine> history;
  std::vector<IndexLine> index;

  // Two archived sessions from before the start date: flat, no date folders.
  for (int k = 0; k < 2; ++k) {
    Rng srng(mix(o.seed, "codex:archived:" + std::to_string(k)));
    Chat c{"codex", "", rng.pick(cwds),
           "",      "", o.start - (20 - 8 * k) * k_day + 9 * k_hour + srng.range(0, k_hour),
           {}};
    c.session_id = uuid7(srng, c.clock);
    const auto start = c.clock;
    codex_header(c, srng, "cli");
    Prompts prompts;
    const auto end = write_session(c, srng, 2, 0, prompts);
    tree.write("archived_sessions/rollout-" + codex_name_time(start) + "-" + c.session_id + ".jsonl",
               joined(c.lines), end);
    for (const auto& [t, text] : prompts) {
      history.push_back({t - t % k_second, c.session_id, text, true});
    }
    index.push_back({start + 2 * k_minute, c.session_id, title_of(srng)});
  }

  const auto plan = plan_sessions(o, cwds);
  for (std::size_t k = 0; k < plan.size(); ++k) {
    Rng srng = session_rng(o, k);
    Chat c{"codex", "", plan[k].cwd, "", "", plan[k].start, {}};
    c.session_id = uuid7(srng, c.clock);
    codex_header(c, srng, k % 3 == 2 ? "vscode" : "cli");
    Prompts prompts;
    const auto end = write_session(c, srng, plan[k].turns, big_bytes(o, k, plan.size()), prompts);
    tree.write("sessions/" + local_date_path(plan[k].start) + "/rollout-" + codex_name_time(plan[k].start) +
                   "-" + c.session_id + ".jsonl",
               joined(c.lines), end);
    for (const auto& [t, text] : prompts) {
      history.push_back(
          {t - t % k_second, c.session_id, text, k < plan.size() / 3}); // Codex writes whole seconds
    }
    index.push_back({plan[k].start + 2 * k_minute, c.session_id, title_of(srng)});
    if (srng.chance(40)) {
      index.push_back({end + k_minute, c.session_id, "renamed: " + title_of(srng)});
    }
  }

  std::stable_sort(history.begin(), history.end(), [](const auto& a, const auto& b) { return a.t < b.t; });
  std::stable_sort(index.begin(), index.end(), [](const auto& a, const auto& b) { return a.t < b.t; });
  std::string history_text;
  for (const auto& h : history) {
    history_text += line({{h.old_key ? "conversation_id" : "session_id", h.session},
                          {"ts", h.t / 1000},
                          {"text", h.text}}) +
                    "\n";
  }
  std::string index_text;
  for (const auto& i : index) {
    index_text += line({{"id", i.id}, {"thread_name", i.name}, {"updated_at", iso(i.t)}}) + "\n";
  }
  tree.write("history.jsonl", history_text, history.empty() ? o.start : history.back().t, Mode::secret);
  tree.write("session_index.jsonl", index_text, index.empty() ? o.start : index.back().t);
}

// ---------------------------------------------------------------------------
// Claude

// Claude's folder name for a working folder: every UTF-16 unit that is not
// an ASCII letter or digit becomes '-'.
std::string claude_slug(std::string_view cwd) {
  std::string out;
  for (std::size_t i = 0; i < cwd.size();) {
    const auto c = static_cast<unsigned char>(cwd[i]);
    if (std::isalnum(c) != 0 && c < 0x80) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    const std::size_t length = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    out += length == 4 ? "--" : "-";
    i += length;
  }
  return out;
}

void make_claude(Tree& tree, const Options& o) {
  Rng rng(mix(o.seed, "claude:files"));
  const std::vector<std::string> cwds = {"/home/u/my-app", "/home/u/proj",
                                         "/home/u/\xD0\x9F\xD1\x80\xD0\xBE\xD0\xB5\xD0\xBA\xD1\x82"};
  const Ms fake_expiry = o.start + 10 * k_day;

  tree.setup("settings.json",
             Json({{"$schema", "https://json.schemastore.org/claude-code-settings.json"},
                   {"model", "opus"},
                   {"cleanupPeriodDays", 30},
                   {"permissions",
                    {{"allow", Json::array({"Bash(npm test:*)", "Bash(git status)", "Read(~/.zshrc)"})},
                     {"deny", Json::array()}}},
                   {"statusLine", {{"type", "command"}, {"command", "~/.claude/statusline.sh"}}},
                   {"enabledPlugins", {{"review-tools@example-market", true}}}})
                     .dump(2) +
                 "\n");
  tree.setup("CLAUDE.md", "# Memory\n\n- Prefer small commits.\n- Run the linter before pushing.\n");
  tree.setup("commands/review.md",
             "---\ndescription: Review the diff\n---\nReview the staged diff. Bugs first.\n");
  tree.setup("agents/reviewer.md",
             "---\nname: reviewer\ndescription: Reviews code\ntools: Read, Grep\n---\nYou review "
             "code for bugs.\n");
  tree.setup("skills/mine/SKILL.md", skill_md("mine", "Summarise the open pull requests"));
  tree.setup(".credentials.json",
             Json({{"claudeAiOauth",
                    {{"accessToken", fake_anthropic(rng, "oat01")},
                     {"refreshToken", fake_anthropic(rng, "ort01")},
                     {"expiresAt", fake_expiry},
                     {"scopes", Json::array({"user:inference", "user:profile"})},
                     {"subscriptionType", "max"}}}})
                     .dump() +
                 "\n",
             Mode::secret);
  tree.setup("statsig/statsig.stable_id." + std::to_string(1000000000 + rng.below(1000000000)),
             "\"" + uuid4(rng) + "\"");
  tree.setup(
      "statsig/statsig.cached.evaluations." + rng.hex(10),
      Json({{"source", "Network"}, {"data", Json({{"feature_gates", Json::object()}}).dump()}}).dump());
  tree.setup(
      "shell-snapshots/snapshot-zsh-" + std::to_string(o.start - k_day) + "-" + rng.alnum(6) + ".sh",
      "# Snapshot file\nunalias -a\nexport PATH=/home/u/.local/bin:/usr/bin:/bin\nalias gs='git status'\n");
  tree.setup("plugins/known_marketplaces.json",
             Json({{"example-market",
                    {{"source", {{"source", "github"}, {"repo", "example/claude-plugins"}}},
                     {"installLocation", "/home/u/.claude/plugins/marketplaces/example-market"},
                     {"lastUpdated", iso(o.start - k_day)}}}})
                     .dump(2) +
                 "\n");
  tree.setup(
      "plugins/installed_plugins.json",
      Json({{"version", 1},
            {"plugins",
             {{"review-tools@example-market",
               {{"version", "1.2.0"},
                {"installedAt", iso(o.start - 2 * k_day)},
                {"installPath", "/home/u/.claude/plugins/cache/example-market/review-tools/1.2.0"}}}}}})
              .dump(2) +
          "\n");
  tree.setup(
      "plugins/cache/example-market/review-tools/1.2.0/.claude-plugin/plugin.json",
      Json({{"name", "review-tools"}, {"version", "1.2.0"}, {"description", "Review helpers"}}).dump(2) +
          "\n");
  tree.setup("plugins/cache/example-market/review-tools/1.2.0/commands/deep-review.md",
             "Review every changed file.\n");

  struct HistoryLine {
    Ms t;
    std::string display;
    std::string project;
    std::string session;
    bool pasted;
  };
  std::vector<HistoryLine> history;
  const auto plan = plan_sessions(o, cwds);
  std::string last_session;
  std::string last_cwd;
  Ms last_end = o.start;
  for (std::size_t k = 0; k < plan.size(); ++k) {
    Rng srng = session_rng(o, k);
    Chat c{"claude", uuid4(srng), plan[k].cwd, "", "2.1.201", plan[k].start, {}};
    if (srng.chance(50)) {
      c.lines.push_back(line({{"type", "summary"}, {"summary", title_of(srng)}, {"leafUuid", uuid4(srng)}}));
    }
    Prompts prompts;
    const auto end = write_session(c, srng, plan[k].turns, big_bytes(o, k, plan.size()), prompts);
    const auto folder = "projects/" + claude_slug(c.cwd) + "/";
    tree.write(folder + c.session_id + ".jsonl", joined(c.lines), end);
    for (const auto& [t, text] : prompts) {
      history.push_back({t, text, c.cwd, c.session_id, srng.chance(15)});
    }
    if (k == 0) {
      // A subagent of the first session, beside it.
      const auto agent_id = srng.hex(8);
      Chat sub{"claude", c.session_id, c.cwd, "", c.version, plan[k].start + 40 * k_second, {}};
      Ms sub_end = sub.clock;
      for (int i = 0; i < 2; ++i) {
        const auto t = make_turn(srng, sub.clock, 600 + srng.below(2000));
        claude_turn(sub, srng, t, true, agent_id);
        sub_end = t.reply_at;
      }
      tree.write(folder + c.session_id + "/subagents/agent-" + agent_id + ".jsonl", joined(sub.lines),
                 sub_end);
      tree.write(folder + c.session_id + "/subagents/agent-" + agent_id + ".meta.json",
                 Json({{"agentType", "general-purpose"}, {"description", title_of(srng)}}).dump() + "\n",
                 sub_end);
    }
    last_session = c.session_id;
    last_cwd = c.cwd;
    last_end = end;
  }
  tree.setup("projects/" + claude_slug(cwds[0]) + "/memory/MEMORY.md",
             "# Project memory\n\n- The API server listens on port 8080.\n- Tests: `npm test`.\n");

  std::stable_sort(history.begin(), history.end(), [](const auto& a, const auto& b) { return a.t < b.t; });
  std::string history_text;
  for (const auto& h : history) {
    Json pasted = Json::object();
    auto display = h.display;
    if (h.pasted) {
      const auto text = paragraph(rng, 2);
      pasted["1"] = {{"id", 1}, {"type", "text"}, {"content", text}};
      display += " [Pasted text #1 +2 lines]";
    }
    history_text += line({{"display", display},
                          {"pastedContents", pasted},
                          {"timestamp", h.t},
                          {"project", h.project},
                          {"sessionId", h.session}}) +
                    "\n";
  }
  tree.write("history.jsonl", history_text, history.empty() ? o.start : history.back().t);

  if (!last_session.empty()) {
    tree.write(
        "todos/" + last_session + "-agent-" + last_session + ".json",
        Json::array(
            {{{"content", "Fix the failing test"},
              {"status", "completed"},
              {"activeForm", "Fixing the failing test"}},
             {{"content", "Update the docs"}, {"status", "pending"}, {"activeForm", "Updating the docs"}}})
                .dump(2) +
            "\n",
        last_end);
    tree.write("sessions/4242.json",
               Json({{"pid", 4242},
                     {"sessionId", last_session},
                     {"cwd", last_cwd},
                     {"startedAt", last_end - k_hour},
                     {"updatedAt", last_end}})
                       .dump() +
                   "\n",
               last_end);
    tree.write("debug/" + last_session + ".txt",
               "[DEBUG] " + iso(last_end) + " Session started\n[DEBUG] " + iso(last_end) + " " +
                   sentence(rng, 4, 9) + "\n",
               last_end);
    tree.link("debug/latest", last_session + ".txt", last_end);
  }
  tree.setup("sessions/31337.json", Json({{"pid", 31337},
                                          {"sessionId", uuid4(rng)},
                                          {"cwd", cwds[1]},
                                          {"startedAt", o.start - 3 * k_day},
                                          {"updatedAt", o.start - 3 * k_day}})
                                            .dump() +
                                        "\n");
  tree.setup("ide/4243.lock", Json({{"pid", 4243},
                                    {"workspaceFolders", Json::array({cwds[0]})},
                                    {"ideName", "Visual Studio Code"},
                                    {"transport", "ws"},
                                    {"runningInWindows", false},
                                    {"authToken", uuid4(rng)}})
                                      .dump() +
                                  "\n");
  tree.setup("plans/" + std::string("gentle-running-otter.md"),
             "# Plan\n\n1. " + sentence(rng, 5, 10) + "\n2. " + sentence(rng, 5, 10) + "\n");
}

// ---------------------------------------------------------------------------
// Gemini

std::string gemini_slug(std::string_view cwd) {
  const auto base = fs::path(std::string(cwd)).filename().string();
  std::string out;
  for (const char ch : base) {
    const auto c = static_cast<unsigned char>(std::tolower(static_cast<unsigned char>(ch)));
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out += static_cast<char>(c);
    } else if (out.empty() || out.back() != '-') {
      out += '-';
    }
  }
  return out;
}

// A tiny shadow git repository, as Gemini keeps for checkpoints.
void shadow_repo(Tree& tree, Rng& rng, const std::string& folder) {
  tree.setup(folder + ".gitconfig",
             "[user]\n\tname = Gemini CLI\n\temail = gemini-cli@google.com\n[commit]\n\tgpgsign = false\n");
  tree.setup(folder + ".git/HEAD", "ref: refs/heads/main\n");
  tree.setup(folder + ".git/config",
             "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n");
  tree.setup(folder + ".git/description",
             "Unnamed repository; edit this file 'description' to name the repository.\n");
  const auto head = rng.hex(40);
  tree.setup(folder + ".git/refs/heads/main", head + "\n");
  tree.setup(folder + ".git/index",
             "DIRC" + std::string("\x00\x00\x00\x02\x00\x00\x00\x01", 8) + rng.bytes(120));
  for (int i = 0; i < 3; ++i) {
    const auto object = i == 0 ? head : rng.hex(40);
    tree.setup(folder + ".git/objects/" + object.substr(0, 2) + "/" + object.substr(2),
               std::string("\x78\x01", 2) + rng.bytes(80 + rng.below(200)));
  }
}

void make_gemini(Tree& tree, const Options& o) {
  Rng rng(mix(o.seed, "gemini:files"));
  const std::vector<std::string> cwds = {"/home/u/my-app", "/home/u/proj"};
  const Ms fake_expiry = o.start + 10 * k_day;

  tree.setup("settings.json",
             Json({{"general", {{"sessionRetention", {{"enabled", true}, {"maxAge", "30d"}}}}},
                   {"security", {{"auth", {{"selectedType", "oauth-personal"}}}}},
                   {"ui", {{"theme", "GitHub"}}},
                   {"mcpServers",
                    {{"docs", {{"command", "npx"}, {"args", Json::array({"-y", "@example/docs-mcp"})}}}}}})
                     .dump(2) +
                 "\n");
  tree.setup("GEMINI.md", "# Context\n\n- Answer in English.\n- Prefer small diffs.\n");
  tree.setup("commands/review.toml",
             "description = \"Review the diff\"\nprompt = \"\"\"\nReview the staged diff.\n\"\"\"\n");
  tree.setup("oauth_creds.json",
             Json({{"access_token", fake_google_access(rng)},
                   {"refresh_token", fake_google_refresh(rng)},
                   {"scope", "https://www.googleapis.com/auth/cloud-platform openid"},
                   {"token_type", "Bearer"},
                   {"id_token", fake_jwt(rng, fake_expiry, "fixture-google-user")},
                   {"expiry_date", fake_expiry}})
                 .dump(2),
             Mode::secret);
  tree.setup("gemini-credentials.json", rng.hex(32) + ":" + rng.hex(32) + ":" + rng.hex(640), Mode::secret);
  tree.setup("mcp-oauth-tokens.json",
             Json::array({{{"serverName", "docs"},
                           {"token",
                            {{"accessToken", fake_jwt(rng, fake_expiry, "fixture-mcp")},
                             {"refreshToken", "FAKE" + rng.b64url(44)},
                             {"tokenType", "Bearer"},
                             {"expiresAt", fake_expiry}}},
                           {"clientId", "fixture-client-" + rng.hex(8)},
                           {"tokenUrl", "https://auth.example.invalid/token"},
                           {"mcpServerUrl", "https://mcp.example.invalid/mcp"},
                           {"updatedAt", o.start - k_day}}})
                 .dump(2),
             Mode::secret);
  tree.setup("google_accounts.json",
             Json({{"active", "fixture.user@example.com"}, {"old", Json::array()}}).dump(2));
  tree.setup("installation_id", uuid4(rng));
  Json projects = Json::object();
  for (const auto& cwd : cwds) {
    projects[cwd] = gemini_slug(cwd);
  }
  tree.setup("projects.json", Json({{"projects", projects}}).dump(2));
  tree.setup("tmp/bin/rg", elf_program(rng, 40 * 1024 + rng.below(4096)), Mode::program);
  const auto legacy = rng.hex(64);
  tree.setup("tmp/" + legacy + "/logs.json", Json::array({{{"sessionId", uuid4(rng)},
                                                           {"messageId", 0},
                                                           {"type", "user"},
                                                           {"message", sentence(rng, 4, 9)},
                                                           {"timestamp", iso(o.start - 40 * k_day)}}})
                                                 .dump(2));
  for (const auto& cwd : cwds) {
    tree.setup("tmp/" + gemini_slug(cwd) + "/.project_root", cwd);
    shadow_repo(tree, rng, "history/" + gemini_slug(cwd) + "/");
  }

  std::map<std::string, Json> logs;
  std::map<std::string, Ms> logs_time;
  const auto plan = plan_sessions(o, cwds);
  for (std::size_t k = 0; k < plan.size(); ++k) {
    Rng srng = session_rng(o, k);
    Chat c{"gemini", uuid4(srng), plan[k].cwd, "", "", plan[k].start, {}};
    gemini_header(c, srng);
    c.clock += srng.range(100, 2000);
    Prompts prompts;
    const auto end = write_session(c, srng, plan[k].turns, big_bytes(o, k, plan.size()), prompts);
    const auto slug = gemini_slug(c.cwd);
    const auto when = civil(plan[k].start);
    const auto name =
        format("session-%04d-%02d-%02dT%02d-%02d-", when.year, when.month, when.day, when.hour, when.minute) +
        c.session_id.substr(0, 8) + ".jsonl";
    tree.write("tmp/" + slug + "/chats/" + name, joined(c.lines), end);
    auto& entries = logs[slug];
    if (entries.is_null()) {
      entries = Json::array();
    }
    int message = 0;
    for (const auto& [t, text] : prompts) {
      entries.push_back({{"sessionId", c.session_id},
                         {"messageId", message++},
                         {"type", "user"},
                         {"message", text},
                         {"timestamp", iso(t)}});
      logs_time[slug] = t;
    }
  }
  for (const auto& [slug, entries] : logs) {
    tree.write("tmp/" + slug + "/logs.json", entries.dump(2), logs_time[slug]);
  }
}

// ---------------------------------------------------------------------------
// Pi

std::string pi_folder(std::string_view cwd) {
  std::string out(cwd);
  if (!out.empty() && (out[0] == '/' || out[0] == '\\')) {
    out.erase(0, 1);
  }
  for (auto& c : out) {
    if (c == '/' || c == '\\' || c == ':') {
      c = '-';
    }
  }
  return "--" + out + "--";
}

void make_pi(Tree& tree, const Options& o) {
  Rng rng(mix(o.seed, "pi:files"));
  const std::vector<std::string> cwds = {"/home/u/my.app", "/home/u/proj"};
  const Ms fake_expiry = o.start + 10 * k_day;

  tree.setup("settings.json", Json({{"defaultProvider", "anthropic"},
                                    {"defaultModel", "claude-sonnet-4-5"},
                                    {"defaultThinkingLevel", "medium"},
                                    {"packages", Json::array()},
                                    {"enabledModels", Json::array({"claude-sonnet-4-5", "gpt-5"})}})
                                  .dump(2));
  tree.setup("models.json", Json({{"providers",
                                   {{"ollama",
                                     {{"baseUrl", "http://localhost:11434/v1"},
                                      {"api", "openai-completions"},
                                      {"apiKey", "OLLAMA_API_KEY"},
                                      {"models", Json::array({{{"id", "llama-3.1-8b"}}})}}}}}})
                                .dump(2));
  tree.setup("auth.json",
             Json({{"anthropic",
                    {{"type", "oauth"},
                     {"refresh", fake_anthropic(rng, "ort01")},
                     {"access", fake_anthropic(rng, "oat01")},
                     {"expires", fake_expiry}}},
                   {"openai", {{"type", "api_key"}, {"key", fake_openai_key(rng)}}}})
                 .dump(2),
             Mode::secret);
  tree.folder("auth.json.lock");
  tree.setup("bin/rg", elf_program(rng, 40 * 1024 + rng.below(4096)), Mode::program);
  tree.setup("bin/fd", elf_program(rng, 24 * 1024 + rng.below(4096)), Mode::program);
  tree.setup("AGENTS.md", "# Global instructions\n\n- Keep answers short.\n");
  tree.setup("skills/mine/SKILL.md", skill_md("mine", "Summarise the open pull requests"));
  tree.setup("prompts/review.md",
             "---\ndescription: Review the diff\n---\nReview the staged diff. Bugs first.\n");

  const auto plan = plan_sessions(o, cwds);
  for (std::size_t k = 0; k < plan.size(); ++k) {
    Rng srng = session_rng(o, k);
    // The oldest session is still in format v1 (Pi rewrites it when opened).
    Chat c{"pi", uuid4(srng), plan[k].cwd, "", k == 0 && plan.size() > 1 ? "1" : "3", plan[k].start, {}};
    const auto start = c.clock;
    pi_header(c, srng);
    Prompts prompts;
    const auto end = write_session(c, srng, plan[k].turns, big_bytes(o, k, plan.size()), prompts);
    auto name = iso(start);
    std::replace(name.begin(), name.end(), ':', '-');
    std::replace(name.begin(), name.end(), '.', '-');
    tree.write("sessions/" + pi_folder(c.cwd) + "/" + name + "_" + c.session_id + ".jsonl", joined(c.lines),
               end);
  }
}

// ---------------------------------------------------------------------------
// Kinds of files (`list`)

// '*' matches within one path segment, "**" any number of segments; a pattern
// ending in '/' names a folder itself.
bool segment_match(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) {
    return text.empty();
  }
  if (pattern[0] == '*') {
    for (std::size_t i = 0; i <= text.size(); ++i) {
      if (segment_match(pattern.substr(1), text.substr(i))) {
        return true;
      }
    }
    return false;
  }
  return !text.empty() && pattern[0] == text[0] && segment_match(pattern.substr(1), text.substr(1));
}

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool path_match(const std::vector<std::string_view>& pattern, std::size_t p,
                const std::vector<std::string_view>& path, std::size_t i) {
  if (p == pattern.size()) {
    return i == path.size();
  }
  if (pattern[p] == "**") {
    for (std::size_t k = i; k <= path.size(); ++k) {
      if (path_match(pattern, p + 1, path, k)) {
        return true;
      }
    }
    return false;
  }
  return i < path.size() && segment_match(pattern[p], path[i]) && path_match(pattern, p + 1, path, i + 1);
}

const std::vector<std::string>& patterns(const std::string& agent, const std::string& kind) {
  static const std::map<std::string, std::map<std::string, std::vector<std::string>>> k_patterns = {
      {"codex",
       {{"credentials", {"auth.json", ".credentials.json", ".env", "secrets/**", ".sandbox-secrets/**"}},
        {"append-only",
         {"sessions/**/rollout-*.jsonl", "sessions/**/rollout-*.jsonl.zst",
          "archived_sessions/rollout-*.jsonl", "archived_sessions/rollout-*.jsonl.zst"}},
        {"merge-line", {"history.jsonl", "session_index.jsonl"}},
        {"machine-specific",
         {"*.sqlite", "*.sqlite-wal", "*.sqlite-shm", "log/**", "version.json", "models_cache.json",
          "shell_snapshots/**", "worktrees/**", "packages/**", "skills/.system/**", "tmp/**"}}}},
      {"claude",
       {{"credentials", {".credentials.json"}},
        {"append-only", {"projects/*/*.jsonl", "projects/*/*/subagents/*.jsonl"}},
        {"merge-line", {"history.jsonl"}},
        {"machine-specific",
         {"sessions/**", "ide/**", "shell-snapshots/**", "debug/**", "statsig/**", "plugins/cache/**"}}}},
      {"gemini",
       {{"credentials", {"oauth_creds.json", "gemini-credentials.json", "mcp-oauth-tokens.json"}},
        {"append-only", {"tmp/*/chats/*.jsonl"}},
        {"merge-line", {}},
        {"machine-specific",
         {"google_accounts.json", "installation_id", "projects.json", "history/**", "tmp/bin/**"}}}},
      {"pi",
       {{"credentials", {"auth.json"}},
        {"append-only", {"sessions/*/*.jsonl"}},
        {"merge-line", {}},
        {"machine-specific", {"auth.json.lock/", "bin/**"}}}}};
  return k_patterns.at(agent).at(kind);
}

std::vector<std::string> list_kind(const std::string& agent, const fs::path& root, const std::string& kind) {
  std::vector<std::vector<std::string_view>> files;
  std::vector<std::vector<std::string_view>> folders;
  const auto& list = patterns(agent, kind);
  for (const auto& p : list) {
    if (!p.empty() && p.back() == '/') {
      folders.push_back(segments(std::string_view(p).substr(0, p.size() - 1)));
    } else {
      files.push_back(segments(p));
    }
  }
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const auto rel = it->path().lexically_relative(root).generic_string();
    const auto parts = segments(rel);
    const bool folder = it->is_directory() && !it->is_symlink();
    for (const auto& pattern : folder ? folders : files) {
      if (path_match(pattern, 0, parts, 0)) {
        out.push_back(rel);
        break;
      }
    }
  }
  if (ec) {
    throw IoError("cannot list " + root.string() + ": " + ec.message());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// ---------------------------------------------------------------------------
// Reading a chat back (`append`)

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::optional<Json> parse(std::string_view text) {
  auto j = Json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return std::nullopt;
  }
  return j;
}

std::string str(const Json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The state to continue the chat in `text` from; throws UsageError when it is
// not a chat this program knows.
Chat read_chat(const fs::path& file, std::string_view text) {
  const auto lines = split_lines(text);
  Chat c;
  std::optional<Json> first;
  for (const auto l : lines) {
    first = parse(l);
    if (first) {
      break;
    }
  }
  if (!first) {
    throw UsageError(file.string() +
                     " holds no JSON line; append continues a chat of codex, claude, gemini or pi");
  }
  const auto type = str(*first, "type");
  if (type == "session_meta") {
    c.agent = "codex";
    c.session_id = str((*first)["payload"], "id");
    c.cwd = str((*first)["payload"], "cwd");
  } else if (type == "session") {
    c.agent = "pi";
    c.session_id = str(*first, "id");
    c.cwd = str(*first, "cwd");
    c.version = first->contains("version") ? first->at("version").dump() : "1";
  } else if (first->contains("projectHash")) {
    c.agent = "gemini";
    c.session_id = str(*first, "sessionId");
    c.cwd = first->contains("directories") && !(*first)["directories"].empty()
                ? (*first)["directories"][0].get<std::string>()
                : "/home/u/proj";
    c.clock = parse_time(str(*first, "startTime")).value_or(0);
  } else if (first->contains("sessionId") || type == "summary") {
    c.agent = "claude";
  } else {
    throw UsageError(file.string() +
                     ": the first line is not the start of a codex, claude, gemini or pi chat");
  }
  // The last lines give the time and the ids to continue from.
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    const auto j = parse(*it);
    if (!j) {
      continue;
    }
    const auto t = parse_time(str(*j, "timestamp"));
    if (t && *t > c.clock) {
      c.clock = *t;
    }
    if (c.agent == "claude" && c.last_id.empty() && j->contains("uuid")) {
      c.last_id = str(*j, "uuid");
      c.session_id = str(*j, "sessionId");
      c.cwd = str(*j, "cwd");
      c.version = str(*j, "version");
    }
    if (c.agent == "pi" && c.last_id.empty() && j->contains("id") && str(*j, "type") != "session") {
      c.last_id = str(*j, "id");
    }
    if (t && (c.agent != "claude" || !c.last_id.empty()) && (c.agent != "pi" || !c.last_id.empty())) {
      break;
    }
  }
  if (c.clock == 0) {
    throw UsageError(file.string() + " has no line with a time to continue from");
  }
  if (c.agent == "claude" && c.session_id.empty()) {
    throw UsageError(file.string() + " has no Claude message line to continue from");
  }
  return c;
}

// ---------------------------------------------------------------------------
// Commands

struct Args {
  std::string command;
  std::map<std::string, std::string> values;
  std::vector<std::string> flags;

  bool has(const std::string& name) const { return values.count(name) != 0; }
  bool flag(const std::string& name) const {
    return std::find(flags.begin(), flags.end(), name) != flags.end();
  }

  std::string get(const std::string& name, const std::string& fallback = "") const {
    const auto it = values.find(name);
    return it == values.end() ? fallback : it->second;
  }

  std::string need(const std::string& name) const {
    if (!has(name)) {
      throw UsageError(command + " needs --" + name);
    }
    return get(name);
  }

  std::int64_t number(const std::string& name, std::int64_t fallback, std::int64_t lo,
                      std::int64_t hi) const {
    if (!has(name)) {
      return fallback;
    }
    const auto text = get(name);
    std::size_t used = 0;
    long long value = 0;
    try {
      value = std::stoll(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != text.size() || value < lo || value > hi) {
      throw UsageError("--" + name + " wants a whole number from " + std::to_string(lo) + " to " +
                       std::to_string(hi) + ", not '" + text + "'");
    }
    return value;
  }
};

std::string need_agent(const Args& args, const std::vector<std::string>& allowed) {
  const auto agent = args.need("agent");
  if (std::find(allowed.begin(), allowed.end(), agent) == allowed.end()) {
    std::string names;
    for (const auto& a : allowed) {
      names += (names.empty() ? "" : ", ") + a;
    }
    throw UsageError(args.command + " --agent takes " + names + ", not '" + agent + "'");
  }
  return agent;
}

Ms need_time(const Args& args, const std::string& name, const std::string& fallback) {
  const auto text = args.get(name, fallback);
  const auto t = parse_time(text);
  if (!t) {
    throw UsageError("--" + name + " wants YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, not '" + text + "'");
  }
  return *t;
}

int run_make(const Args& args) {
  Options o;
  o.agent = need_agent(args, {"codex", "claude", "gemini", "pi"});
  o.root = args.need("root");
  o.seed = static_cast<std::uint64_t>(args.number("seed", 1, 0, std::numeric_limits<std::int64_t>::max()));
  o.sessions = static_cast<int>(args.number("sessions", 6, 0, 100000));
  o.big_mb = static_cast<int>(args.number("big-mb", 0, 0, 4096));
  o.days = static_cast<int>(args.number("days", 3, 1, 3650));
  o.start = need_time(args, "start", "2026-11-01");
  std::error_code ec;
  fs::create_directories(o.root, ec);
  if (ec) {
    throw IoError("cannot make " + o.root.string() + ": " + ec.message());
  }
  Tree tree(o.root, o.start - 2 * k_day + 8 * k_hour);
  if (o.agent == "codex") {
    make_codex(tree, o);
  } else if (o.agent == "claude") {
    make_claude(tree, o);
  } else if (o.agent == "gemini") {
    make_gemini(tree, o);
  } else {
    make_pi(tree, o);
  }
  tree.finish();
  return 0;
}

int run_append(const Args& args) {
  const fs::path file = args.need("file");
  const auto want_lines = args.number("lines", args.has("bytes") ? 0 : 4, 0, 10'000'000);
  const auto want_bytes = args.number("bytes", 0, 0, 8'000'000'000LL);
  const auto seed =
      static_cast<std::uint64_t>(args.number("seed", 1, 0, std::numeric_limits<std::int64_t>::max()));
  const auto text = read_file(file);
  auto c = read_chat(file, text);
  Rng rng(mix(seed, "append:" + std::to_string(text.size()) + ":" + std::to_string(c.clock)));
  c.clock += rng.range(20 * k_second, 20 * k_minute);

  std::string out;
  if (!text.empty() && text.back() != '\n') {
    out += '\n'; // close a line cut short before going on
  }
  std::size_t added_lines = 0;
  std::size_t added_bytes = 0;
  Ms last = c.clock;
  while (added_lines < static_cast<std::size_t>(want_lines) ||
         added_bytes < static_cast<std::size_t>(want_bytes)) {
    const auto remaining = static_cast<std::size_t>(want_bytes) > added_bytes
                               ? static_cast<std::size_t>(want_bytes) - added_bytes
                               : 0;
    const std::size_t output =
        remaining > 8192 ? std::min<std::size_t>(remaining / 3, 64 * 1024) : 200 + rng.below(2000);
    const auto t = make_turn(rng, c.clock, output);
    c.lines.clear();
    chat_turn(c, rng, t);
    for (const auto& l : c.lines) {
      if (added_lines >= static_cast<std::size_t>(want_lines) &&
          added_bytes >= static_cast<std::size_t>(want_bytes)) {
        break;
      }
      out += l;
      out += '\n';
      ++added_lines;
      added_bytes += l.size() + 1;
      const auto j = parse(l);
      if (j) {
        last = std::max(last, parse_time(str(*j, "timestamp")).value_or(last));
      }
    }
  }
  if (args.flag("partial") && out.size() > 1) {
    // A crash in the middle of the last write.
    const auto start = out.rfind('\n', out.size() - 2);
    const auto begin = start == std::string::npos ? 0 : start + 1;
    out.resize(begin + (out.size() - 1 - begin) / 2);
  }
  write_bytes(file, out, true);
  set_mtime(file, last);
  return 0;
}

int run_history(const Args& args) {
  const auto agent = need_agent(args, {"codex", "claude"});
  const fs::path file = args.need("file");
  const auto add = args.number("add", 0, 0, 10'000'000);
  const auto seed =
      static_cast<std::uint64_t>(args.number("seed", 1, 0, std::numeric_limits<std::int64_t>::max()));
  const auto machine = args.get("machine");
  const bool index = file.filename() == "session_index.jsonl";
  if (index && agent != "codex") {
    throw UsageError("session_index.jsonl is Codex's; use --agent codex");
  }
  std::error_code ec;
  const auto text = fs::exists(file, ec) ? read_file(file) : std::string();
  Ms last = 0;
  std::vector<std::string> ids;
  std::size_t count = 0;
  for (const auto l : split_lines(text)) {
    const auto j = parse(l);
    if (!j) {
      continue;
    }
    ++count;
    Ms t = 0;
    if (j->contains("ts") && (*j)["ts"].is_number()) {
      t = static_cast<Ms>((*j)["ts"].get<double>() * 1000);
    } else if (j->contains("timestamp") && (*j)["timestamp"].is_number()) {
      t = (*j)["timestamp"].get<Ms>();
    } else if (j->contains("updated_at")) {
      t = parse_time(str(*j, "updated_at")).value_or(0);
    }
    last = std::max(last, t);
    if (index && j->contains("id")) {
      ids.push_back(str(*j, "id"));
    }
  }
  if (last == 0) {
    last = *parse_time("2026-11-01T09:00:00Z");
  }
  Rng rng(mix(seed, "history:" + machine + ":" + std::to_string(text.size())));
  const auto session = agent == "codex" ? uuid7(rng, last) : uuid4(rng);
  const auto who = machine.empty() ? std::string() : machine + " ";
  std::string out;
  if (!text.empty() && text.back() != '\n') {
    out += '\n';
  }
  Ms t = last;
  for (std::int64_t k = 0; k < add; ++k) {
    t += rng.range(20 * k_second, 10 * k_minute) + rng.range(0, 999);
    const auto number = std::to_string(count + static_cast<std::size_t>(k) + 1);
    if (index) {
      const bool rename = !ids.empty() && rng.chance(30);
      const auto id = rename ? ids[rng.below(ids.size())] : uuid7(rng, t);
      out += line({{"id", id},
                   {"thread_name", who + "thread " + number + ": " + title_of(rng)},
                   {"updated_at", iso(t)}}) +
             "\n";
    } else if (agent == "codex") {
      t -= t % 1000; // Codex writes whole seconds
      out += line({{"session_id", session},
                   {"ts", t / 1000},
                   {"text", who + "prompt " + number + ": " + sentence(rng, 4, 14)}}) +
             "\n";
    } else {
      out += line({{"display", who + "prompt " + number + ": " + sentence(rng, 4, 14)},
                   {"pastedContents", Json::object()},
                   {"timestamp", t},
                   {"project", "/home/u/my-app"},
                   {"sessionId", session}}) +
             "\n";
    }
  }
  write_bytes(file, out, true);
  set_mtime(file, t);
  return 0;
}

int run_prune(const Args& args) {
  const auto agent = need_agent(args, {"claude", "gemini"});
  const fs::path root = args.need("root");
  const auto days = args.number("older-than-days", 30, 0, 100000);
  args.need("older-than-days");
  const auto now = need_time(args, "now", args.need("now"));
  const auto cutoff = now - days * k_day;
  const auto patterns_for = agent == "claude" ? std::vector<std::string>{"projects/*/*.jsonl"}
                                              : std::vector<std::string>{"tmp/*/chats/session-*.jsonl",
                                                                         "tmp/*/chats/session-*.json"};
  std::vector<std::string> doomed;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file() || it->is_symlink()) {
      continue;
    }
    const auto rel = it->path().lexically_relative(root).generic_string();
    for (const auto& p : patterns_for) {
      if (path_match(segments(p), 0, segments(rel), 0)) {
        const auto mtime = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::file_clock::to_sys(it->last_write_time()).time_since_epoch())
                               .count();
        if (mtime < cutoff) {
          doomed.push_back(rel);
        }
        break;
      }
    }
  }
  if (ec) {
    throw IoError("cannot list " + root.string() + ": " + ec.message());
  }
  std::sort(doomed.begin(), doomed.end());
  for (const auto& rel : doomed) {
    const auto path = root / fs::path(rel);
    fs::remove(path, ec);
    if (ec) {
      throw IoError("cannot delete " + path.string() + ": " + ec.message());
    }
    std::cout << rel << "\n";
    if (agent == "claude") {
      // The session's own folder (subagents, tool results) goes with it.
      auto side = path;
      side.replace_extension();
      if (fs::is_directory(side, ec)) {
        fs::remove_all(side, ec);
        std::cout << side.lexically_relative(root).generic_string() << "/\n";
      }
    }
  }
  return 0;
}

int run_list(const Args& args) {
  const auto agent = need_agent(args, {"codex", "claude", "gemini", "pi"});
  const fs::path root = args.need("root");
  const auto kind = args.need("kind");
  if (kind != "credentials" && kind != "append-only" && kind != "merge-line" && kind != "machine-specific") {
    throw UsageError("list --kind takes credentials, append-only, merge-line or machine-specific, not '" +
                     kind + "'");
  }
  for (const auto& rel : list_kind(agent, root, kind)) {
    std::cout << rel << "\n";
  }
  return 0;
}

constexpr const char* k_usage =
    "usage:\n"
    "  agent_tree make    --agent codex|claude|gemini|pi --root DIR [--seed N] [--sessions N]\n"
    "                     [--big-mb N] [--days N] [--start YYYY-MM-DD]\n"
    "  agent_tree append  --file F [--lines N] [--bytes N] [--seed N] [--partial]\n"
    "  agent_tree history --agent codex|claude --file F --add N [--seed N] [--machine NAME]\n"
    "  agent_tree prune   --agent claude|gemini --root DIR --older-than-days N --now DATE\n"
    "  agent_tree list    --agent A --root DIR --kind credentials|append-only|merge-line|machine-specific\n";

Args parse_args(int argc, char** argv) {
  Args args;
  if (argc < 2) {
    throw UsageError("no command");
  }
  args.command = argv[1];
  static const std::vector<std::string> k_flags = {"partial"};
  for (int i = 2; i < argc; ++i) {
    std::string word = argv[i];
    if (word.rfind("--", 0) != 0) {
      throw UsageError("unexpected argument '" + word + "'");
    }
    word.erase(0, 2);
    const auto eq = word.find('=');
    if (eq != std::string::npos) {
      args.values[word.substr(0, eq)] = word.substr(eq + 1);
    } else if (std::find(k_flags.begin(), k_flags.end(), word) != k_flags.end()) {
      args.flags.push_back(word);
    } else if (i + 1 < argc) {
      args.values[word] = argv[++i];
    } else {
      throw UsageError("--" + word + " needs a value");
    }
  }
  return args;
}

} // namespace

int main(int argc, char** argv) {
  try {
    const auto args = parse_args(argc, argv);
    if (args.command == "make") {
      return run_make(args);
    }
    if (args.command == "append") {
      return run_append(args);
    }
    if (args.command == "history") {
      return run_history(args);
    }
    if (args.command == "prune") {
      return run_prune(args);
    }
    if (args.command == "list") {
      return run_list(args);
    }
    if (args.command == "--help" || args.command == "help") {
      std::cout << k_usage;
      return 0;
    }
    throw UsageError("unknown command '" + args.command + "'");
  } catch (const UsageError& e) {
    std::cerr << "agent_tree: " << e.what() << "\n" << k_usage;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "agent_tree: " << e.what() << "\n";
    return 1;
  }
}
