#include "file_io.hpp"
#include "snapshot_internal.hpp"

#include <codexsync/core/error.hpp>
#include <codexsync/util/file_stat.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/sha256.hpp>

#include <nlohmann/json.hpp>
#include <zip.h>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

namespace codexsync::backup {
namespace {

namespace fs = std::filesystem;
using detail::File;
using detail::quoted;

std::string label_of(Side side, const std::string& path) { return std::string(side_name(side)) + ":" + path; }

[[noreturn]] void fail(const std::string& label, const fs::path& file, const std::string& why) {
  throw FailSafeError("cannot back up " + label + " (" + quoted(file) + "): " + why +
                      "; it was left untouched; run again once the file is readable and stable");
}

// Same size, mtime and file on disk as before it was read.
bool unchanged(const util::FileStat& before, const util::FileStat& after) {
  return after.type == before.type && after.size == before.size && after.mtime_ns == before.mtime_ns &&
         after.same_file(before);
}

// Returns the stat of a source that must be a regular file; throws FailSafeError otherwise.
util::FileStat stat_source(const std::string& label, const fs::path& file) {
  std::error_code ec;
  const auto st = util::stat_no_follow(file, ec);
  if (!st) {
    if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory) {
      fail(label, file, "it no longer exists");
    }
    fail(label, file, "it cannot be read (" + ec.message() + ")");
  }
  if (st->type != util::FileType::regular) {
    fail(label, file, "it is not a regular file (a link, junction or folder is never backed up)");
  }
  return *st;
}

// Throws FailSafeError unless `file` still has the stat it had before it was read.
void require_unchanged(const std::string& label, const fs::path& file, const util::FileStat& before) {
  std::error_code ec;
  const auto after = util::stat_no_follow(file, ec);
  if (!after || !unchanged(before, *after)) {
    fail(label, file, "it changed while it was being backed up");
  }
}

struct Digest {
  std::uint64_t bytes = 0;
  std::string sha256;
};

// Reads `in` to the end, hashing, and writes every chunk to `out` when given.
// Sets `read_ec` / `write_ec` on the first error.
Digest pump(File& in, File* out, std::error_code& read_ec, std::error_code& write_ec) {
  std::vector<unsigned char> buffer(detail::k_io_chunk);
  util::Sha256 hash;
  Digest digest;
  for (;;) {
    const auto got = in.read(buffer.data(), buffer.size(), read_ec);
    if (read_ec || got == 0) {
      break;
    }
    hash.update(buffer.data(), got);
    digest.bytes += got;
    if (out != nullptr) {
      out->write_all(buffer.data(), got, write_ec);
      if (write_ec) {
        break;
      }
    }
  }
  digest.sha256 = hash.finish_hex();
  return digest;
}

// Reads and hashes a source once; throws FailSafeError on a read error or when
// it changed meanwhile.
Digest hash_source(const std::string& label, const fs::path& file, const util::FileStat& before) {
  std::error_code ec;
  auto in = File::open_read(file, ec);
  if (ec) {
    fail(label, file, "it cannot be opened (" + ec.message() + ")");
  }
  if (!in.is_same_file(before)) {
    fail(label, file, "it was replaced while it was being backed up");
  }
  std::error_code unused;
  auto digest = pump(in, nullptr, ec, unused);
  if (ec) {
    fail(label, file, "reading it failed (" + ec.message() + ")");
  }
  if (digest.bytes != before.size) {
    fail(label, file, "it changed while it was being backed up");
  }
  require_unchanged(label, file, before);
  return digest;
}

// Removes a half-written copy unless disarmed.
class RemoveOnFailure {
public:
  explicit RemoveOnFailure(fs::path path) : m_path(std::move(path)) {}
  ~RemoveOnFailure() {
    if (m_armed) {
      std::error_code ec;
      fs::remove(m_path, ec);
    }
  }
  RemoveOnFailure(const RemoveOnFailure&) = delete;
  RemoveOnFailure& operator=(const RemoveOnFailure&) = delete;
  void disarm() { m_armed = false; }

private:
  fs::path m_path;
  bool m_armed = true;
};

// Copies `source` to the new file `dest` in one read, hashing on the way; flushes
// the copy, drops it from the cache and hashes it once more from the device.
Digest copy_verified(const std::string& label, const fs::path& source, const fs::path& dest,
                     const util::FileStat& before) {
  std::error_code ec;
  auto in = File::open_read(source, ec);
  if (ec) {
    fail(label, source, "it cannot be opened (" + ec.message() + ")");
  }
  if (!in.is_same_file(before)) {
    fail(label, source, "it was replaced while it was being backed up");
  }
  auto out = File::create_new(dest, ec);
  if (ec) {
    fail(label, source, "the copy " + quoted(dest) + " cannot be created (" + ec.message() + ")");
  }
  RemoveOnFailure cleanup(dest);
  std::error_code write_ec;
  auto digest = pump(in, &out, ec, write_ec);
  if (ec) {
    fail(label, source, "reading it failed (" + ec.message() + ")");
  }
  if (write_ec) {
    fail(label, source, "writing the copy " + quoted(dest) + " failed (" + write_ec.message() + ")");
  }
  if (digest.bytes != before.size) {
    fail(label, source, "it changed while it was being backed up");
  }
  require_unchanged(label, source, before);
  util::set_mtime_ns(dest, before.mtime_ns, ec);
  if (!ec) {
    out.sync(ec);
  }
  if (!ec) {
    out.drop_cache();
    out.close(ec);
  }
  if (ec) {
    fail(label, source, "the copy " + quoted(dest) + " could not be flushed to disk (" + ec.message() + ")");
  }
  auto check = File::open_read(dest, ec);
  Digest stored;
  if (!ec) {
    stored = pump(check, nullptr, ec, write_ec);
  }
  if (ec || stored.bytes != digest.bytes || stored.sha256 != digest.sha256) {
    fail(label, source, "the copy " + quoted(dest) + " does not read back as written");
  }
  cleanup.disarm();
  return digest;
}

// One zip entry's data. libzip reads it only at zip_close, through
// zip_input_callback, which hashes what it hands over and fails the close when
// the bytes differ from those hashed at add().
struct ZipInput {
  fs::path source;
  std::string label;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::string sha256;

  File file;
  std::unique_ptr<util::Sha256> hash;
  std::uint64_t bytes = 0;
  zip_error_t error{};
  std::string problem;

  ZipInput() { zip_error_init(&error); }
  ~ZipInput() { zip_error_fini(&error); }
  ZipInput(const ZipInput&) = delete;
  ZipInput& operator=(const ZipInput&) = delete;

  zip_int64_t refuse(int zip_code, int system_code, std::string why) {
    problem = std::move(why);
    zip_error_set(&error, zip_code, system_code);
    return -1;
  }
};

constexpr std::int64_t k_ns_per_second = 1'000'000'000;

zip_int64_t zip_input_read(ZipInput& in, void* data, zip_uint64_t length) {
  if (!in.hash || length == 0) {
    return 0;
  }
  std::error_code ec;
  const auto want = static_cast<std::size_t>(std::min<zip_uint64_t>(length, detail::k_io_chunk));
  const auto got = in.file.read(data, want, ec);
  if (ec) {
    return in.refuse(ZIP_ER_READ, ec.value(), "reading it failed (" + ec.message() + ")");
  }
  if (got == 0) {
    const auto sha = in.hash->finish_hex();
    in.hash.reset();
    if (in.bytes != in.size || sha != in.sha256) {
      return in.refuse(ZIP_ER_INCONS, 0, "it changed after add() and before the snapshot was committed");
    }
    return 0;
  }
  in.bytes += got;
  if (in.bytes > in.size) {
    return in.refuse(ZIP_ER_INCONS, 0, "it grew after add() and before the snapshot was committed");
  }
  in.hash->update(data, got);
  return static_cast<zip_int64_t>(got);
}

zip_int64_t zip_input_callback(void* userdata, void* data, zip_uint64_t length, zip_source_cmd_t command) {
  auto& in = *static_cast<ZipInput*>(userdata);
  try {
    switch (command) {
    case ZIP_SOURCE_OPEN: {
      std::error_code ec;
      const auto st = util::stat_no_follow(in.source, ec);
      if (!st || st->type != util::FileType::regular) {
        return in.refuse(ZIP_ER_OPEN, 0, "it is gone or no longer a regular file");
      }
      in.file = File::open_read(in.source, ec);
      if (ec) {
        return in.refuse(ZIP_ER_OPEN, ec.value(), "it cannot be opened any more (" + ec.message() + ")");
      }
      if (!in.file.is_same_file(*st)) {
        return in.refuse(ZIP_ER_OPEN, 0, "it was replaced while it was being backed up");
      }
      in.hash = std::make_unique<util::Sha256>();
      in.bytes = 0;
      return 0;
    }
    case ZIP_SOURCE_READ:
      return zip_input_read(in, data, length);
    case ZIP_SOURCE_CLOSE: {
      std::error_code ec;
      in.file.close(ec);
      in.hash.reset();
      return 0;
    }
    case ZIP_SOURCE_STAT: {
      if (length < sizeof(zip_stat_t)) {
        return in.refuse(ZIP_ER_INVAL, 0, "libzip asked for a stat with a short buffer");
      }
      auto* st = static_cast<zip_stat_t*>(data);
      zip_stat_init(st);
      st->size = in.size;
      auto seconds = in.mtime_ns / k_ns_per_second;
      if (in.mtime_ns % k_ns_per_second < 0) {
        --seconds;
      }
      st->mtime = static_cast<time_t>(seconds);
      st->valid |= ZIP_STAT_SIZE | ZIP_STAT_MTIME;
      return static_cast<zip_int64_t>(sizeof(zip_stat_t));
    }
    case ZIP_SOURCE_ERROR:
      return zip_error_to_data(&in.error, data, length);
    case ZIP_SOURCE_FREE:
      return 0;
    case ZIP_SOURCE_SUPPORTS:
      return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                            ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
    default:
      zip_error_set(&in.error, ZIP_ER_OPNOTSUPP, 0);
      return -1;
    }
  } catch (const std::exception& e) {
    return in.refuse(ZIP_ER_INTERNAL, 0, e.what());
  }
}

} // namespace

std::string detail::zip_open_error(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

struct SnapshotWriter::Impl {
  enum class State { open, committed, broken };

  fs::path backup_dir;
  std::string machine;
  Compression compression = Compression::none;
  std::string created;
  std::string name;
  State state = State::open;
  bool started = false;
  std::vector<SnapshotEntry> entries;
  std::map<std::string, std::size_t> by_key;

  // compression "none"
  fs::path root;
  std::set<fs::path> dirs; // folders to flush at commit

  // compression "zip"; the inputs outlive the archive that reads them
  std::vector<std::unique_ptr<ZipInput>> inputs;
  zip_t* archive = nullptr;
  fs::path zip_temp;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    if (archive != nullptr) {
      zip_discard(archive);
    }
  }

  [[noreturn]] void fail_snapshot(const std::string& why) {
    state = State::broken;
    throw FailSafeError("backup snapshot " + name + " in " + quoted(backup_dir) + " failed: " + why +
                        "; nothing was overwritten or deleted; fix the cause and run again");
  }

  void start(const std::string& label, const fs::path& file) {
    if (started) {
      return;
    }
    std::error_code ec;
    fs::create_directories(backup_dir, ec);
    if (ec) {
      fail(label, file,
           "the backup folder " + quoted(backup_dir) + " cannot be created (" + ec.message() + ")");
    }
    if (compression == Compression::none) {
      root = backup_dir / util::path_from_utf8(name);
      if (!fs::create_directory(root, ec) || ec) {
        fail(label, file,
             "the snapshot folder " + quoted(root) + " cannot be created" +
                 (ec ? " (" + ec.message() + ")" : " (it exists)"));
      }
      dirs.insert(backup_dir);
      dirs.insert(root);
    } else {
      zip_temp = backup_dir / util::path_from_utf8("." + name + ".zip.tmp-" + util::random_hex(6));
      int code = 0;
      archive = zip_open(util::display_path(zip_temp).c_str(), ZIP_CREATE | ZIP_EXCL, &code);
      if (archive == nullptr) {
        fail(label, file,
             "the archive " + quoted(zip_temp) + " cannot be created (" + detail::zip_open_error(code) + ")");
      }
    }
    started = true;
  }

  SnapshotEntry add_copy(Side side, const std::string& path, const std::string& label, const fs::path& file,
                         const util::FileStat& before) {
    const auto dest = root / detail::native_relative(detail::entry_key(side, path));
    std::error_code ec;
    fs::create_directories(dest.parent_path(), ec);
    if (ec) {
      fail(label, file,
           "the folder " + quoted(dest.parent_path()) + " cannot be created (" + ec.message() + ")");
    }
    for (auto dir = dest.parent_path(); dir != root && dir.has_relative_path(); dir = dir.parent_path()) {
      dirs.insert(dir);
    }
    const auto digest = copy_verified(label, file, dest, before);
    return SnapshotEntry{side, path, digest.bytes, before.mtime_ns, digest.sha256};
  }

  SnapshotEntry add_to_zip(Side side, const std::string& path, const std::string& label, const fs::path& file,
                           const util::FileStat& before) {
    const auto digest = hash_source(label, file, before);
    auto input = std::make_unique<ZipInput>();
    input->source = file;
    input->label = label;
    input->size = digest.bytes;
    input->mtime_ns = before.mtime_ns;
    input->sha256 = digest.sha256;
    zip_source_t* source = zip_source_function(archive, zip_input_callback, input.get());
    if (source == nullptr) {
      fail(label, file, std::string("libzip refused the entry (") + zip_strerror(archive) + ")");
    }
    const auto key = detail::entry_key(side, path);
    const zip_int64_t index = zip_file_add(archive, key.c_str(), source, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(source);
      fail(label, file, std::string("libzip refused the entry (") + zip_strerror(archive) + ")");
    }
    inputs.push_back(std::move(input));
    const auto at = static_cast<zip_uint64_t>(index);
    if (zip_set_file_compression(archive, at, ZIP_CM_DEFLATE, 0) != 0 ||
        zip_file_set_external_attributes(archive, at, 0, ZIP_OPSYS_UNIX, 0100644U << 16U) != 0) {
      fail_snapshot("libzip could not set up the entry " + key + " (" + zip_strerror(archive) + ")");
    }
    return SnapshotEntry{side, path, digest.bytes, before.mtime_ns, digest.sha256};
  }

  // The same side:path a second time: fine when its content is still what the
  // snapshot holds (the first copy is the one a rollback needs).
  SnapshotEntry add_again(const SnapshotEntry& held, const std::string& label, const fs::path& file) {
    const auto before = stat_source(label, file);
    const auto digest = hash_source(label, file, before);
    if (digest.bytes != held.size || digest.sha256 != held.sha256) {
      fail(label, file, "this snapshot already holds a different version of it");
    }
    return held;
  }

  void commit_copies() {
    std::error_code ec;
    for (const auto& entry : entries) {
      const auto copy = root / detail::native_relative(detail::entry_key(entry.side, entry.path));
      const auto st = util::stat_no_follow(copy, ec);
      if (!st || st->type != util::FileType::regular || st->size != entry.size) {
        fail_snapshot("the copy " + quoted(copy) + " is missing or changed before the commit");
      }
    }
    // Deepest folders first, so every new name is on disk before its parent's.
    std::vector<fs::path> ordered(dirs.begin(), dirs.end());
    std::sort(ordered.begin(), ordered.end(),
              [](const fs::path& a, const fs::path& b) { return a.native().size() > b.native().size(); });
    for (const auto& dir : ordered) {
      detail::sync_dir(dir);
    }
  }

  // The label of the first input libzip refused, with why.
  std::string zip_failure() const {
    for (const auto& input : inputs) {
      if (!input->problem.empty()) {
        return "cannot back up " + input->label + " (" + quoted(input->source) + "): " + input->problem;
      }
    }
    return {};
  }

  void commit_zip() {
    if (zip_close(archive) != 0) {
      auto why = zip_failure();
      if (why.empty()) {
        why = std::string("writing the archive failed (") + zip_strerror(archive) + ")";
      }
      zip_discard(archive);
      archive = nullptr;
      std::error_code ec;
      fs::remove(zip_temp, ec);
      fail_snapshot(why);
    }
    archive = nullptr;
    inputs.clear();
    RemoveOnFailure cleanup(zip_temp);
    std::error_code ec;
    // Owner-only, like the copies in folder mode (libzip follows the umask).
    fs::permissions(zip_temp, fs::perms::owner_read | fs::perms::owner_write, ec);
    {
      auto file = File::open_read(zip_temp, ec);
      if (!ec) {
        file.sync(ec);
      }
      if (!ec) {
        file.drop_cache();
        file.close(ec);
      }
    }
    if (ec) {
      fail_snapshot("the archive " + quoted(zip_temp) + " could not be flushed to disk (" + ec.message() +
                    ")");
    }
    verify_zip();
    const auto final_path = backup_dir / util::path_from_utf8(name + std::string(detail::k_zip_suffix));
    if (fs::exists(fs::symlink_status(final_path, ec))) {
      fail_snapshot(quoted(final_path) + " already exists");
    }
    fs::rename(zip_temp, final_path, ec);
    if (ec) {
      fail_snapshot("the archive could not be renamed to " + quoted(final_path) + " (" + ec.message() + ")");
    }
    cleanup.disarm();
    detail::sync_dir(backup_dir);
  }

  // Opens the written archive once and hashes every entry against the hash
  // taken at add().
  void verify_zip() {
    int code = 0;
    zip_t* written = zip_open(util::display_path(zip_temp).c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
    if (written == nullptr) {
      fail_snapshot("the written archive cannot be opened again (" + detail::zip_open_error(code) + ")");
    }
    std::string problem;
    if (zip_get_num_entries(written, 0) != static_cast<zip_int64_t>(entries.size())) {
      problem = "the written archive does not hold every entry";
    }
    std::vector<unsigned char> buffer(detail::k_io_chunk);
    for (std::size_t i = 0; problem.empty() && i < entries.size(); ++i) {
      const auto& entry = entries[i];
      const auto key = detail::entry_key(entry.side, entry.path);
      const char* stored_name = zip_get_name(written, i, 0);
      zip_file_t* data =
          stored_name != nullptr && key == stored_name ? zip_fopen_index(written, i, 0) : nullptr;
      if (data == nullptr) {
        problem = "the written archive has no readable entry " + key;
        break;
      }
      util::Sha256 hash;
      std::uint64_t bytes = 0;
      zip_int64_t got = 0;
      while ((got = zip_fread(data, buffer.data(), buffer.size())) > 0) {
        hash.update(buffer.data(), static_cast<std::size_t>(got));
        bytes += static_cast<std::uint64_t>(got);
      }
      zip_fclose(data);
      if (got < 0 || bytes != entry.size || hash.finish_hex() != entry.sha256) {
        problem = "the entry " + key + " does not read back as its source was hashed";
      }
    }
    zip_discard(written);
    if (!problem.empty()) {
      fail_snapshot(problem);
    }
  }

  void write_manifest() {
    std::string text;
    try {
      text = detail::manifest_to_json({name, machine, created, compression, entries});
    } catch (const nlohmann::json::exception& e) {
      fail_snapshot(std::string("the manifest cannot be written as JSON (") + e.what() + ")");
    }
    const auto path = backup_dir / util::path_from_utf8(name + std::string(detail::k_manifest_suffix));
    std::error_code ec;
    util::write_file_atomic(path, text, ec);
    if (ec) {
      fail_snapshot("the manifest " + quoted(path) + " cannot be written (" + ec.message() + ")");
    }
  }
};

SnapshotWriter::SnapshotWriter(std::filesystem::path backup_dir, std::string machine, Compression compression,
                               const util::Clock& clock)
    : m_impl(std::make_unique<Impl>()) {
  if (!detail::is_valid_machine(machine)) {
    throw RuntimeError("the machine id \"" + machine +
                       "\" cannot be used in a snapshot name; use letters, digits, '.', '_' and '-'");
  }
  const auto now = clock.now();
  m_impl->backup_dir = std::move(backup_dir);
  m_impl->compression = compression;
  m_impl->created = util::utc_timestamp(now);
  m_impl->name = snapshot_name(machine, now, util::random_hex(6));
  m_impl->machine = std::move(machine);
}

SnapshotWriter::~SnapshotWriter() = default;

const std::string& SnapshotWriter::name() const { return m_impl->name; }

bool SnapshotWriter::empty() const { return m_impl->entries.empty(); }

SnapshotEntry SnapshotWriter::add(Side side, const std::string& path, const std::filesystem::path& file) {
  auto& impl = *m_impl;
  if (impl.state == Impl::State::committed) {
    throw RuntimeError("backup snapshot " + impl.name + " is already committed; start a new snapshot");
  }
  if (impl.state == Impl::State::broken) {
    throw FailSafeError("backup snapshot " + impl.name + " failed earlier; start a new snapshot");
  }
  const auto label = label_of(side, path);
  if (const auto why = detail::entry_path_problem(path); !why.empty()) {
    fail(label, file, "its path has " + why);
  }
  const auto key = detail::entry_key(side, path);
  if (const auto it = impl.by_key.find(key); it != impl.by_key.end()) {
    return impl.add_again(impl.entries[it->second], label, file);
  }
  const auto before = stat_source(label, file);
  impl.start(label, file);
  auto entry = impl.compression == Compression::zip ? impl.add_to_zip(side, path, label, file, before)
                                                    : impl.add_copy(side, path, label, file, before);
  impl.by_key.emplace(key, impl.entries.size());
  impl.entries.push_back(entry);
  return entry;
}

void SnapshotWriter::commit() {
  auto& impl = *m_impl;
  if (impl.state == Impl::State::committed) {
    return;
  }
  if (impl.state == Impl::State::broken) {
    throw FailSafeError("backup snapshot " + impl.name + " failed earlier; start a new snapshot");
  }
  if (impl.entries.empty()) {
    impl.state = Impl::State::committed;
    return;
  }
  try {
    if (impl.compression == Compression::zip) {
      impl.commit_zip();
    } else {
      impl.commit_copies();
    }
    impl.write_manifest();
  } catch (...) {
    impl.state = Impl::State::broken;
    throw;
  }
  impl.state = Impl::State::committed;
}

} // namespace codexsync::backup
