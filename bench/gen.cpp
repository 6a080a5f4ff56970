// codexsync-benchgen: writes reproducible synthetic agent state for the
// benchmarks (bench/run.sh), and changes it the way the scenarios need.
//
//   codexsync-benchgen --workload W1|W2 --seed N [--size 500M] [--files N] --out DIR
//   codexsync-benchgen --mutate S3|S5 --seed N [--count N] DIR
//
// W1 "heavy Codex user": sessions/YYYY/MM/DD/rollout-<time>-<uuid>.jsonl over
//    2025 with log-normal sizes (median ~200 KiB; one file over 50 MiB per
//    ~1.5 GiB of --size, at least one from 200 MiB on), session_index.jsonl,
//    and 3,000 small files in skills/ and plugins/ (fewer below 30 MiB).
// W2 "many small files": --files (default 100,000) chats of 1-8 KiB, 100 per
//    day folder sessions/YYYY/MM/DD/ from 2022-01-01 on.
// Times are fixed and in the past (2022-2025; every folder 2026-01-01, also
// after a mutation; new chats of --mutate S3 in January 2026): a time in the future would make every
// read update the access time (relatime), which the I/O counters would show.
// --mutate S3: appends exactly 64 KiB of JSON lines to 1% of the chats, adds
//    0.1% new chats (and their session_index.jsonl lines, when it exists).
// --mutate S5: rewrites --count (default 1,000) small files under skills/ and
//    plugins/.
// Everything written is only what codexsync syncs with its template config
// (no auth.json, no config.toml), so a peer copying the whole folder copies
// the same files. The same arguments write the same bytes, modes (0644 files,
// 0755 folders) and modification times (whole seconds); every text is
// made-up words.
// Prints one JSON line: what was written or changed (`bytes_changed`).
// Exit codes: 0 done, 1 a file could not be read or written, 2 bad arguments.
#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct IoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

constexpr std::uint64_t k_kib = 1024;
constexpr std::uint64_t k_mib = 1024 * k_kib;
constexpr std::uint64_t k_gib = 1024 * k_mib;
constexpr std::int64_t k_day_ms = 86'400'000;
constexpr std::size_t k_flush_bytes = 1 << 20;
constexpr std::uint64_t k_append_bytes = 64 * k_kib;
// Every folder's mtime after a generation or a mutation: 2026-01-01T00:00:00Z.
constexpr std::int64_t k_folder_time_ms = 1'767'225'600'000;

// ---------------------------------------------------------------------------
// Deterministic randomness: splitmix64, the same numbers on every platform.

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

  // A double in (0, 1).
  double unit() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }

  // A standard normal number (Box-Muller).
  double normal() { return std::sqrt(-2.0 * std::log(unit())) * std::cos(6.283185307179586 * unit()); }

  std::string hex(std::size_t n) {
    static constexpr std::string_view k_digits = "0123456789abcdef";
    std::string out(n, '0');
    for (auto& c : out) {
      c = k_digits[next() & 15];
    }
    return out;
  }

private:
  std::uint64_t m_state;
};

// A version-4 style UUID made of the generator's numbers.
std::string uuid(Rng& rng) {
  auto h = rng.hex(32);
  h[12] = '4';
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" +
         h.substr(20, 12);
}

// ---------------------------------------------------------------------------
// Times: milliseconds since the epoch, UTC.

struct Civil {
  int year;
  unsigned month;
  unsigned day;
  long hour;
  long minute;
  long second;
  long milli;
};

Civil civil(std::int64_t ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> tp{milliseconds{ms}};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss hms{tp - day};
  return Civil{static_cast<int>(ymd.year()),
               static_cast<unsigned>(ymd.month()),
               static_cast<unsigned>(ymd.day()),
               static_cast<long>(hms.hours().count()),
               static_cast<long>(hms.minutes().count()),
               static_cast<long>(hms.seconds().count()),
               static_cast<long>(hms.subseconds().count())};
}

std::int64_t epoch_ms(int year, unsigned month, unsigned day) {
  using namespace std::chrono;
  const sys_days d{std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day}};
  return duration_cast<milliseconds>(d.time_since_epoch()).count();
}

// "2026-03-04T10:11:12.345Z"
std::string iso(std::int64_t ms) {
  const auto c = civil(ms);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ldZ", c.year, c.month, c.day, c.hour,
                c.minute, c.second, c.milli);
  return buf;
}

// "sessions/2026/03/04/rollout-2026-03-04T10-11-12-<uuid>.jsonl"
std::string session_path(std::int64_t ms, const std::string& id) {
  const auto c = civil(ms);
  char buf[160];
  std::snprintf(buf, sizeof buf, "sessions/%04d/%02u/%02u/rollout-%04d-%02u-%02uT%02ld-%02ld-%02ld-%s.jsonl",
                c.year, c.month, c.day, c.year, c.month, c.day, c.hour, c.minute, c.second, id.c_str());
  return buf;
}

// ---------------------------------------------------------------------------
// Made-up text: lowercase words only, so nothing needs JSON escaping and
// nothing looks like a credential to the secret guard.

constexpr std::array<std::string_view, 96> k_words{
    "the",     "a",         "and",     "of",     "to",      "in",       "is",      "for",     "with",
    "this",    "that",      "file",    "test",   "build",   "function", "module",  "return",  "value",
    "change",  "update",    "check",   "run",    "output",  "input",    "error",   "result",  "line",
    "code",    "review",    "branch",  "commit", "merge",   "folder",   "path",    "parse",   "config",
    "option",  "flag",      "sync",    "cloud",  "mirror",  "backup",   "restore", "plan",    "apply",
    "scan",    "index",     "hash",    "queue",  "worker",  "thread",   "lock",    "journal", "record",
    "session", "chat",      "history", "prompt", "reply",   "model",    "agent",   "tool",    "call",
    "shell",   "command",   "script",  "python", "rust",    "cmake",    "ninja",   "compile", "link",
    "library", "header",    "source",  "target", "release", "debug",    "trace",   "profile", "bench",
    "median",  "latency",   "memory",  "buffer", "stream",  "write",    "read",    "rename",  "delete",
    "create",  "directory", "between", "before", "after",   "because"};

// Appends exactly `n` bytes of words to `out` (padded with dots).
void words_exact(std::string& out, Rng& rng, std::size_t n) {
  const auto start = out.size();
  bool first = true;
  while (true) {
    const auto word = k_words[rng.below(k_words.size())];
    const auto used = out.size() - start;
    const auto need = word.size() + (first ? 0 : 1);
    if (used + need > n) {
      break;
    }
    if (!first) {
      out.push_back(rng.below(14) == 0 ? '.' : ' ');
    }
    out.append(word);
    first = false;
  }
  out.append(n - (out.size() - start), '.');
}

void words(std::string& out, Rng& rng, std::size_t approx) { words_exact(out, rng, approx); }

// ---------------------------------------------------------------------------
// Files

class FileWriter {
public:
  FileWriter(const fs::path& path, bool append) : m_path(path) {
    const int flags = O_WRONLY | O_CLOEXEC | (append ? O_APPEND : (O_CREAT | O_TRUNC));
    m_fd = ::open(path.c_str(), flags, 0644);
    if (m_fd < 0) {
      throw IoError("cannot open " + path.string() + " for writing: " + std::strerror(errno));
    }
    m_buf.reserve(k_flush_bytes + 64 * k_kib);
  }
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;
  ~FileWriter() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }

  std::string& buffer() { return m_buf; }
  std::uint64_t written() const { return m_written + m_buf.size(); }

  void maybe_flush() {
    if (m_buf.size() >= k_flush_bytes) {
      flush();
    }
  }

  // Writes the rest, sets mode 0644 and the modification time, closes.
  void finish(std::int64_t mtime_ms) {
    flush();
    if (::fchmod(m_fd, 0644) != 0) {
      fail("set the mode of");
    }
    struct timespec times[2];
    // Whole seconds: every peer (Unison too) keeps them exactly.
    times[0].tv_sec = static_cast<time_t>(mtime_ms / 1000);
    times[0].tv_nsec = 0;
    times[1] = times[0];
    if (::futimens(m_fd, times) != 0) {
      fail("set the modification time of");
    }
    if (::close(m_fd) != 0) {
      m_fd = -1;
      fail("close");
    }
    m_fd = -1;
  }

private:
  void flush() {
    const char* p = m_buf.data();
    std::size_t left = m_buf.size();
    while (left > 0) {
      const auto n = ::write(m_fd, p, left);
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        fail("write");
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    m_written += m_buf.size();
    m_buf.clear();
  }

  [[noreturn]] void fail(const char* what) {
    throw IoError(std::string("cannot ") + what + " " + m_path.string() + ": " + std::strerror(errno));
  }

  fs::path m_path;
  int m_fd = -1;
  std::string m_buf;
  std::uint64_t m_written = 0;
};

void make_dirs(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    throw IoError("cannot create the folder " + dir.string() + ": " + ec.message());
  }
}

// Sets every folder below `root` (and `root`) to mode 0755 and `mtime_ms`.
void settle_folders(const fs::path& root, std::int64_t mtime_ms) {
  std::vector<fs::path> dirs{root};
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec)) {
      dirs.push_back(it->path());
    }
  }
  if (ec) {
    throw IoError("cannot list " + root.string() + ": " + ec.message());
  }
  struct timespec times[2];
  times[0].tv_sec = static_cast<time_t>(mtime_ms / 1000);
  times[0].tv_nsec = 0;
  times[1] = times[0];
  for (const auto& d : dirs) {
    if (::chmod(d.c_str(), 0755) != 0 || ::utimensat(AT_FDCWD, d.c_str(), times, 0) != 0) {
      throw IoError("cannot set the mode or time of " + d.string() + ": " + std::strerror(errno));
    }
  }
}

// ---------------------------------------------------------------------------
// Chat lines, shaped like Codex's rollout files.

constexpr std::size_t k_max_turn_line = 16 * 1024;

void line_head(std::string& out, std::int64_t t, std::string_view type) {
  out += R"({"timestamp":")";
  out += iso(t);
  out += R"(","type":")";
  out += type;
  out += R"(","payload":)";
}

void meta_line(std::string& out, Rng& rng, std::int64_t t, const std::string& id) {
  line_head(out, t, "session_meta");
  out += R"({"id":")" + id + R"(","timestamp":")" + iso(t) + R"(","cwd":"/home/dev/src/project-)" +
         std::to_string(rng.below(40)) +
         R"(","originator":"codex_cli_rs","cli_version":"0.98.0","instructions":null,"source":"cli",)"
         R"("model_provider":"openai","git":{"commit_hash":")" +
         rng.hex(40) + R"(","branch":"main"}}})" + "\n";
}

// One line of a turn, under k_max_turn_line bytes; advances `t`.
void turn_line(std::string& out, Rng& rng, std::int64_t& t) {
  t += rng.range(200, 40'000);
  switch (rng.below(6)) {
  case 0:
    line_head(out, t, "response_item");
    out += R"({"type":"message","role":"user","content":[{"type":"input_text","text":")";
    words(out, rng, static_cast<std::size_t>(rng.range(40, 900)));
    out += R"("}]}})";
    break;
  case 1:
    line_head(out, t, "response_item");
    out += R"({"type":"reasoning","summary":[{"type":"summary_text","text":")";
    words(out, rng, static_cast<std::size_t>(rng.range(100, 1500)));
    out += R"("}],"content":null}})";
    break;
  case 2:
    line_head(out, t, "response_item");
    out += R"({"type":"function_call","name":"shell","arguments":"{\"command\":[\"bash\",\"-lc\",\")";
    words(out, rng, static_cast<std::size_t>(rng.range(10, 120)));
    out += R"(\"],\"workdir\":\"/home/dev/src/project\"}","call_id":"call_)" + rng.hex(24) + R"("}})";
    break;
  case 3:
    line_head(out, t, "response_item");
    out += R"({"type":"function_call_output","call_id":"call_)" + rng.hex(24) + R"(","output":")";
    words(out, rng,
          static_cast<std::size_t>(rng.below(8) == 0 ? rng.range(4000, 15000) : rng.range(80, 3000)));
    out += R"("}})";
    break;
  case 4:
    line_head(out, t, "event_msg");
    out += R"({"type":"agent_message","message":")";
    words(out, rng, static_cast<std::size_t>(rng.range(60, 2500)));
    out += R"("}})";
    break;
  default:
    line_head(out, t, "turn_context");
    out += R"({"cwd":"/home/dev/src/project","approval_policy":"on-request","model":"gpt-5-codex",)"
           R"("effort":"medium","summary":"auto"}})";
    break;
  }
  out += '\n';
}

// One line of exactly `n` bytes (n >= 128); advances `t`.
void exact_line(std::string& out, Rng& rng, std::int64_t& t, std::size_t n) {
  t += rng.range(200, 20'000);
  const auto start = out.size();
  line_head(out, t, "event_msg");
  out += R"({"type":"agent_message","message":")";
  constexpr std::string_view k_tail = "\"}}\n";
  const auto used = out.size() - start + k_tail.size();
  if (n < used + 1) {
    throw std::logic_error("exact_line: too short");
  }
  words_exact(out, rng, n - used);
  out += k_tail;
}

// Appends lines of exactly `n` bytes in all to the writer (n >= 128);
// advances `t`.
void lines_exact(FileWriter& w, Rng& rng, std::int64_t& t, std::uint64_t n) {
  auto& out = w.buffer();
  std::uint64_t left = n;
  while (left > k_max_turn_line + 12'500) {
    const auto before = out.size();
    turn_line(out, rng, t);
    left -= out.size() - before;
    w.maybe_flush();
  }
  while (left > 0) {
    const std::uint64_t chunk =
        left <= 3'000 ? left
                      : static_cast<std::uint64_t>(rng.range(
                            600, static_cast<std::int64_t>(std::min<std::uint64_t>(2'500, left - 600))));
    exact_line(out, rng, t, static_cast<std::size_t>(chunk));
    left -= chunk;
    w.maybe_flush();
  }
}

// Writes a chat of exactly `bytes` bytes (at least 1 KiB) starting at
// `start`; returns the time of its last line (also its mtime).
std::int64_t write_chat(const fs::path& file, Rng& rng, std::int64_t start, const std::string& id,
                        std::uint64_t bytes) {
  FileWriter w(file, false);
  std::int64_t t = start;
  meta_line(w.buffer(), rng, t, id);
  const auto head = w.written();
  lines_exact(w, rng, t, bytes > head + 512 ? bytes - head : 512);
  w.finish(t);
  return t;
}

// ---------------------------------------------------------------------------
// Small files (skills, plugins)

std::string small_text(Rng& rng, std::size_t bytes, std::string_view kind) {
  std::string out;
  out.reserve(bytes + 64);
  if (kind == "json") {
    out += "{\n  \"name\": \"";
    words(out, rng, 12);
    out += "\",\n  \"version\": \"1." + std::to_string(rng.below(20)) + ".0\",\n  \"description\": \"";
    const auto used = out.size() + 4;
    words_exact(out, rng, bytes > used + 8 ? bytes - used : 8);
    out += "\"\n}\n";
    return out;
  }
  if (kind == "md") {
    out += "---\nname: ";
    words(out, rng, 14);
    out += "\ndescription: ";
    words(out, rng, 60);
    out += "\n---\n\n# ";
  } else if (kind == "py") {
    out += "#!/usr/bin/env python3\n# ";
  }
  while (out.size() + 2 < bytes) {
    const auto line =
        std::min<std::size_t>(static_cast<std::size_t>(rng.range(20, 100)), bytes - out.size() - 1);
    words_exact(out, rng, line);
    out += '\n';
  }
  return out;
}

struct Totals {
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
};

void write_small(const fs::path& root, const std::string& rel, Rng& rng, std::int64_t year_start,
                 Totals& totals) {
  const auto dot = rel.rfind('.');
  const auto kind = std::string_view(rel).substr(dot + 1);
  const auto bytes =
      static_cast<std::size_t>(std::exp(std::log(300.0) + rng.unit() * std::log(16384.0 / 300.0)));
  const auto text = small_text(rng, bytes, kind);
  const auto path = root / rel;
  make_dirs(path.parent_path());
  FileWriter w(path, false);
  w.buffer() = text;
  w.finish(year_start + static_cast<std::int64_t>(rng.below(365 * 24 * 3600)) * 1000);
  totals.files += 1;
  totals.bytes += text.size();
}

std::string word_name(Rng& rng, std::size_t index) {
  return std::string(k_words[rng.below(k_words.size())]) + "-" +
         std::string(k_words[rng.below(k_words.size())]) + "-" + std::to_string(index);
}

// `count` small files: half in skills/<name>/..., half in plugins/<name>/...
void write_small_files(const fs::path& root, Rng& rng, std::size_t count, std::int64_t year_start,
                       Totals& totals) {
  const std::size_t skills = count / 2;
  std::size_t made = 0;
  for (std::size_t i = 0; made < skills; ++i) {
    const auto dir = "skills/" + word_name(rng, i) + "/";
    write_small(root, dir + "SKILL.md", rng, year_start, totals);
    ++made;
    const auto extra = static_cast<std::size_t>(rng.range(4, 14));
    for (std::size_t j = 0; j < extra && made < skills; ++j, ++made) {
      static constexpr std::array<std::string_view, 3> k_sub{"references/", "scripts/", "assets/"};
      static constexpr std::array<std::string_view, 3> k_ext{".md", ".py", ".txt"};
      const auto which = rng.below(3);
      write_small(root, dir + std::string(k_sub[which]) + word_name(rng, j) + std::string(k_ext[which]), rng,
                  year_start, totals);
    }
  }
  for (std::size_t i = 0; made < count; ++i) {
    const auto dir = "plugins/" + word_name(rng, i) + "/";
    write_small(root, dir + "plugin.json", rng, year_start, totals);
    ++made;
    if (made < count) {
      write_small(root, dir + "README.md", rng, year_start, totals);
      ++made;
    }
    const auto extra = static_cast<std::size_t>(rng.range(3, 12));
    for (std::size_t j = 0; j < extra && made < count; ++j, ++made) {
      const auto rel = rng.below(2) == 0 ? "commands/" + word_name(rng, j) + ".md"
                                         : "skills/" + word_name(rng, j) + "/SKILL.md";
      write_small(root, dir + rel, rng, year_start, totals);
    }
  }
}

// ---------------------------------------------------------------------------
// Workloads

struct Options {
  std::string workload;
  std::string mutate;
  std::uint64_t seed = 1;
  bool seed_given = false;
  std::uint64_t size = 500 * k_mib;
  std::uint64_t files = 100'000;
  std::uint64_t count = 1000;
  fs::path out;
};

struct Chat {
  std::int64_t start;
  std::string id;
  std::uint64_t bytes;
};

std::string json_line(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out = "{";
  for (const auto& [k, v] : fields) {
    if (out.size() > 1) {
      out += ",";
    }
    out += "\"" + k + "\":" + v;
  }
  return out + "}";
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

void require_empty_out(const fs::path& out) {
  std::error_code ec;
  if (fs::exists(out, ec) && !fs::is_empty(out, ec)) {
    throw UsageError("--out " + out.string() + " exists and is not empty; give a new or empty folder");
  }
  make_dirs(out);
}

int generate_w1(const Options& o) {
  require_empty_out(o.out);
  Rng rng(o.seed * 0x2545f4914f6cdd1dULL + 1);
  const auto year_start = epoch_ms(2025, 1, 1);
  Totals totals;

  const std::size_t small_count =
      o.size >= 30 * k_mib ? 3000
                           : static_cast<std::size_t>(std::max<std::uint64_t>(20, o.size / (10 * k_kib)));
  write_small_files(o.out, rng, small_count, year_start, totals);
  const auto small_bytes = totals.bytes;

  // Chat sizes: a few big ones, then log-normal until the size is reached.
  const std::uint64_t budget =
      o.size > small_bytes + 256 * k_kib ? o.size - small_bytes - 128 * k_kib : 256 * k_kib;
  std::vector<std::uint64_t> sizes;
  std::uint64_t planned = 0;
  std::uint64_t big = (o.size + 750 * k_mib) / (1536 * k_mib);
  if (big == 0 && o.size >= 200 * k_mib) {
    big = 1;
  }
  for (std::uint64_t i = 0; i < big; ++i) {
    const auto s = static_cast<std::uint64_t>(rng.range(52, 90)) * k_mib;
    if (planned + s > budget) {
      break;
    }
    sizes.push_back(s);
    planned += s;
  }
  const double mu = std::log(200.0 * k_kib);
  while (planned < budget) {
    auto s = static_cast<std::uint64_t>(std::exp(mu + 1.3 * rng.normal()));
    s = std::clamp<std::uint64_t>(s, 4 * k_kib, 40 * k_mib);
    s = std::min(s, budget - planned + 4 * k_kib);
    sizes.push_back(s);
    planned += s;
  }
  // Shuffle, so the big chats fall on random days.
  for (std::size_t i = sizes.size(); i > 1; --i) {
    std::swap(sizes[i - 1], sizes[rng.below(i)]);
  }
  std::vector<Chat> chats;
  chats.reserve(sizes.size());
  for (const auto s : sizes) {
    const auto start = year_start + static_cast<std::int64_t>(rng.below(364ULL * 24 * 3600 * 1000));
    chats.push_back(Chat{start, uuid(rng), s});
  }
  std::sort(chats.begin(), chats.end(), [](const Chat& a, const Chat& b) { return a.start < b.start; });

  std::string index;
  std::uint64_t session_bytes = 0;
  std::uint64_t largest = 0;
  std::string last_dir;
  std::vector<std::pair<std::int64_t, std::string>> index_lines;
  for (const auto& c : chats) {
    const auto rel = session_path(c.start, c.id);
    const auto path = o.out / rel;
    if (path.parent_path().string() != last_dir) {
      make_dirs(path.parent_path());
      last_dir = path.parent_path().string();
    }
    const auto end = write_chat(path, rng, c.start, c.id, c.bytes);
    const auto size = fs::file_size(path);
    session_bytes += size;
    largest = std::max(largest, size);
    std::string name;
    words(name, rng, static_cast<std::size_t>(rng.range(12, 40)));
    index_lines.emplace_back(end, R"({"id":")" + c.id + R"(","thread_name":")" + name +
                                      R"(","updated_at":")" + iso(end) + "\"}\n");
  }
  std::sort(index_lines.begin(), index_lines.end());
  std::int64_t index_time = year_start;
  for (const auto& [t, line] : index_lines) {
    index += line;
    index_time = t;
  }
  {
    FileWriter w(o.out / "session_index.jsonl", false);
    w.buffer() = index;
    w.finish(index_time);
  }
  settle_folders(o.out, k_folder_time_ms);
  const auto files = totals.files + chats.size() + 1;
  const auto bytes = totals.bytes + session_bytes + index.size();
  std::printf("%s\n", json_line({{"workload", quoted("W1")},
                                 {"seed", std::to_string(o.seed)},
                                 {"files", std::to_string(files)},
                                 {"bytes", std::to_string(bytes)},
                                 {"session_files", std::to_string(chats.size())},
                                 {"session_bytes", std::to_string(session_bytes)},
                                 {"largest_session_bytes", std::to_string(largest)},
                                 {"small_files", std::to_string(totals.files)},
                                 {"small_bytes", std::to_string(totals.bytes)}})
                          .c_str());
  return 0;
}

int generate_w2(const Options& o) {
  require_empty_out(o.out);
  Rng rng(o.seed * 0x2545f4914f6cdd1dULL + 2);
  const auto first_day = epoch_ms(2022, 1, 1);
  std::uint64_t bytes = 0;
  for (std::uint64_t i = 0; i < o.files; ++i) {
    const auto day = static_cast<std::int64_t>(i / 100);
    const auto start = first_day + day * k_day_ms + static_cast<std::int64_t>(rng.below(20 * 3600 * 1000));
    const auto id = uuid(rng);
    const auto path = o.out / session_path(start, id);
    if (i % 100 == 0) {
      make_dirs(path.parent_path());
    }
    const auto want = static_cast<std::uint64_t>(rng.range(1024, 8192));
    write_chat(path, rng, start, id, want);
    bytes += want;
  }
  settle_folders(o.out, k_folder_time_ms);
  std::printf("%s\n", json_line({{"workload", quoted("W2")},
                                 {"seed", std::to_string(o.seed)},
                                 {"files", std::to_string(o.files)},
                                 {"folders", std::to_string((o.files + 99) / 100)},
                                 {"bytes", std::to_string(bytes)}})
                          .c_str());
  return 0;
}

// ---------------------------------------------------------------------------
// Mutations

struct Entry {
  std::string rel;
  std::uint64_t size;
  std::int64_t mtime_ms;
};

// The regular files below root/sub whose relative path passes `keep`,
// sorted by path.
template <typename Keep>
std::vector<Entry> list_files(const fs::path& root, const std::string& sub, Keep keep) {
  std::vector<Entry> out;
  std::error_code ec;
  const auto base = root / sub;
  if (!fs::exists(base, ec)) {
    return out;
  }
  for (fs::recursive_directory_iterator it(base, ec), end; !ec && it != end; it.increment(ec)) {
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      continue;
    }
    auto rel = it->path().lexically_relative(root).generic_string();
    if (!keep(rel)) {
      continue;
    }
    const auto mtime = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
    out.push_back(Entry{std::move(rel), static_cast<std::uint64_t>(st.st_size), mtime});
  }
  if (ec) {
    throw IoError("cannot list " + base.string() + ": " + ec.message());
  }
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.rel < b.rel; });
  return out;
}

// `k` distinct indexes below n, chosen by rng, in increasing order.
std::vector<std::size_t> choose(Rng& rng, std::size_t n, std::size_t k) {
  std::vector<std::size_t> all(n);
  for (std::size_t i = 0; i < n; ++i) {
    all[i] = i;
  }
  k = std::min(k, n);
  for (std::size_t i = 0; i < k; ++i) {
    std::swap(all[i], all[i + rng.below(n - i)]);
  }
  all.resize(k);
  std::sort(all.begin(), all.end());
  return all;
}

int mutate_s3(const Options& o) {
  Rng rng(o.seed * 0x9e3779b97f4a7c15ULL + 3);
  const auto chats = list_files(o.out, "sessions", [](const std::string& rel) {
    return rel.size() > 6 && rel.compare(rel.size() - 6, 6, ".jsonl") == 0;
  });
  if (chats.empty()) {
    throw UsageError("no chats (sessions/**/*.jsonl) in " + o.out.string() +
                     "; generate a workload there first");
  }
  const auto n = chats.size();
  const auto appended = choose(rng, n, std::max<std::size_t>(1, (n + 99) / 100));
  std::uint64_t bytes_appended = 0;
  for (const auto i : appended) {
    const auto& e = chats[i];
    FileWriter w(o.out / e.rel, true);
    std::int64_t t = e.mtime_ms + 60'000;
    lines_exact(w, rng, t, k_append_bytes);
    w.finish(std::max(t, e.mtime_ms + 1000));
    bytes_appended += k_append_bytes;
  }
  const auto added = std::max<std::size_t>(1, (n + 999) / 1000);
  std::uint64_t bytes_added = 0;
  std::string index_lines;
  std::int64_t last_end = 0;
  for (std::size_t i = 0; i < added; ++i) {
    const auto start = epoch_ms(2026, 1, 1 + static_cast<unsigned>(i % 28)) +
                       static_cast<std::int64_t>(rng.below(20 * 3600 * 1000));
    const auto id = uuid(rng);
    const auto rel = session_path(start, id);
    make_dirs((o.out / rel).parent_path());
    const auto like = chats[rng.below(n)].size;
    const auto bytes = std::clamp<std::uint64_t>(like, 2 * k_kib, 8 * k_mib);
    const auto end = write_chat(o.out / rel, rng, start, id, bytes);
    bytes_added += fs::file_size(o.out / rel);
    std::string name;
    words(name, rng, 24);
    index_lines +=
        R"({"id":")" + id + R"(","thread_name":")" + name + R"(","updated_at":")" + iso(end) + "\"}\n";
    last_end = std::max(last_end, end);
  }
  std::uint64_t index_bytes = 0;
  std::error_code ec;
  if (fs::is_regular_file(o.out / "session_index.jsonl", ec)) {
    FileWriter w(o.out / "session_index.jsonl", true);
    w.buffer() = index_lines;
    w.finish(last_end);
    index_bytes = index_lines.size();
  }
  settle_folders(o.out, k_folder_time_ms);
  std::printf("%s\n",
              json_line({{"mutation", quoted("S3")},
                         {"session_files", std::to_string(n)},
                         {"files_appended", std::to_string(appended.size())},
                         {"bytes_appended", std::to_string(bytes_appended)},
                         {"files_added", std::to_string(added)},
                         {"bytes_added", std::to_string(bytes_added)},
                         {"index_bytes_appended", std::to_string(index_bytes)},
                         {"bytes_changed", std::to_string(bytes_appended + bytes_added + index_bytes)}})
                  .c_str());
  return 0;
}

int mutate_s5(const Options& o) {
  Rng rng(o.seed * 0x9e3779b97f4a7c15ULL + 5);
  const auto all = [](const std::string&) { return true; };
  auto small = list_files(o.out, "skills", all);
  auto plugins = list_files(o.out, "plugins", all);
  small.insert(small.end(), plugins.begin(), plugins.end());
  if (small.size() < o.count) {
    throw UsageError(std::to_string(small.size()) + " files under skills/ and plugins/ in " + o.out.string() +
                     ", fewer than --count " + std::to_string(o.count) +
                     "; generate W1 with a larger --size (30M or more gives 3,000)");
  }
  std::uint64_t bytes = 0;
  for (const auto i : choose(rng, small.size(), o.count)) {
    const auto& e = small[i];
    const auto dot = e.rel.rfind('.');
    const auto kind =
        dot == std::string::npos ? std::string_view("txt") : std::string_view(e.rel).substr(dot + 1);
    const auto size = static_cast<std::size_t>(rng.range(300, 16384));
    FileWriter w(o.out / e.rel, false);
    w.buffer() = small_text(rng, size, kind);
    bytes += w.buffer().size();
    w.finish(e.mtime_ms + k_day_ms + static_cast<std::int64_t>(rng.below(3600)) * 1000);
  }
  settle_folders(o.out, k_folder_time_ms);
  std::printf("%s\n", json_line({{"mutation", quoted("S5")},
                                 {"files_rewritten", std::to_string(o.count)},
                                 {"bytes_changed", std::to_string(bytes)}})
                          .c_str());
  return 0;
}

// ---------------------------------------------------------------------------
// Command line

std::uint64_t parse_number(std::string_view text, std::string_view what) {
  std::uint64_t v = 0;
  if (text.empty()) {
    throw UsageError(std::string(what) + " needs a number");
  }
  for (const char c : text) {
    if (c < '0' || c > '9') {
      throw UsageError(std::string(what) + " " + std::string(text) + " is not a whole number");
    }
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

// "500M", "5G", "1.5G", "64K", "123456" (bytes); K/M/G are powers of 1024.
std::uint64_t parse_size(std::string_view text) {
  if (text.empty()) {
    throw UsageError("--size needs a value such as 500M or 5G");
  }
  std::uint64_t unit = 1;
  auto digits = text;
  switch (text.back()) {
  case 'K':
  case 'k':
    unit = k_kib;
    digits.remove_suffix(1);
    break;
  case 'M':
  case 'm':
    unit = k_mib;
    digits.remove_suffix(1);
    break;
  case 'G':
  case 'g':
    unit = k_gib;
    digits.remove_suffix(1);
    break;
  default:
    break;
  }
  char* end = nullptr;
  const std::string copy(digits);
  const double v = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size() || !(v > 0)) {
    throw UsageError("--size " + std::string(text) + " is not a size such as 500M, 1.5G or 5G");
  }
  return static_cast<std::uint64_t>(v * static_cast<double>(unit));
}

constexpr std::string_view k_usage =
    "usage: codexsync-benchgen --workload W1|W2 --seed N [--size 500M] [--files 100000] --out DIR\n"
    "       codexsync-benchgen --mutate S3|S5 --seed N [--count 1000] DIR\n";

Options parse(int argc, char** argv) {
  Options o;
  std::vector<std::string_view> rest;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) {
        throw UsageError(std::string(a) + " needs a value");
      }
      return argv[++i];
    };
    if (a == "--workload") {
      o.workload = value();
    } else if (a == "--mutate") {
      o.mutate = value();
    } else if (a == "--seed") {
      o.seed = parse_number(value(), "--seed");
      o.seed_given = true;
    } else if (a == "--size") {
      o.size = parse_size(value());
    } else if (a == "--files") {
      o.files = parse_number(value(), "--files");
    } else if (a == "--count") {
      o.count = parse_number(value(), "--count");
    } else if (a == "--out") {
      o.out = std::string(value());
    } else if (a == "-h" || a == "--help") {
      std::fputs(k_usage.data(), stdout);
      std::exit(0);
    } else if (!a.empty() && a[0] == '-') {
      throw UsageError("unknown option " + std::string(a));
    } else {
      rest.push_back(a);
    }
  }
  if (o.workload.empty() == o.mutate.empty()) {
    throw UsageError("give either --workload W1|W2 or --mutate S3|S5");
  }
  if (!o.seed_given) {
    throw UsageError("--seed N is required (the same seed writes the same tree)");
  }
  if (!o.workload.empty()) {
    if (o.workload != "W1" && o.workload != "W2") {
      throw UsageError("--workload " + o.workload + " is not W1 or W2");
    }
    if (o.out.empty() || !rest.empty()) {
      throw UsageError("--out DIR is required (and nothing else)");
    }
    if (o.workload == "W2" && o.files == 0) {
      throw UsageError("--files must be at least 1");
    }
  } else {
    if (o.mutate != "S3" && o.mutate != "S5") {
      throw UsageError("--mutate " + o.mutate + " is not S3 or S5");
    }
    if (rest.size() != 1) {
      throw UsageError("--mutate needs exactly one folder: the state folder to change");
    }
    o.out = std::string(rest[0]);
    std::error_code ec;
    if (!fs::is_directory(o.out, ec)) {
      throw UsageError(o.out.string() + " is not a folder; give the state folder to change");
    }
  }
  return o;
}

} // namespace

int main(int argc, char** argv) {
  try {
    const auto o = parse(argc, argv);
    if (o.workload == "W1") {
      return generate_w1(o);
    }
    if (o.workload == "W2") {
      return generate_w2(o);
    }
    return o.mutate == "S3" ? mutate_s3(o) : mutate_s5(o);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "codexsync-benchgen: %s\n%s", e.what(), k_usage.data());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "codexsync-benchgen: %s\n", e.what());
    return 1;
  }
}
