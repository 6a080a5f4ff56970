#include <codexsync/apply/file_ops.hpp>

#include "file_ops_detail.hpp"
#include "file_ops_os.hpp"

#include <codexsync/core/error.hpp>
#include <codexsync/util/environment.hpp>
#include <codexsync/util/file_stat.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/self.hpp>
#include <codexsync/util/sha256.hpp>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <map>
#include <cstdlib>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace codexsync::apply {
namespace {

namespace fs = std::filesystem;
using detail::ErrorKind;

constexpr std::size_t k_buffer_size = std::size_t{1} << 20;
constexpr std::size_t k_min_buffer_size = 4096;
constexpr std::size_t k_max_name_length = 255; // NAME_MAX; 255 UTF-16 units on NTFS
constexpr int k_temp_name_attempts = 4;
constexpr auto k_retry_first_delay = std::chrono::milliseconds(50);
constexpr auto k_retry_max_delay = std::chrono::milliseconds(1000);
constexpr auto k_retry_budget = std::chrono::milliseconds(5000);
constexpr int k_fault_exit_code = 86;

std::string show(const fs::path& path) { return util::display_path(path); }

fs::path folder_of(const fs::path& path) {
  return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

// Shortens a file name to `size` code units without splitting a character
// (UTF-8 on POSIX, UTF-16 on Windows).
template <typename String> void truncate_name(String& name, std::size_t size) {
  if (name.size() <= size) {
    return;
  }
  name.resize(size);
  using Char = typename String::value_type;
  if constexpr (sizeof(Char) == 1) {
    std::size_t start = name.size();
    while (start > 0 && (static_cast<unsigned char>(name[start - 1]) & 0xC0U) == 0x80U) {
      --start;
    }
    if (start == 0) {
      return;
    }
    const auto lead = static_cast<unsigned char>(name[start - 1]);
    const std::size_t want = lead >= 0xF0U ? 4 : lead >= 0xE0U ? 3 : lead >= 0xC0U ? 2 : 1;
    if (name.size() - (start - 1) < want) {
      name.resize(start - 1);
    }
  } else {
    const auto last = static_cast<std::uint32_t>(name.back());
    if (last >= 0xD800U && last <= 0xDBFFU) {
      name.pop_back(); // a lone high surrogate
    }
  }
}

// `.<name>.codexsync-tmp-<12 hex>` beside `dest`, the name shortened when the
// whole would pass the file system's name limit.
fs::path temp_path_for(const fs::path& dest) {
  using String = fs::path::string_type;
  String name = dest.filename().native();
  const std::string tail = util::temp_suffix();
  truncate_name(name, k_max_name_length - 1 - tail.size());
  String file_name(1, static_cast<String::value_type>('.'));
  file_name += name;
  for (const char c : tail) {
    file_name.push_back(static_cast<String::value_type>(c));
  }
  return dest.parent_path() / file_name;
}

bool same_content_state(const util::FileStat& a, const util::FileStat& b) {
  return a.same_file(b) && a.size == b.size && a.mtime_ns == b.mtime_ns;
}

[[noreturn]] void throw_changed(const fs::path& source, const fs::path& dest) {
  throw FailSafeError(show(source) + " changed while being copied; " + show(dest) +
                      " was left as it was; run again once nothing is writing to it");
}

// The destination is no longer what the plan saw (a version arrived, the
// cloud client replaced it): nothing of it was changed.
FailSafeError dest_changed(const fs::path& dest) {
  return FailSafeError(show(dest) + " changed while the new version was being copied; it was left as it is "
                                    "and the next run decides again");
}

[[noreturn]] void throw_read_error(const fs::path& source, const std::error_code& ec) {
  if (detail::classify(ec) == ErrorKind::not_found) {
    throw RuntimeError("cannot copy " + show(source) + ": it no longer exists; run again");
  }
  throw RuntimeError("cannot read " + show(source) + ": " + ec.message() +
                     "; check that it is readable and run again");
}

[[noreturn]] void throw_write_error(const fs::path& dest, const std::error_code& ec) {
  if (detail::classify(ec) == ErrorKind::no_space) {
    throw RuntimeError("no space left on device writing " + show(dest) + "; free space and run again");
  }
  throw RuntimeError("cannot write " + show(dest) + ": " + ec.message() + "; check that " +
                     show(folder_of(dest)) + " is writable and has space, and run again");
}

// Undoes a copy that did not finish: closes and deletes the temp file, then
// removes the folders this copy created, innermost first, while empty.
class Rollback {
public:
  Rollback() = default;
  Rollback(const Rollback&) = delete;
  Rollback& operator=(const Rollback&) = delete;
  ~Rollback() {
    if (m_committed) {
      return;
    }
    std::error_code ec;
    m_temp_file.close(ec);
    if (!m_temp.empty()) {
      detail::retry_transient([this](std::error_code& e) { return detail::delete_file(m_temp, e); }, ec);
    }
    for (const auto& dir : m_created_dirs) {
      detail::remove_empty_dir(dir, ec);
    }
  }

  void created_dir(const fs::path& dir) { m_created_dirs.insert(m_created_dirs.begin(), dir); }
  // The temp file, once created at `temp` (an OS path).
  detail::OsFile& temp_file() { return m_temp_file; }
  void created_temp(const fs::path& temp) { m_temp = temp; }
  void commit() { m_committed = true; }
  // The OS paths of the folders created, innermost first.
  const std::vector<fs::path>& created_dirs() const { return m_created_dirs; }

private:
  detail::OsFile m_temp_file;
  fs::path m_temp;
  std::vector<fs::path> m_created_dirs; // innermost first
  bool m_committed = false;
};

// Creates the missing folders of `dir`, outermost first, recording each in
// `rollback`. Throws RuntimeError naming the folder.
void create_missing_dirs(const fs::path& dir, Rollback& rollback) {
  std::vector<fs::path> missing;
  for (fs::path at = dir; !at.empty(); at = at.parent_path()) {
    std::error_code ec;
    const auto stat = util::stat_no_follow(detail::os_path(at), ec);
    if (stat) {
      if (stat->type == util::FileType::regular || stat->type == util::FileType::other) {
        throw RuntimeError("cannot create " + show(dir) + ": " + show(at) +
                           " is a file, not a folder; move it away and run again");
      }
      break; // a folder, or a link the OS will follow or refuse
    }
    if (detail::classify(ec) != ErrorKind::not_found) {
      throw RuntimeError("cannot use folder " + show(at) + ": " + ec.message() +
                         "; check its permissions and run again");
    }
    missing.push_back(at);
    if (at.parent_path() == at) {
      break;
    }
  }
  std::reverse(missing.begin(), missing.end());
  for (const auto& dir_to_create : missing) {
    const auto os_dir = detail::os_path(dir_to_create);
    std::error_code ec;
    if (detail::create_dir(os_dir, ec)) {
      rollback.created_dir(os_dir);
    } else if (detail::classify(ec) != ErrorKind::exists) {
      if (detail::classify(ec) == ErrorKind::no_space) {
        throw RuntimeError("no space left on device creating " + show(dir_to_create) +
                           "; free space and run again");
      }
      throw RuntimeError("cannot create folder " + show(dir_to_create) + ": " + ec.message() +
                         "; check that " + show(folder_of(dir_to_create)) + " is writable and run again");
    }
  }
}

// Opens the source, retrying the brief locks of scanners and cloud clients.
void open_source(detail::OsFile& input, const fs::path& source) {
  std::error_code ec;
  const auto os_source = detail::os_path(source);
  if (!detail::retry_transient([&](std::error_code& e) { return input.open_read(os_source, e); }, ec)) {
    throw_read_error(source, ec);
  }
}

// Creates the temp file beside `dest`, drawing a new name on the (unlikely)
// clash. Returns its OS path.
fs::path create_temp(const fs::path& dest, Rollback& rollback) {
  std::error_code ec;
  for (int attempt = 0; attempt < k_temp_name_attempts; ++attempt) {
    auto temp = detail::os_path(temp_path_for(dest));
    if (rollback.temp_file().create_new(temp, ec)) {
      rollback.created_temp(temp);
      return temp;
    }
    if (detail::classify(ec) != ErrorKind::exists) {
      break;
    }
  }
  if (detail::classify(ec) == ErrorKind::no_space) {
    throw_write_error(dest, ec);
  }
  throw RuntimeError("cannot create a file in " + show(folder_of(dest)) + ": " + ec.message() +
                     "; check that the folder is writable and run again");
}

// `age` (>= 0) in nanoseconds, capped instead of overflowing.
std::int64_t saturating_ns(std::chrono::seconds age) {
  constexpr std::int64_t k_max_seconds = std::numeric_limits<std::int64_t>::max() / 1'000'000'000;
  return std::min<std::int64_t>(age.count(), k_max_seconds) * 1'000'000'000;
}

struct FaultConfig {
  bool loaded = false;
  std::string point;         // empty: no fault
  std::uint64_t fire_at = 0; // the hit that kills, 1-based
  std::uint64_t hits = 0;
};

std::mutex& fault_mutex() {
  static std::mutex mutex;
  return mutex;
}

FaultConfig& fault_config() {
  static FaultConfig config;
  return config;
}

// `point` or `point:N` (N >= 1); anything else after the last ':' is part of the name.
void load_fault_config(FaultConfig& config) {
  config = FaultConfig{};
  config.loaded = true;
  const auto value = util::Environment{}.get("CODEXSYNC_TEST_FAULT");
  if (!value) {
    return;
  }
  config.point = *value;
  config.fire_at = 1;
  const auto colon = value->rfind(':');
  if (colon == std::string::npos) {
    return;
  }
  std::uint64_t count = 0;
  const char* first = value->data() + colon + 1;
  const char* last = value->data() + value->size();
  const auto [end, error] = std::from_chars(first, last, count);
  if (error == std::errc() && end == last && count >= 1) {
    config.point = value->substr(0, colon);
    config.fire_at = count;
  }
}

// The source's bytes from the copy's position on: taken from bytes already
// read (Preread) when they stand for the opened file, else read from it.
class SourceBytes {
public:
  SourceBytes(detail::OsFile& input, const Preread* preread, const util::FileStat& opened)
      : m_input(input), m_preread(preread != nullptr && preread->stands_for(opened) ? preread : nullptr) {}

  // Up to `size` bytes at position `at` of the source, which is also where
  // the file is positioned for a read: a view of `buffer` or of the preread
  // bytes; empty at the end; nullopt (and `ec`) when reading fails.
  std::optional<std::string_view> next(char* buffer, std::size_t size, std::uint64_t at, std::error_code& ec) {
    if (m_preread != nullptr && at >= m_preread->offset) {
      return std::string_view(m_preread->bytes).substr(std::min<std::uint64_t>(at - m_preread->offset, m_preread->bytes.size()), size);
    }
    const auto got = m_input.read(buffer, size, ec);
    if (!got) {
      return std::nullopt;
    }
    return std::string_view(buffer, *got);
  }

private:
  detail::OsFile& m_input;
  const Preread* m_preread;
};

// The source's stat, before a copy: it must be a regular file.
util::FileStat stat_source(const fs::path& source) {
  std::error_code ec;
  const auto before = util::stat_no_follow(detail::os_path(source), ec);
  if (!before) {
    throw_read_error(source, ec);
  }
  if (before->type != util::FileType::regular) {
    throw RuntimeError("cannot copy " + show(source) +
                       ": it is not a regular file (a link or a folder?); "
                       "run again once it is a plain file or exclude it");
  }
  return *before;
}

// Opens the source stat'ed as `before` for `input`; returns the open file's
// stat, which must still be `before` (else it changed: FailSafeError).
util::FileStat open_as_stated(detail::OsFile& input, const fs::path& source, const fs::path& dest,
                              const util::FileStat& before) {
  open_source(input, source);
  std::error_code ec;
  const auto opened = input.stat(ec);
  if (!opened) {
    throw_read_error(source, ec);
  }
  if (!same_content_state(before, *opened)) {
    throw_changed(source, dest);
  }
  return *opened;
}

// Starts `hash` from `resume->from` when that midstate is of the file `old`
// (and of no more than its first `limit` bytes): returns how many bytes it
// covers (0 when it is not used).
std::uint64_t resume_hash(HashResume* resume, std::uint64_t limit, const util::FileStat& old, util::Sha256& hash) {
  if (resume == nullptr || !resume->from || resume->from->bytes > limit ||
      resume->from_file != FileIdentity::of(old)) {
    return 0;
  }
  auto resumed = util::Sha256::resume(*resume->from);
  if (!resumed) {
    return 0;
  }
  hash = std::move(*resumed);
  resume->used_from = true;
  return resume->from->bytes;
}

// The rest of a copy: the source's bytes from `copied` to its end (as
// `from_source` gives them) hashed and written to `output`, the source
// checked to have ended where and as it was stat'ed (`before`), `output`
// given the source's time (and `mode`) and fsynced. Returns `output`'s stat.
// `chunk_fault`: a fault point after each chunk ("" for none); `written_as`
// names `output` in messages ("the copy of <dest>", or "<dest>" itself).
util::FileStat copy_rest_and_seal(const fs::path& source, const fs::path& dest, SourceBytes& from_source,
                                  detail::OsFile& input, detail::OsFile& output, util::Sha256& hash,
                                  std::uint64_t copied, const util::FileStat& before, std::optional<std::uint32_t> mode,
                                  const detail::CopyHooks& hooks, std::string_view chunk_fault,
                                  const std::string& written_as, char* buffer, std::size_t buffer_size) {
  std::error_code ec;
  while (true) {
    const auto got = from_source.next(buffer, buffer_size, copied, ec);
    if (!got) {
      throw_read_error(source, ec);
    }
    if (got->empty()) {
      break;
    }
    hash.update(got->data(), got->size());
    if (!output.write_all(got->data(), got->size(), ec)) {
      throw_write_error(dest, ec);
    }
    copied += got->size();
    if (copied > before.size) {
      throw_changed(source, dest); // it grew; no need to read the rest
    }
    if (hooks.after_chunk) {
      hooks.after_chunk(copied);
    }
    if (!chunk_fault.empty()) {
      fault_point(chunk_fault);
    }
  }
  const auto read_end = input.stat(ec);
  if (copied != before.size || !read_end || !same_content_state(before, *read_end)) {
    throw_changed(source, dest);
  }
  if (!output.set_time_and_mode(before.mtime_ns, mode, ec)) {
    throw RuntimeError("cannot set the modification time of " + written_as + ": " + ec.message() + "; run again");
  }
  if (!output.sync(ec)) {
    throw_write_error(dest, ec);
  }
  const auto written = output.stat(ec);
  if (!written) {
    throw_write_error(dest, ec);
  }
  if (written->size != copied) {
    throw RuntimeError("short write: " + std::to_string(written->size) + " of " + std::to_string(copied) +
                       " bytes reached " + written_as + "; check the disk and run again");
  }
  return *written;
}

} // namespace

namespace detail {

bool retry_transient(const std::function<bool(std::error_code&)>& attempt, std::error_code& ec) {
  auto delay = k_retry_first_delay;
  std::chrono::milliseconds waited{0};
  while (true) {
    ec.clear();
    if (attempt(ec)) {
      return true;
    }
    if (classify(ec) != ErrorKind::transient || waited >= k_retry_budget) {
      return false;
    }
    std::this_thread::sleep_for(delay);
    waited += delay;
    delay = std::min(delay * 2, k_retry_max_delay);
  }
}

FileState copy_file_atomic(const fs::path& source, const fs::path& dest, const CopyHooks& hooks,
                           const Expect& expect, std::optional<std::uint64_t> keep_prefix,
                           FolderSyncs* folders, HashResume* resume, const Preread* preread) {
  std::error_code ec;
  const auto before = stat_source(source);
  if (dest.filename().empty() || dest.filename() == "." || dest.filename() == "..") {
    throw RuntimeError("cannot copy to " + show(dest) + ": not a file path");
  }
  if (const auto existing = util::stat_no_follow(os_path(dest), ec)) {
    if (existing->type == util::FileType::directory) {
      throw RuntimeError("cannot replace " + show(dest) + ": it is a folder; move it away and run again");
    }
    if (existing->read_only) {
      throw RuntimeError("cannot replace " + show(dest) +
                         ": it is marked read-only; clear its read-only attribute and run again");
    }
  }

  OsFile input;
  const auto opened = open_as_stated(input, source, dest, before);
  auto mode = regular_file_mode(os_path(dest));
  if (!mode) {
    mode = input.mode();
  }

  Rollback rollback;
  create_missing_dirs(dest.parent_path(), rollback);
  const auto temp = create_temp(dest, rollback);
  auto& output = rollback.temp_file();

  // No bigger than the file needs (plus one byte to see it grow), and not
  // zero-filled: most agent files are far smaller than the largest chunk.
  const auto buffer_size = static_cast<std::size_t>(
      std::clamp<std::uint64_t>(before.size + 1, k_min_buffer_size, k_buffer_size));
  const auto buffer = std::make_unique_for_overwrite<char[]>(buffer_size);
  util::Sha256 hash;
  std::uint64_t copied = 0;
  if (keep_prefix) {
    // A fast-forward: the first bytes come from the destination itself, which
    // the caller verified to equal the source's; the source is read from there.
    if (expect.kind != Expect::Kind::state || expect.state.size != *keep_prefix || *keep_prefix > before.size) {
      throw RuntimeError("internal error: a fast-forward of " + show(dest) + " without its verified size");
    }
    OsFile old;
    open_source(old, dest);
    const auto old_stat = old.stat(ec);
    if (!old_stat || old_stat->size != expect.state.size || old_stat->mtime_ns != expect.state.mtime_ns) {
      throw dest_changed(dest);
    }
    // With a midstate of the old content, its bytes are not hashed again.
    const auto hashed_from = resume_hash(resume, *keep_prefix, *old_stat, hash);
    const auto kernel_copy =
      hooks.no_kernel_copy ? OsFile::KernelCopy::unsupported : output.copy_from(old, *keep_prefix, ec);
    if (kernel_copy == OsFile::KernelCopy::failed) {
      throw_write_error(dest, ec);
    }
    if (kernel_copy == OsFile::KernelCopy::changed) {
      throw dest_changed(dest);
    }
    const bool placed_by_kernel = kernel_copy == OsFile::KernelCopy::done;
    if (placed_by_kernel) {
      const auto placed = output.stat(ec);
      if (!placed || placed->size != *keep_prefix) {
        throw dest_changed(dest);
      }
      if (!old.seek(hashed_from, ec)) {
        throw_read_error(dest, ec);
      }
      if (!output.seek(*keep_prefix, ec)) {
        throw_write_error(dest, ec);
      }
    }
    // Read what is still needed of the old content: all of it to copy it, or,
    // once the kernel placed it, only what the midstate does not cover.
    for (auto at = placed_by_kernel ? hashed_from : 0; at < *keep_prefix;) {
      const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buffer_size, *keep_prefix - at));
      const auto got = old.read(buffer.get(), want, ec);
      if (!got) {
        throw_read_error(dest, ec);
      }
      if (*got == 0) {
        throw dest_changed(dest);
      }
      if (at + *got > hashed_from) {
        const auto skip = static_cast<std::size_t>(hashed_from > at ? hashed_from - at : 0);
        hash.update(buffer.get() + skip, *got - skip);
      }
      if (!placed_by_kernel && !output.write_all(buffer.get(), *got, ec)) {
        throw_write_error(dest, ec);
      }
      at += *got;
    }
    copied = *keep_prefix;
    // The old file must still be what was stat'ed: the hash stands for what
    // was read of it (or for the midstate), not for what the kernel placed.
    const auto old_end = old.stat(ec);
    if (!old_end || old_end->size != old_stat->size || old_end->mtime_ns != old_stat->mtime_ns ||
        old_end->change_ns != old_stat->change_ns || !old_end->same_file(*old_stat)) {
      throw dest_changed(dest);
    }
    old.close(ec);
    if (!input.seek(copied, ec)) {
      throw_read_error(source, ec);
    }
  }
  SourceBytes from_source(input, preread, opened);
  const auto written =
    copy_rest_and_seal(source, dest, from_source, input, output, hash, copied, before, mode, hooks, {},
                       "the new copy of " + show(dest), buffer.get(), buffer_size);
  fault_point("apply.copy.after_temp_write");
  if (!output.close(ec)) {
    throw_write_error(dest, ec);
  }
  input.close(ec);

  const auto after = util::stat_no_follow(os_path(source), ec);
  if (!after || !same_content_state(before, *after)) {
    throw_changed(source, dest);
  }
  if (resume != nullptr) {
    resume->result = hash.midstate();
    resume->result_file = FileIdentity::of(written);
  }
  const auto sha256 = hash.finish();
  fault_point("apply.copy.before_rename");

  const auto os_dest = os_path(dest);
  if (expect.kind == Expect::Kind::state) {
    const auto now = util::stat_no_follow(os_dest, ec);
    if (!now || now->type != util::FileType::regular || now->size != expect.state.size ||
        now->mtime_ns != expect.state.mtime_ns) {
      throw dest_changed(dest);
    }
  }
  const bool placed =
    expect.kind == Expect::Kind::absent
      ? retry_transient([&](std::error_code& e) { return place_new_file(temp, os_dest, e); }, ec)
      : retry_transient([&](std::error_code& e) { return replace_file(temp, os_dest, e); }, ec);
  if (!placed && expect.kind == Expect::Kind::absent && ec == std::errc::file_exists) {
    throw FailSafeError(show(dest) + " appeared while it was being copied; it was left as it is and the next "
                                     "run decides again");
  }
  if (!placed) {
    throw RuntimeError("cannot write " + show(dest) + ": " + ec.message() +
                       "; check its permissions (or close programs that hold it open) and run again");
  }
  rollback.commit();
  fault_point("apply.copy.after_rename");
  if (folders != nullptr) {
    folders->add(os_path(folder_of(dest)));
    for (const auto& dir : rollback.created_dirs()) {
      folders->add(dir.parent_path());
    }
  } else {
    sync_dir(os_path(folder_of(dest)));
    for (const auto& dir : rollback.created_dirs()) {
      sync_dir(dir.parent_path()); // make the new folder's own entry durable
    }
  }
  return FileState{written.size, written.mtime_ns, sha256};
}

namespace {

// Cuts an in-place append back to the old content unless dismissed: the
// destination is wholly old again whatever failed after the first write.
class CutBack {
public:
  CutBack(OsFile& file, std::uint64_t size, std::int64_t mtime_ns) : m_file(file), m_size(size), m_mtime_ns(mtime_ns) {}
  CutBack(const CutBack&) = delete;
  CutBack& operator=(const CutBack&) = delete;
  ~CutBack() {
    std::error_code ignored;
    undo(ignored);  // a last resort: callers undo first and report a failure
  }
  void arm() { m_armed = true; }
  void dismiss() { m_armed = false; }
  // Cuts back now (once); false and `ec` when the OS refused.
  bool undo(std::error_code& ec) {
    if (!m_armed) {
      return true;
    }
    m_armed = false;
    return m_file.truncate(m_size, ec) && m_file.set_time_and_mode(m_mtime_ns, std::nullopt, ec) && m_file.sync(ec);
  }

private:
  OsFile& m_file;
  std::uint64_t m_size;
  std::int64_t m_mtime_ns;
  bool m_armed = false;
};

// The rest of append_in_place: the tail written after the old bytes, checked,
// timed and fsynced. Throws as append_in_place says; the caller cuts back.
FileState write_tail(const fs::path& source, const fs::path& dest, std::uint64_t from, const util::FileStat& before,
                     const util::FileStat& opened, OsFile& input, OsFile& output, util::Sha256& hash,
                     const Preread* preread, const CopyHooks& hooks, CutBack& cut_back, HashResume* resume,
                     char* buffer, std::size_t buffer_size) {
  std::error_code ec;
  const auto os_dest = os_path(dest);
  SourceBytes from_source(input, preread, opened);
  const auto written = copy_rest_and_seal(source, dest, from_source, input, output, hash, from, before,
                                          std::nullopt, hooks, "apply.append.after_chunk", show(dest), buffer,
                                          buffer_size);
  // Still the file at its name (a cloud client may have put another there),
  // and the source still as read.
  const auto now = util::stat_no_follow(os_dest, ec);
  if (!now || !now->same_file(written)) {
    throw dest_changed(dest);
  }
  const auto after = util::stat_no_follow(os_path(source), ec);
  if (!after || !same_content_state(before, *after)) {
    throw_changed(source, dest);
  }
  cut_back.dismiss();
  if (!output.close(ec)) {
    throw_write_error(dest, ec);
  }
  fault_point("apply.append.done");
  if (resume != nullptr) {
    resume->result = hash.midstate();
    resume->result_file = FileIdentity::of(written);
  }
  return FileState{written.size, written.mtime_ns, hash.finish()};
}

} // namespace

std::optional<FileState> append_in_place(const fs::path& source, const fs::path& dest, std::uint64_t from,
                                         const Expect& expect, HashResume* resume, const CopyHooks& hooks,
                                         const Preread* preread, const std::function<void()>& before_writing) {
  if (expect.kind != Expect::Kind::state || expect.state.size != from) {
    throw RuntimeError("internal error: a fast-forward of " + show(dest) + " without its verified size");
  }
  std::error_code ec;
  const auto before = stat_source(source);
  if (before.size < from) {
    throw_changed(source, dest);
  }
  OsFile input;
  const auto opened = open_as_stated(input, source, dest, before);

  const auto os_dest = os_path(dest);
  const auto at_path = util::stat_no_follow(os_dest, ec);
  if (!at_path || at_path->type != util::FileType::regular || at_path->size != from ||
      at_path->mtime_ns != expect.state.mtime_ns) {
    throw dest_changed(dest);
  }
  if (at_path->read_only) {
    throw RuntimeError("cannot append to " + show(dest) +
                       ": it is marked read-only; clear its read-only attribute and run again");
  }
  OsFile output;
  if (!retry_transient([&](std::error_code& e) { return output.open_update(os_dest, e); }, ec)) {
    if (classify(ec) == ErrorKind::not_found) {
      throw dest_changed(dest);
    }
    return std::nullopt;  // not this user's to write, or held: a new file renamed over it may still be
  }
  const auto old = output.stat(ec);
  if (!old || !old->same_file(*at_path) || old->size != from || old->mtime_ns != expect.state.mtime_ns) {
    throw dest_changed(dest);
  }
  if (output.link_count() > 1) {
    return std::nullopt;  // another name shares these bytes: it must not grow with this one
  }

  const auto buffer_size =
    static_cast<std::size_t>(std::clamp<std::uint64_t>(before.size - from + 1, k_min_buffer_size, k_buffer_size));
  const auto buffer = std::make_unique_for_overwrite<char[]>(buffer_size);
  util::Sha256 hash;
  auto hashed = resume_hash(resume, from, *old, hash);
  // What the midstate does not cover of the old content is read to be hashed.
  if (hashed < from && !output.seek(hashed, ec)) {
    throw_read_error(dest, ec);
  }
  while (hashed < from) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buffer_size, from - hashed));
    const auto got = output.read(buffer.get(), want, ec);
    if (!got) {
      throw_read_error(dest, ec);
    }
    if (*got == 0) {
      throw dest_changed(dest);
    }
    hash.update(buffer.get(), *got);
    hashed += *got;
  }
  if (!output.seek(from, ec)) {
    throw_write_error(dest, ec);
  }
  if (!input.seek(from, ec)) {
    throw_read_error(source, ec);
  }

  if (before_writing) {
    before_writing();
  }
  CutBack cut_back(output, from, old->mtime_ns);
  cut_back.arm();
  try {
    return write_tail(source, dest, from, before, opened, input, output, hash, preread, hooks, cut_back, resume,
                      buffer.get(), buffer_size);
  } catch (const Error& e) {
    std::error_code undo_ec;
    if (!cut_back.undo(undo_ec)) {
      throw RuntimeError(std::string(e.what()) + "; and " + show(dest) + " could not be cut back to its old " +
                         std::to_string(from) + " bytes (" + undo_ec.message() +
                         "): the next `codexsync sync --apply` does that first");
    }
    throw;
  }
}

bool clones_beside(const fs::path& dest) {
  static std::mutex mutex;
  static std::map<std::uint64_t, bool> by_device;
  std::error_code ec;
  const auto os_dest = os_path(dest);
  const auto stat = util::stat_no_follow(os_dest, ec);
  if (!stat) {
    return false;
  }
  {
    const std::lock_guard lock(mutex);
    if (const auto found = by_device.find(stat->device); found != by_device.end()) {
      return found->second;
    }
  }
  OsFile file;
  const bool clones = file.open_read(os_dest, ec) && file.clones_into(folder_of(os_dest));
  const std::lock_guard lock(mutex);
  by_device.emplace(stat->device, clones);
  return clones;
}

void reload_fault_config() {
  const std::lock_guard lock(fault_mutex());
  load_fault_config(fault_config());
}

} // namespace detail

FolderSyncs::~FolderSyncs() { flush(); }

void FolderSyncs::add(const fs::path& dir) {
  const std::lock_guard lock(m_mutex);
  m_dirs.insert(dir);
}

void FolderSyncs::add_up_to(const fs::path& dir, const fs::path& root) {
  const auto top = detail::os_path(root).lexically_normal();
  auto at = detail::os_path(dir).lexically_normal();
  const std::lock_guard lock(m_mutex);
  while (!at.empty()) {
    m_dirs.insert(at);
    if (at == top || !util::is_same_or_inside(at, top) || at.parent_path() == at) {
      break;
    }
    at = at.parent_path();
  }
}

void FolderSyncs::flush() {
  const std::lock_guard lock(m_mutex);
  for (const auto& dir : m_dirs) {
    detail::sync_dir(dir);
  }
  m_dirs.clear();
}

FileState copy_file_atomic(const fs::path& source, const fs::path& dest, const Expect& expect,
                           FolderSyncs* folders, HashResume* resume, const Preread* preread) {
  return detail::copy_file_atomic(source, dest, detail::CopyHooks{}, expect, std::nullopt, folders, resume, preread);
}

FileState append_copy_atomic(const fs::path& source, const fs::path& dest, std::uint64_t from,
                             const Expect& expect, FolderSyncs* folders, HashResume* resume, const Preread* preread) {
  return detail::copy_file_atomic(source, dest, detail::CopyHooks{}, expect, from, folders, resume, preread);
}

std::optional<FileState> append_in_place(const fs::path& source, const fs::path& dest, std::uint64_t from,
                                         const Expect& expect, HashResume* resume, const Preread* preread,
                                         const std::function<void()>& before_writing) {
  return detail::append_in_place(source, dest, from, expect, resume, detail::CopyHooks{}, preread, before_writing);
}

AppendRepair repair_append(const fs::path& source, const fs::path& dest, std::uint64_t from, std::uint64_t new_size,
                           std::optional<std::int64_t> old_mtime_ns, std::optional<std::int64_t> new_mtime_ns) {
  using detail::OsFile;
  std::error_code ec;
  const auto os_dest = detail::os_path(dest);
  const auto at_path = util::stat_no_follow(os_dest, ec);
  if (!at_path || at_path->type != util::FileType::regular || at_path->size <= from) {
    return {};
  }
  // Exactly the length the run meant, with the time it sets after the last
  // byte: it finished (whatever the source holds by now).
  if (at_path->size == new_size && new_mtime_ns && at_path->mtime_ns == *new_mtime_ns) {
    return {AppendRepair::Outcome::complete, {}};
  }
  const auto foreign = [&](std::string why) {
    return AppendRepair{AppendRepair::Outcome::foreign,
                        show(dest) + " holds " + std::to_string(at_path->size - from) + " bytes after its first " +
                          std::to_string(from) + " (its content before an interrupted run appended to it) that " +
                          std::move(why)};
  };
  OsFile output;
  if (!detail::retry_transient([&](std::error_code& e) { return output.open_update(os_dest, e); }, ec)) {
    throw RuntimeError("cannot open " + show(dest) + " to check what an interrupted run appended to it: " +
                       ec.message() + "; check its permissions and run again");
  }
  const auto opened = output.stat(ec);
  if (!opened || !opened->same_file(*at_path) || opened->size != at_path->size) {
    throw RuntimeError(show(dest) + " changed while it was being checked; run again once nothing writes to it");
  }
  OsFile input;
  if (!input.open_read(detail::os_path(source), ec)) {
    return foreign("cannot be compared with " + show(source) + " (" + ec.message() + ")");
  }
  const auto source_stat = input.stat(ec);
  const auto compared = std::min(at_path->size, new_size);
  if (!source_stat || source_stat->size < compared) {
    return foreign("are not the start of " + show(source) + "'s tail (it is shorter now)");
  }
  const auto buffer_size = static_cast<std::size_t>(std::clamp<std::uint64_t>(compared - from, 1, k_buffer_size));
  const auto mine = std::make_unique_for_overwrite<char[]>(buffer_size);
  const auto theirs = std::make_unique_for_overwrite<char[]>(buffer_size);
  if (!output.seek(from, ec) || !input.seek(from, ec)) {
    throw_read_error(dest, ec);
  }
  for (auto at = from; at < compared;) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buffer_size, compared - at));
    const auto a = output.read(mine.get(), want, ec);
    if (!a) {
      throw_read_error(dest, ec);
    }
    const auto b = input.read(theirs.get(), *a, ec);
    if (!b) {
      throw_read_error(source, ec);
    }
    if (*a == 0 || *b != *a || std::memcmp(mine.get(), theirs.get(), *a) != 0) {
      return foreign("differ from " + show(source) + "'s bytes there (written after that run stopped, or " +
                     show(source) + " changed since)");
    }
    at += *a;
  }
  if (at_path->size >= new_size) {
    // Killed after the last byte, before the time was set: set it now.
    if (at_path->size == new_size && new_mtime_ns && !output.set_time_and_mode(*new_mtime_ns, std::nullopt, ec)) {
      throw RuntimeError("cannot set the modification time of " + show(dest) + ": " + ec.message() +
                         "; check its permissions and run again");
    }
    return {AppendRepair::Outcome::complete, {}};
  }
  const auto still = output.stat(ec);
  if (!still || still->size != at_path->size || still->mtime_ns != at_path->mtime_ns) {
    throw RuntimeError(show(dest) + " changed while it was being checked; run again once nothing writes to it");
  }
  if (!output.truncate(from, ec) ||
      (old_mtime_ns && !output.set_time_and_mode(*old_mtime_ns, std::nullopt, ec)) || !output.sync(ec)) {
    throw RuntimeError("cannot cut " + show(dest) + " back to its first " + std::to_string(from) +
                       " bytes (its content before an interrupted run appended part of a new tail): " + ec.message() +
                       "; check its permissions and run again");
  }
  return {AppendRepair::Outcome::cut_back,
          show(dest) + " was cut back to its first " + std::to_string(from) + " bytes: an interrupted run had "
            "appended " + std::to_string(at_path->size - from) + " of the " + std::to_string(new_size - from) +
            " new bytes"};
}

bool appends_in_place(const fs::path& dest, std::uint64_t from, FastForwardMode mode) {
  return from > 0 && (mode == FastForwardMode::in_place ||
                      (mode == FastForwardMode::automatic && !detail::clones_beside(dest)));
}

FastForwardDone fast_forward(const fs::path& source, const fs::path& dest, std::uint64_t from, const Expect& expect,
                             FastForwardMode mode, FolderSyncs* folders, HashResume* resume, const Preread* preread,
                             const std::function<void()>& before_writing) {
  if (appends_in_place(dest, from, mode)) {
    if (auto state = detail::append_in_place(source, dest, from, expect, resume, detail::CopyHooks{}, preread,
                                             before_writing)) {
      return {std::move(*state), true};
    }
  }
  return {append_copy_atomic(source, dest, from, expect, folders, resume, preread), false};
}

void remove_file(const fs::path& file, const fs::path& stop_at) {
  std::error_code ec;
  const auto os_file = detail::os_path(file);
  if (const auto stat = util::stat_no_follow(os_file, ec); stat && stat->type == util::FileType::directory) {
    throw RuntimeError("cannot delete " + show(file) +
                       ": it is a folder, not a file; move it away and run again");
  }
  if (!detail::retry_transient([&](std::error_code& e) { return detail::delete_file(os_file, e); }, ec) &&
      detail::classify(ec) != ErrorKind::not_found) {
    throw RuntimeError("cannot delete " + show(file) + ": " + ec.message() +
                       "; close programs that hold it open and run again");
  }
  if (stop_at.empty()) {
    return;
  }
  for (fs::path dir = file.parent_path(); !dir.empty() && dir.parent_path() != dir; dir = dir.parent_path()) {
    if (!util::is_same_or_inside(dir, stop_at) || util::is_same_path(dir, stop_at)) {
      break;
    }
    const auto os_dir = detail::os_path(dir);
    const auto stat = util::stat_no_follow(os_dir, ec);
    if (!stat || stat->type != util::FileType::directory || !detail::remove_empty_dir(os_dir, ec)) {
      break; // not empty, a link, or in use: leaving a folder is harmless
    }
  }
}

std::size_t sweep_temp_files(const std::vector<fs::path>& files, std::chrono::seconds min_age,
                             const util::Clock& clock) {
  const auto now_ns = static_cast<std::int64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(clock.now().time_since_epoch()).count());
  const auto age_ns = saturating_ns(std::max(min_age, std::chrono::seconds{0}));
  const auto cutoff_ns = now_ns < std::numeric_limits<std::int64_t>::min() + age_ns
                             ? std::numeric_limits<std::int64_t>::min()
                             : now_ns - age_ns;
  std::size_t removed = 0;
  for (const auto& file : files) {
    const auto path = detail::os_path(file);
    std::error_code ec;
    const auto stat = util::stat_no_follow(path, ec);
    if (stat && stat->type == util::FileType::regular && std::max(stat->mtime_ns, stat->change_ns) <= cutoff_ns &&
        util::is_temp_name(util::display_path(path.filename())) && detail::delete_file(path, ec)) {
      ++removed;
    }
  }
  return removed;
}

std::size_t sweep_temp_files(const fs::path& root, std::chrono::seconds min_age, const util::Clock& clock) {
  std::vector<fs::path> found;
  std::vector<fs::path> pending{detail::os_path(root)};
  while (!pending.empty()) {
    const auto dir = std::move(pending.back());
    pending.pop_back();
    std::error_code ec;
    fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      const auto& path = it->path();
      std::error_code stat_ec;
      const auto stat = util::stat_no_follow(path, stat_ec);
      if (stat && stat->type == util::FileType::directory) {
        pending.push_back(path);
      } else if (stat && util::is_temp_name(util::display_path(path.filename()))) {
        found.push_back(path);
      }
    }
  }
  return sweep_temp_files(found, min_age, clock);
}

std::optional<std::uint64_t> free_space(const fs::path& path) {
  std::error_code ec;
  fs::path at = fs::absolute(path, ec);
  if (ec) {
    at = path;
  }
  while (!at.empty()) {
    if (const auto stat = util::stat_no_follow(detail::os_path(at), ec)) {
      if (stat->type != util::FileType::directory && at.has_parent_path() && at.parent_path() != at) {
        at = at.parent_path();
      }
      return detail::free_space_of_dir(detail::os_path(at));
    }
    if (at.parent_path() == at) {
      break;
    }
    at = at.parent_path();
  }
  return std::nullopt;
}

void fault_point(std::string_view point) {
  const std::lock_guard lock(fault_mutex());
  auto& config = fault_config();
  if (!config.loaded) {
    load_fault_config(config);
  }
  if (config.point.empty() || point != config.point) {
    return;
  }
  if (++config.hits == config.fire_at) {
    util::end_process_now(k_fault_exit_code);  // as a kill: no DLL detach waiting on a copy thread's lock
  }
}

} // namespace codexsync::apply
