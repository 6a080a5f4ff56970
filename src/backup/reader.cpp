#include "file_io.hpp"
#include "snapshot_internal.hpp"

#include <codexsync/core/error.hpp>
#include <codexsync/util/file_stat.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/sha256.hpp>

#include <zip.h>

#include <map>
#include <vector>

namespace codexsync::backup {
namespace {

namespace fs = std::filesystem;
using detail::File;
using detail::quoted;

constexpr std::uint32_t k_unix_type_mask = 0170000U;
constexpr std::uint32_t k_unix_symlink = 0120000U;
constexpr std::uint32_t k_unix_directory = 0040000U;

bool is_link(const util::FileStat& st) {
  return st.type == util::FileType::symlink || st.type == util::FileType::reparse_point;
}

} // namespace

struct SnapshotReader::Impl {
  fs::path backup_dir;
  std::string name;
  detail::Manifest manifest;
  std::map<std::string, std::size_t> by_key; // entry key -> index in manifest.entries
  fs::path root;                             // compression "none"
  zip_t* archive = nullptr;                  // compression "zip", open for reading
  std::map<std::string, zip_uint64_t> zip_index;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    if (archive != nullptr) {
      zip_discard(archive);
    }
  }

  [[noreturn]] void refuse(const std::string& why) const {
    throw FailSafeError("backup snapshot " + name + " in " + quoted(backup_dir) + " cannot be used: " + why +
                        "; pick another with `codexsync backups list`");
  }

  void load_manifest() {
    if (!detail::parse_snapshot_name(name)) {
      refuse("it is not a snapshot name (<machine>-<YYYYMMDDTHHMMSSZ>-<12 hex>)");
    }
    const auto path = backup_dir / util::path_from_utf8(name + std::string(detail::k_manifest_suffix));
    std::error_code ec;
    const auto st = util::stat_no_follow(path, ec);
    if (!st) {
      refuse("it is incomplete or missing (no manifest " + quoted(path) + ")");
    }
    if (st->type != util::FileType::regular) {
      refuse("its manifest is not a regular file");
    }
    const auto text = util::read_file(path, ec);
    if (!text) {
      refuse("its manifest cannot be read (" + ec.message() + ")");
    }
    std::string problem;
    auto parsed = detail::parse_manifest(*text, problem);
    if (!parsed) {
      refuse("its manifest is damaged: " + problem);
    }
    if (parsed->name != name) {
      refuse("its manifest names snapshot \"" + parsed->name + "\"");
    }
    if (parsed->machine != detail::parse_snapshot_name(name)->machine) {
      refuse("its manifest names machine \"" + parsed->machine + "\"");
    }
    manifest = std::move(*parsed);
    for (std::size_t i = 0; i < manifest.entries.size(); ++i) {
      const auto& entry = manifest.entries[i];
      by_key.emplace(detail::entry_key(entry.side, entry.path), i);
    }
  }

  // Walks the snapshot folder without following anything: every file must be
  // a manifest entry of the same size, every entry must be there, and nothing
  // may be a link.
  void check_folder() {
    root = backup_dir / util::path_from_utf8(name);
    std::error_code ec;
    const auto top = util::stat_no_follow(root, ec);
    if (!top || top->type != util::FileType::directory) {
      refuse(top && is_link(*top) ? "its payload folder is a link" : "its payload folder is missing");
    }
    std::vector<std::pair<fs::path, std::string>> pending{{root, ""}};
    std::size_t seen = 0;
    while (!pending.empty()) {
      const auto [dir, prefix] = pending.back();
      pending.pop_back();
      fs::directory_iterator it(dir, ec);
      for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const auto rel = prefix + util::display_path(it->path().filename());
        const auto st = util::stat_no_follow(it->path(), ec);
        if (!st) {
          break;
        }
        if (is_link(*st)) {
          refuse("its payload holds a link: " + rel);
        }
        if (st->type == util::FileType::directory) {
          pending.emplace_back(it->path(), rel + "/");
          continue;
        }
        const auto found = by_key.find(rel);
        if (st->type != util::FileType::regular || found == by_key.end()) {
          refuse("its payload holds " + rel + ", which the manifest does not list");
        }
        if (st->size != manifest.entries[found->second].size) {
          refuse("the size of " + rel + " does not match the manifest");
        }
        ++seen;
      }
      if (ec) {
        refuse("its payload cannot be listed (" + ec.message() + ")");
      }
    }
    if (seen != manifest.entries.size()) {
      refuse("its payload lacks files that the manifest lists");
    }
  }

  // Reads the archive's directory once: every entry must be a manifest entry of
  // the same size, stored once, not a link, folder or encrypted.
  void check_zip() {
    const auto path = backup_dir / util::path_from_utf8(name + std::string(detail::k_zip_suffix));
    std::error_code ec;
    const auto st = util::stat_no_follow(path, ec);
    if (!st || st->type != util::FileType::regular) {
      refuse(st && is_link(*st) ? "its archive is a link" : "its archive is missing");
    }
    int code = 0;
    archive = zip_open(util::display_path(path).c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
    if (archive == nullptr) {
      refuse("its archive cannot be opened (" + detail::zip_open_error(code) + ")");
    }
    const auto count = zip_get_num_entries(archive, 0);
    for (zip_int64_t i = 0; i < count; ++i) {
      const auto index = static_cast<zip_uint64_t>(i);
      const char* raw_name = zip_get_name(archive, index, 0);
      if (raw_name == nullptr) {
        refuse("its archive has an unreadable entry name");
      }
      const std::string entry_name = raw_name;
      zip_uint8_t opsys = 0;
      zip_uint32_t attributes = 0;
      if (zip_file_get_external_attributes(archive, index, 0, &opsys, &attributes) != 0) {
        refuse("its archive entry " + entry_name + " cannot be read");
      }
      const auto unix_type = (attributes >> 16U) & k_unix_type_mask;
      if (opsys == ZIP_OPSYS_UNIX && unix_type == k_unix_symlink) {
        refuse("its archive entry " + entry_name + " is a link");
      }
      if ((opsys == ZIP_OPSYS_UNIX && unix_type == k_unix_directory) ||
          (!entry_name.empty() && entry_name.back() == '/')) {
        refuse("its archive holds the folder entry " + entry_name);
      }
      const auto found = by_key.find(entry_name);
      if (found == by_key.end()) {
        refuse("its archive holds " + entry_name + ", which the manifest does not list");
      }
      if (!zip_index.emplace(entry_name, index).second) {
        refuse("its archive holds " + entry_name + " twice");
      }
      zip_stat_t info;
      zip_stat_init(&info);
      if (zip_stat_index(archive, index, 0, &info) != 0 || (info.valid & ZIP_STAT_SIZE) == 0 ||
          info.size != manifest.entries[found->second].size) {
        refuse("the size of " + entry_name + " does not match the manifest");
      }
      if ((info.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 && info.encryption_method != ZIP_EM_NONE) {
        refuse("its archive entry " + entry_name + " is encrypted");
      }
    }
    if (zip_index.size() != manifest.entries.size()) {
      refuse("its archive lacks files that the manifest lists");
    }
  }
};

SnapshotReader::SnapshotReader(const std::filesystem::path& backup_dir, const std::string& name)
    : m_impl(std::make_unique<Impl>()) {
  m_impl->backup_dir = backup_dir;
  m_impl->name = name;
  m_impl->load_manifest();
  if (m_impl->manifest.compression == Compression::zip) {
    m_impl->check_zip();
  } else {
    m_impl->check_folder();
  }
}

SnapshotReader::~SnapshotReader() = default;

const std::string& SnapshotReader::name() const { return m_impl->name; }

const std::vector<SnapshotEntry>& SnapshotReader::entries() const { return m_impl->manifest.entries; }

namespace {

// Closes a zip entry on every path out.
class ZipEntryReader {
public:
  explicit ZipEntryReader(zip_file_t* file) : m_file(file) {}
  ~ZipEntryReader() {
    if (m_file != nullptr) {
      zip_fclose(m_file);
    }
  }
  ZipEntryReader(const ZipEntryReader&) = delete;
  ZipEntryReader& operator=(const ZipEntryReader&) = delete;
  zip_file_t* get() const { return m_file; }

private:
  zip_file_t* m_file;
};

enum class Outcome { ok, read_error, damaged, write_error, mismatch };

} // namespace

void SnapshotReader::extract(const SnapshotEntry& entry, const std::filesystem::path& dest) const {
  const auto& impl = *m_impl;
  const auto key = detail::entry_key(entry.side, entry.path);
  const auto found = impl.by_key.find(key);
  if (found == impl.by_key.end()) {
    throw RuntimeError("backup snapshot " + impl.name + " holds no " + key);
  }
  const auto& held = impl.manifest.entries[found->second];
  std::error_code ec;
  auto out = File::create_new(dest, ec);
  if (ec) {
    throw RuntimeError("cannot create " + quoted(dest) + " to restore " + key + ": " + ec.message());
  }
  std::vector<unsigned char> buffer(detail::k_io_chunk);
  util::Sha256 hash;
  std::uint64_t bytes = 0;
  Outcome outcome = Outcome::ok;
  std::string detail_text;
  const auto take = [&](std::size_t got) {
    hash.update(buffer.data(), got);
    bytes += got;
    if (bytes > held.size) {
      outcome = Outcome::mismatch;
      return false;
    }
    out.write_all(buffer.data(), got, ec);
    if (ec) {
      outcome = Outcome::write_error;
      detail_text = ec.message();
      return false;
    }
    return true;
  };
  if (impl.archive != nullptr) {
    ZipEntryReader data(zip_fopen_index(impl.archive, impl.zip_index.at(key), 0));
    if (data.get() == nullptr) {
      outcome = Outcome::damaged;
      detail_text = zip_strerror(impl.archive);
    }
    while (outcome == Outcome::ok) {
      const auto got = zip_fread(data.get(), buffer.data(), buffer.size());
      if (got < 0) {
        const int code = zip_error_code_zip(zip_file_get_error(data.get()));
        outcome = code == ZIP_ER_READ || code == ZIP_ER_SEEK || code == ZIP_ER_MEMORY ? Outcome::read_error
                                                                                      : Outcome::damaged;
        detail_text = zip_file_strerror(data.get());
        break;
      }
      if (got == 0 || !take(static_cast<std::size_t>(got))) {
        break;
      }
    }
  } else {
    const auto source = impl.root / detail::native_relative(key);
    const auto st = util::stat_no_follow(source, ec);
    File in;
    if (!st || st->type != util::FileType::regular) {
      outcome = Outcome::damaged;
      detail_text = st ? "it is no longer a regular file" : "it is gone (" + ec.message() + ")";
    } else {
      in = File::open_read(source, ec);
      if (ec || !in.is_same_file(*st)) {
        outcome = ec ? Outcome::read_error : Outcome::damaged;
        detail_text = ec ? ec.message() : "it was replaced while it was read";
      }
    }
    while (outcome == Outcome::ok) {
      const auto got = in.read(buffer.data(), buffer.size(), ec);
      if (ec) {
        outcome = Outcome::read_error;
        detail_text = ec.message();
        break;
      }
      if (got == 0 || !take(got)) {
        break;
      }
    }
  }
  if (outcome == Outcome::ok) {
    util::set_mtime_ns(dest, held.mtime_ns, ec);
    if (!ec) {
      out.sync(ec);
    }
    if (!ec) {
      out.close(ec);
    }
    if (ec) {
      outcome = Outcome::write_error;
      detail_text = ec.message();
    }
  }
  if (outcome == Outcome::ok && (bytes != held.size || hash.finish_hex() != held.sha256)) {
    outcome = Outcome::mismatch;
  }
  if (outcome == Outcome::ok) {
    return;
  }
  std::error_code ignored;
  out.close(ignored);
  fs::remove(dest, ignored);
  const auto what = "restoring " + key + " from backup snapshot " + impl.name + " to " + quoted(dest);
  switch (outcome) {
  case Outcome::mismatch:
    throw FailSafeError(what +
                        " failed: the stored copy does not match its recorded size and sha256 (the backup "
                        "is damaged); nothing was written; pick another snapshot");
  case Outcome::damaged:
    throw FailSafeError(what + " failed: the stored copy is damaged (" + detail_text +
                        "); nothing was written; pick another snapshot");
  case Outcome::read_error:
    throw RuntimeError(what + " failed: reading the backup failed (" + detail_text + ")");
  default:
    throw RuntimeError(what + " failed: writing failed (" + detail_text +
                       "); check free space and permissions");
  }
}

} // namespace codexsync::backup
