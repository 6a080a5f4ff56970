#include <codexsync/core/error.hpp>
#include <codexsync/scan/glob.hpp>
#include <codexsync/scan/scanner.hpp>
#include <codexsync/util/file_stat.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/text.hpp>

#include "folder_lister.hpp"
#include "platform.hpp"

#include <algorithm>
#include <array>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>

namespace codexsync::scan {
namespace {

namespace fs = std::filesystem;

// Credential names, compared without regard to ASCII case: Windows and macOS
// volumes would happily sync `Auth.json` over `auth.json`.
constexpr std::array<std::string_view, 7> k_credential_names = {
    "auth.json", ".credentials.json", "credentials.json", "oauth_creds.json", "token.json", "cap_sid",
    ".env"};
constexpr std::string_view k_secrets_folder = ".sandbox-secrets";

constexpr std::array<std::string_view, 3> k_sqlite_suffixes = {".sqlite", ".sqlite3", ".db"};
constexpr std::array<std::string_view, 3> k_sqlite_companions = {"-wal", "-shm", "-journal"};

// Enough for every signature below, e_lfanew of a PE file included.
constexpr std::size_t k_header_size = 64;
constexpr std::size_t k_pe_offset_field = 0x3c;
// A fat Mach-O header and a Java class file share the magic 0xcafebabe; the
// next 32 bits are the architecture count (a handful) or the class file
// version (major >= 45), so counts below this mean Mach-O.
constexpr std::uint32_t k_max_fat_arches = 30;
// Files handed from the walk to the thread that judges them, at a time.
constexpr std::size_t k_files_per_batch = 512;

constexpr std::string_view k_reason_credential = "credential file: never synced";
constexpr std::string_view k_reason_never_file = "credential or machine-specific file: never synced";
constexpr std::string_view k_reason_never_folder = "credential or machine-specific folder: never synced";
constexpr std::string_view k_reason_secrets = "credentials folder: never synced";
constexpr std::string_view k_reason_native = "native executable: never synced";
constexpr std::string_view k_reason_sqlite = "SQLite database: never synced";
constexpr std::string_view k_reason_temp = k_temp_file_reason;
constexpr std::string_view k_reason_symlink = "symlink: not followed";
constexpr std::string_view k_reason_reparse = "junction or reparse point: not followed";
constexpr std::string_view k_reason_special = "not a regular file: never synced";
constexpr std::string_view k_reason_bad_name = "name is not valid Unicode: not synced";

bool ends_with_ignore_case(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         util::equals_ignore_ascii_case(text.substr(text.size() - suffix.size()), suffix);
}

bool is_separator(char c) { return c == '/' || c == '\\'; }

std::string_view last_segment(std::string_view path) {
  std::size_t start = path.size();
  while (start > 0 && !is_separator(path[start - 1])) {
    --start;
  }
  return path.substr(start);
}

bool is_credential_name(std::string_view name) {
  return std::any_of(k_credential_names.begin(), k_credential_names.end(),
                     [&](std::string_view credential) { return util::equals_ignore_ascii_case(name, credential); });
}

bool is_secrets_folder_name(std::string_view name) { return util::equals_ignore_ascii_case(name, k_secrets_folder); }

// `x.sqlite`, `x.sqlite3`, `x.db` and their -wal/-shm/-journal companions.
bool is_sqlite_name(std::string_view name) {
  for (const auto companion : k_sqlite_companions) {
    if (ends_with_ignore_case(name, companion)) {
      name.remove_suffix(companion.size());
      break;
    }
  }
  return std::any_of(k_sqlite_suffixes.begin(), k_sqlite_suffixes.end(), [&](std::string_view suffix) {
    return name.size() > suffix.size() && ends_with_ignore_case(name, suffix);
  });
}

std::uint32_t read_be32(const unsigned char* p) {
  return (static_cast<std::uint32_t>(p[0]) << 24U) | (static_cast<std::uint32_t>(p[1]) << 16U) |
         (static_cast<std::uint32_t>(p[2]) << 8U) | static_cast<std::uint32_t>(p[3]);
}

std::uint32_t read_le32(const unsigned char* p) {
  return (static_cast<std::uint32_t>(p[3]) << 24U) | (static_cast<std::uint32_t>(p[2]) << 16U) |
         (static_cast<std::uint32_t>(p[1]) << 8U) | static_cast<std::uint32_t>(p[0]);
}

bool starts_with_bytes(const unsigned char* data, std::size_t size, std::string_view magic) {
  return size >= magic.size() && std::memcmp(data, magic.data(), magic.size()) == 0;
}

bool is_elf(const unsigned char* h, std::size_t n) { return starts_with_bytes(h, n, "\177ELF"); }

bool is_macho(const unsigned char* h, std::size_t n) {
  if (n < 4) {
    return false;
  }
  switch (read_be32(h)) {
  case 0xfeedfaceU: // 32-bit, big-endian
  case 0xcefaedfeU: // 32-bit, little-endian
  case 0xfeedfacfU: // 64-bit, big-endian
  case 0xcffaedfeU: // 64-bit, little-endian
    return true;
  case 0xcafebabeU: // universal (fat), or a Java class file
  case 0xcafebabfU: // universal with 64-bit offsets
    return n >= 8 && read_be32(h + 4) >= 1 && read_be32(h + 4) < k_max_fat_arches;
  case 0xbebafecaU: // universal, byte-swapped
  case 0xbfbafecaU:
    return n >= 8 && read_le32(h + 4) >= 1 && read_le32(h + 4) < k_max_fat_arches;
  default:
    return false;
  }
}

bool is_sqlite_header(const unsigned char* h, std::size_t n) {
  return starts_with_bytes(h, n, std::string_view("SQLite format 3\0", 16));
}

// Splits an include root into its parts; throws ConfigError for a root that
// is empty, absolute or leads out of the base.
std::vector<std::string> split_root(const std::string& root) {
  const bool absolute = (!root.empty() && is_separator(root.front())) || (root.size() >= 2 && root[1] == ':');
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (!absolute && start <= root.size()) {
    auto end = start;
    while (end < root.size() && !is_separator(root[end])) {
      ++end;
    }
    const auto part = std::string_view(root).substr(start, end - start);
    if (part == "..") {
      parts.clear();
      break;
    }
    if (!part.empty() && part != ".") {
      parts.emplace_back(part);
    }
    start = end + 1;
  }
  if (parts.empty()) {
    throw ConfigError({"include root \"" + root +
                       "\" is not a path inside the agent's state folder; list relative folders such as "
                       "\"skills\""});
  }
  return parts;
}

// True when `inner` is `outer` or lies below it ('/'-separated keys).
bool is_same_or_below(std::string_view inner, std::string_view outer) {
  return inner.size() >= outer.size() && inner.compare(0, outer.size(), outer) == 0 &&
         (inner.size() == outer.size() || inner[outer.size()] == '/');
}

// The patterns of the form `X/**` as `/X`: a folder matching one of these has
// only excluded content, so the walk need not enter it. The leading '/' keeps
// `skills/**` anchored once its `/**` is gone.
std::vector<std::string> folder_patterns(const std::vector<std::string>& globs) {
  std::vector<std::string> out;
  for (const auto& glob : globs) {
    std::string text = glob;
    std::replace(text.begin(), text.end(), '\\', '/');
    if (text.size() > 1 && text.back() == '/') {
      text.pop_back(); // GlobSet reads `dir/` as `dir/**`
    } else if (text.size() > 3 && text.compare(text.size() - 3, 3, "/**") == 0) {
      text.resize(text.size() - 3);
    } else {
      continue;
    }
    if (text.find_first_not_of('/') != std::string::npos) {
      out.push_back("/" + text);
    }
  }
  return out;
}

std::vector<std::string> lowered(const std::vector<std::string>& patterns) {
  std::vector<std::string> out;
  out.reserve(patterns.size());
  for (const auto& pattern : patterns) {
    out.push_back(util::to_lower_ascii(pattern));
  }
  return out;
}

class Walker {
public:
  Walker(fs::path base, const ScanOptions& options)
      : m_base(std::move(base)), m_excluded(options.exclude_globs),
        m_pruned(folder_patterns(options.exclude_globs)), m_never(options.never_sync_globs),
        m_known(options.known_file) {}

  // Scans one include root (given as its parts).
  void scan_root(const std::vector<std::string>& parts) {
    std::string key;
    fs::path path = m_base;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (i > 0) {
        key += '/';
      }
      key += parts[i];
      path /= util::path_from_utf8(parts[i]);
      std::error_code ec;
      const auto stat = util::stat_no_follow(path, ec);
      if (!stat) {
        if (!is_gone(ec) && !excluded_entry(key)) {
          skip(key, "unreadable: " + ec.message());
        }
        return; // a missing root is not an error
      }
      if (i + 1 == parts.size()) {
        visit(key, [&] { return path; }, *stat);
        break;
      }
      // A folder on the way to the root: it must be a real folder we would walk.
      if (stat->type != util::FileType::directory) {
        if (stat->type == util::FileType::symlink || stat->type == util::FileType::reparse_point) {
          visit(key, [&] { return path; }, *stat);
        }
        return;
      }
      if (m_pruned.matches(key)) {
        return;
      }
      if (is_secrets_folder_name(parts[i])) {
        skip(key, std::string(k_reason_secrets));
        return;
      }
      if (m_never.folder(key)) {
        skip(key, std::string(k_reason_never_folder));
        return;
      }
    }
    drain();
  }

  // The walk (listing folders and deciding about them) and the judging of the
  // files it finds (globs, names, the index) run on two threads: the walk on
  // the calling one, hand-offs in batches. `walk()` walks; files reach the
  // judge until it returns.
  template <typename Walk> void walk_and_judge(const Walk& walk) {
    detail::FolderLister lister(detail::FolderLister::threads_for_this_machine());
    m_lister = &lister;
    std::exception_ptr judge_error;
    std::thread judge([&] {
      try {
        judge_batches();
      } catch (...) {
        judge_error = std::current_exception();
        drop_batches();
      }
    });
    try {
      walk();
    } catch (...) {
      m_lister = nullptr;
      end_batches();
      judge.join();
      throw;
    }
    m_lister = nullptr;
    end_batches();
    judge.join();
    if (judge_error) {
      std::rethrow_exception(judge_error);
    }
  }

  Index take() {
    judge_contents();
    for (auto& skipped : m_walk_skipped) {
      m_index.skipped.push_back(std::move(skipped));
    }
    m_walk_skipped.clear();
    std::sort(m_index.skipped.begin(), m_index.skipped.end(),
              [](const SkippedPath& a, const SkippedPath& b) { return a.path < b.path; });
    return std::move(m_index);
  }

private:
  struct Folder {
    std::string key;
    fs::path path;
  };

  static bool is_gone(const std::error_code& ec) {
    return ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory;
  }

  // A link or special file the user's globs exclude, as a file or as a folder.
  bool excluded_entry(const std::string& key) const {
    return m_excluded.matches(key) || m_pruned.matches(key);
  }

  using Batch = std::vector<std::pair<std::string, util::FileStat>>;

  // What the walk skips (links, folders it does not enter, unreadable
  // entries); the judge's own skips go straight into the index.
  void skip(std::string key, std::string reason) {
    m_walk_skipped.push_back(SkippedPath{std::move(key), std::move(reason)});
  }
  void skip_file(std::string key, std::string reason) {
    m_index.skipped.push_back(SkippedPath{std::move(key), std::move(reason)});
  }

  // The walk found a regular file: queued for the judge.
  void found_file(std::string key, const util::FileStat& stat) {
    m_batch.emplace_back(std::move(key), stat);
    if (m_batch.size() >= k_files_per_batch) {
      hand_over();
    }
  }

  void hand_over() {
    if (m_batch.empty()) {
      return;
    }
    {
      const std::lock_guard<std::mutex> lock(m_mutex);
      m_batches.push_back(std::move(m_batch));
    }
    m_batch = Batch();
    m_batch.reserve(k_files_per_batch);
    m_ready.notify_one();
  }

  void end_batches() {
    hand_over();
    {
      const std::lock_guard<std::mutex> lock(m_mutex);
      m_walk_done = true;
    }
    m_ready.notify_one();
  }

  void judge_batches() {
    for (;;) {
      Batch batch;
      {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_ready.wait(lock, [&] { return !m_batches.empty() || m_walk_done; });
        if (m_batches.empty()) {
          return;
        }
        batch = std::move(m_batches.front());
        m_batches.pop_front();
      }
      for (auto& [key, stat] : batch) {
        visit_file(std::move(key), stat);
      }
    }
  }

  // After the judge failed: the walk's batches are let go of as they come.
  void drop_batches() {
    for (;;) {
      std::unique_lock<std::mutex> lock(m_mutex);
      m_ready.wait(lock, [&] { return !m_batches.empty() || m_walk_done; });
      if (m_batches.empty()) {
        return;
      }
      m_batches.pop_front();
    }
  }

  // Walks the queued folders until none is left: the lister lists them
  // (the last queued first), the walk goes through each listing as it comes.
  void drain() {
    for (;;) {
      for (auto& folder : m_pending) {
        m_listing.push_back(std::move(folder));
        m_lister->submit(m_listing.size() - 1, m_listing.back().path);
      }
      m_pending.clear();
      auto listed = m_lister->take();
      if (!listed) {
        return;
      }
      const Folder folder = std::move(m_listing[listed->token]);
      m_listing[listed->token] = Folder{};
      take_listing(folder, listed->entries, listed->error);
    }
  }

  void take_listing(const Folder& folder, const std::vector<detail::ListedEntry>& entries,
                    const std::error_code& ec) {
    for (const auto& entry : entries) {
      const auto name = detail::entry_name(entry.name);
      std::string key;
      key.reserve(folder.key.size() + 1 + name.utf8.size());
      key.append(folder.key).append(1, '/').append(name.utf8);
      if (!entry.stat) {
        if (!is_gone(entry.stat_error) && !excluded_entry(key)) {
          skip(std::move(key), "unreadable: " + entry.stat_error.message());
        }
        continue; // gone since the listing
      }
      if (!name.exact) {
        if (!excluded_entry(key)) {
          skip(std::move(key), std::string(k_reason_bad_name));
        }
        continue;
      }
      // The full path is made only when needed: a folder to enter, a file to read.
      visit(std::move(key), [&] { return folder.path / entry.name; }, *entry.stat);
    }
    if (ec) {
      skip(folder.key, "unreadable: " + ec.message());
    }
  }

  // Decides about one entry: queue a folder, index a file, or list it as
  // skipped. `path_of()` gives its full path.
  template <typename PathOf> void visit(std::string key, const PathOf& path_of, const util::FileStat& stat) {
    switch (stat.type) {
    case util::FileType::directory:
      if (m_pruned.matches(key)) {
        return;
      }
      if (is_secrets_folder_name(last_segment(key))) {
        skip(key, std::string(k_reason_secrets));
        return;
      }
      if (m_never.folder(key)) {
        skip(key, std::string(k_reason_never_folder));
        return;
      }
      m_pending.push_back(Folder{std::move(key), path_of()});
      return;
    case util::FileType::regular:
      found_file(std::move(key), stat);
      return;
    case util::FileType::symlink:
    case util::FileType::reparse_point:
      if (!excluded_entry(key)) {
        skip(key, std::string(stat.type == util::FileType::symlink ? k_reason_symlink : k_reason_reparse));
      }
      return;
    case util::FileType::other:
      if (!excluded_entry(key)) {
        skip(key, std::string(k_reason_special));
      }
      return;
    }
  }

  void visit_file(std::string key, const util::FileStat& stat) {
    if (m_excluded.matches(key)) {
      return;
    }
    const auto name = last_segment(key);
    if (is_credential_name(name)) {
      skip_file(key, std::string(k_reason_credential));
      return;
    }
    if (m_never.file(key)) {
      skip_file(key, std::string(k_reason_never_file));
      return;
    }
    if (is_own_temp_name(name)) {
      skip_file(key, std::string(k_reason_temp));
      return;
    }
    if (is_sqlite_name(name)) {
      skip_file(key, std::string(k_reason_sqlite));
      return;
    }
    // Whether its first bytes must be read is decided when the walk is done
    // (judge_contents): known_file may wait for the baseline, which the
    // caller loads meanwhile.
    const FileState state{stat.size, stat.mtime_ns, std::nullopt};
    if (const auto [it, inserted] = m_index.files.try_emplace(std::move(key), state); inserted) {
      m_unjudged.push_back(it);
    } else {
      it->second = state;
    }
  }

  // For each file indexed by the walk: unless known_file vouches for it
  // (judged when it was first indexed, and unchanged since), reads its first
  // bytes and takes it out again if it is a program or a database, or cannot
  // be read.
  void judge_contents() {
    for (const auto it : m_unjudged) {
      if (m_known && m_known(it->first, it->second.size, it->second.mtime_ns)) {
        continue;
      }
      bool gone = false;
      if (auto reason = content_reason(m_base / util::path_from_utf8(it->first), it->second.size, gone)) {
        skip_file(it->first, std::move(*reason));
        m_index.files.erase(it);
      } else if (gone) {
        m_index.files.erase(it);  // gone since the walk listed it, as a file gone before its stat
      }
    }
    m_unjudged.clear();
  }

  // Why the file at `path` (`file_size` bytes) is never synced, from its first
  // bytes, or nullopt.
  // `gone` when it no longer exists (nullopt then).
  static std::optional<std::string> content_reason(const fs::path& path, std::uint64_t file_size, bool& gone) {
    // Asking for no more than the file holds saves the read that finds the end.
    std::array<unsigned char, k_header_size> header{};
    const auto wanted = static_cast<std::size_t>(std::min<std::uint64_t>(header.size(), file_size));
    std::error_code ec;
    const auto size = detail::read_file_bytes(path, 0, header.data(), wanted, ec);
    if (ec) {
      gone = is_gone(ec);
      return gone ? std::nullopt : std::optional<std::string>("unreadable: " + ec.message());
    }
    if (is_elf(header.data(), size) || is_macho(header.data(), size) || is_pe(path, header.data(), size)) {
      return std::string(k_reason_native);
    }
    if (is_sqlite_header(header.data(), size)) {
      return std::string(k_reason_sqlite);
    }
    return std::nullopt;
  }

  // "MZ", then "PE\0\0" where the 32-bit little-endian e_lfanew at 0x3c
  // points (a second small read when that lies past the header).
  static bool is_pe(const fs::path& path, const unsigned char* h, std::size_t n) {
    if (n < k_pe_offset_field + 4 || !starts_with_bytes(h, n, "MZ")) {
      return false;
    }
    static constexpr std::string_view k_signature("PE\0\0", 4);
    const std::uint64_t offset = read_le32(h + k_pe_offset_field);
    if (offset + k_signature.size() <= n) {
      return std::memcmp(h + offset, k_signature.data(), k_signature.size()) == 0;
    }
    std::array<unsigned char, 4> signature{};
    std::error_code ec;
    const auto got = detail::read_file_bytes(path, offset, signature.data(), signature.size(), ec);
    return !ec && got == signature.size() && std::memcmp(signature.data(), k_signature.data(), got) == 0;
  }

  fs::path m_base;
  GlobSet m_excluded;
  GlobSet m_pruned;
  NeverSyncFilter m_never;
  std::function<bool(const std::string&, std::uint64_t, std::int64_t)> m_known;
  // The judge's (after the walk: the caller's).
  Index m_index;
  std::vector<PathMap<FileState>::iterator> m_unjudged;  // indexed, contents not yet judged
  // The walk's.
  std::vector<Folder> m_pending;  // found, not yet handed to the lister
  std::vector<Folder> m_listing;  // handed to the lister, by token (emptied when taken)
  detail::FolderLister* m_lister = nullptr;  // during walk_and_judge
  std::vector<SkippedPath> m_walk_skipped;
  Batch m_batch;
  // Between them.
  std::mutex m_mutex;
  std::condition_variable m_ready;
  std::deque<Batch> m_batches;
  bool m_walk_done = false;
};

} // namespace

Index scan_tree(const std::filesystem::path& base, const ScanOptions& options) {
  // Validate every root before touching the disk, then drop roots that lie
  // inside another one so nothing is listed twice.
  std::vector<std::pair<std::string, std::vector<std::string>>> roots;
  for (const auto& root : options.include_roots) {
    auto parts = split_root(root);
    std::string key;
    for (const auto& part : parts) {
      key += key.empty() ? part : "/" + part;
    }
    roots.emplace_back(std::move(key), std::move(parts));
  }
  std::vector<const std::vector<std::string>*> kept;
  for (std::size_t i = 0; i < roots.size(); ++i) {
    bool covered = false;
    for (std::size_t j = 0; j < roots.size() && !covered; ++j) {
      if (i == j || !is_same_or_below(roots[i].first, roots[j].first)) {
        continue;
      }
      // Inside another root, or a duplicate of an earlier one.
      covered = roots[i].first != roots[j].first || j < i;
    }
    if (!covered) {
      kept.push_back(&roots[i].second);
    }
  }

  // The base itself may be a link (a relocated ~/.codex): it is the one link
  // that is followed.
  std::error_code ec;
  const auto status = fs::status(base, ec);
  if (status.type() == fs::file_type::not_found) {
    return {};
  }
  if (!ec && status.type() != fs::file_type::directory) {
    throw RuntimeError(util::display_path(base) +
                       " is not a folder; point the configuration at the agent's state folder");
  }

  Walker walker(base, options);
  walker.walk_and_judge([&] {
    for (const auto* parts : kept) {
      walker.scan_root(*parts);
    }
  });
  return walker.take();
}

bool is_credential_path(std::string_view relative_path) {
  std::size_t start = 0;
  while (start <= relative_path.size()) {
    auto end = start;
    while (end < relative_path.size() && !is_separator(relative_path[end])) {
      ++end;
    }
    const auto part = relative_path.substr(start, end - start);
    if (is_secrets_folder_name(part) || (end == relative_path.size() && is_credential_name(part))) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

NeverSyncFilter::NeverSyncFilter(const std::vector<std::string>& never_sync_globs)
    : m_any(!never_sync_globs.empty()), m_files(lowered(never_sync_globs)),
      m_folders(folder_patterns(lowered(never_sync_globs))) {}

bool NeverSyncFilter::file(std::string_view relative_path) const {
  if (!m_any) {
    return false;
  }
  // Lowered into a buffer of the thread's own: no allocation per file.
  thread_local std::string lower;
  lower.assign(relative_path);
  for (auto& c : lower) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return m_files.matches(lower);
}

bool NeverSyncFilter::folder(std::string_view relative_path) const {
  if (!m_any) {
    return false;
  }
  const auto lower = util::to_lower_ascii(relative_path);
  return m_folders.matches(lower) || m_files.matches(lower);
}

bool NeverSyncFilter::matches(std::string_view relative_path) const {
  if (!m_any) {
    return false;
  }
  for (std::size_t at = 0; at < relative_path.size(); ++at) {
    if (is_separator(relative_path[at]) && at > 0 && folder(relative_path.substr(0, at))) {
      return true;
    }
  }
  return file(relative_path);
}

bool is_never_synced(const std::vector<std::string>& never_sync_globs, std::string_view relative_path) {
  return NeverSyncFilter(never_sync_globs).matches(relative_path);
}

bool is_own_temp_name(std::string_view name) { return util::is_temp_name(name); }

} // namespace codexsync::scan
