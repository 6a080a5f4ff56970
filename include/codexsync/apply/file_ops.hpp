#pragma once

#include <codexsync/core/index.hpp>
#include <codexsync/util/clock.hpp>
#include <codexsync/util/file_stat.hpp>
#include <codexsync/util/sha256.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

// The only code that changes files in the agent's folder or the cloud mirror.
namespace codexsync::apply {

// Copies `source` over `dest` so that `dest` is always wholly old or wholly new:
//  1. stat the source (size, mtime, file id);
//  2. copy it to a hidden temp file beside `dest`
//     (`.<name>.codexsync-tmp-<12 hex>`), hashing in the same pass;
//  3. fsync the temp file; stat the source again: any change in size, mtime or
//     file id -> FailSafeError ("changed while being copied; run again"), temp removed;
//  4. set the temp file's mtime to the source's;
//  5. rename it over `dest` (retrying Windows sharing violations, EBUSY, EACCES
//     on Windows with bounded backoff, ~5 s in all), fsync the folder.
// Creates `dest`'s missing parent folders. Works across volumes (nothing is
// renamed between folders). Returns the state of `dest` with its sha256.
// Throws RuntimeError naming the path on I/O errors (ENOSPC, EACCES, EROFS...);
// the temp file is removed on every failure and `dest` is untouched.
//
// `expect` says what `dest` must still be right before it is replaced: when it
// differs (a version arrived or changed while copying), FailSafeError and
// `dest` is untouched; a `dest` that must be absent is placed with a rename
// that never replaces.
struct Expect {
  enum class Kind { anything, absent, state };
  Kind kind = Kind::anything;
  FileState state;  // for Kind::state: size and mtime_ns

  // Absent when `planned` is empty, else that size and mtime.
  static Expect as_planned(const std::optional<FileState>& planned) {
    return planned ? Expect{Kind::state, *planned} : Expect{Kind::absent, {}};
  }
};

// Folders whose new entries still have to reach the disk. A copy given one
// leaves its folder's fsync (and its new parents') to flush(), so a run that
// writes many files into one folder syncs that folder once instead of once per
// file. The copied file itself is always fsynced before it is renamed into
// place: until flush(), a power loss can only undo the rename (the old
// version, or no file), never leave a partial file. Callers flush before they
// record the run as done (the baseline).
class FolderSyncs {
public:
  FolderSyncs() = default;
  FolderSyncs(const FolderSyncs&) = delete;
  FolderSyncs& operator=(const FolderSyncs&) = delete;
  ~FolderSyncs();  // flushes what is left

  void add(const std::filesystem::path& dir);  // thread-safe
  // Adds `dir` and each folder above it up to and including `root`: with
  // copies running at once, a folder one copy made may hold another's file,
  // and only the one that made it knew it was new.
  void add_up_to(const std::filesystem::path& dir, const std::filesystem::path& root);
  // Syncs each folder added since the last flush, once.
  void flush();

private:
  std::mutex m_mutex;  // copies may run on several threads
  std::set<std::filesystem::path> m_dirs;
};

// Which file on disk, as it was: device, inode (file index), size, mtime.
struct FileIdentity {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileIdentity&) const = default;

  static FileIdentity of(const util::FileStat& stat) { return {stat.device, stat.inode, stat.size, stat.mtime_ns}; }
};

// The SHA-256 midstates of a copy, for files that grow (chats): with the
// midstate of `dest`'s old content a fast-forward need not read that content
// to hash the new one, and each copy hands back the midstate of what it wrote
// for the next one. Where the platform's hash cannot save a midstate
// (Windows' CNG), `result` stays empty and `from` is not used.
struct HashResume {
  std::optional<util::Sha256Midstate> from;  // of dest's current content (fast-forward only)
  FileIdentity from_file;                    // the file `from` stands for: used only while dest is that very file
  std::optional<util::Sha256Midstate> result;  // set: of the content written
  FileIdentity result_file;                    // set: the file written (dest after the rename)
  bool used_from = false;                      // set: `from` was used
};

// Bytes of the source already read (the secret guard reads every file a run
// sends, before the first write), for the copy to take instead of reading
// them again: from `offset` to the end of the file. Used only while the source
// opened for the copy is still the very file they were read from (`file`:
// device, inode, size, mtime; and `change_ns`), else the copy reads the file
// as usual.
struct Preread {
  FileIdentity file;
  std::int64_t change_ns = 0;
  std::uint64_t offset = 0;
  std::string bytes;

  bool stands_for(const util::FileStat& opened) const {
    return FileIdentity::of(opened) == file && opened.change_ns == change_ns &&
           offset + bytes.size() == opened.size;
  }
};

FileState copy_file_atomic(const std::filesystem::path& source, const std::filesystem::path& dest,
                           const Expect& expect = {}, FolderSyncs* folders = nullptr,
                           HashResume* resume = nullptr, const Preread* preread = nullptr);

// A fast-forward of an append-only file: like copy_file_atomic (a temp file,
// fsync, rename: `dest` is wholly old or wholly new), but the first `from`
// bytes are taken from `dest` itself, which the caller found to equal the
// source's first `from` bytes (by samples, or every byte with compare =
// "hash"), and only the rest is read from `source`.
// Those first bytes reach the temp file by a clone where the file system can
// (Btrfs, XFS), else an in-kernel copy, else through a buffer; with
// `resume->from` (the midstate of dest's content, which the caller vouches
// for: dest unchanged since it was taken) they are not read to be hashed
// either, when dest is still the file `resume->from_file` names. `expect`
// must be Kind::state with size `from`. Returns the new
// state with the sha256 of the whole new content.
FileState append_copy_atomic(const std::filesystem::path& source, const std::filesystem::path& dest,
                             std::uint64_t from, const Expect& expect, FolderSyncs* folders = nullptr,
                             HashResume* resume = nullptr, const Preread* preread = nullptr);

// How a fast-forward reaches the destination (config [sync] fast_forward).
//  new_file: append_copy_atomic, a new file renamed over the old one: the
//    destination is wholly old or wholly new at every moment; where the file
//    system cannot clone (ext4, NTFS, APFS for now) every old byte is copied.
//  in_place: the new tail is written after the old content in the file
//    itself (see append_in_place); only the tail is written.
//  automatic: new_file where the file system clones the old bytes for free
//    (Btrfs, XFS), else in_place.
enum class FastForwardMode { automatic, in_place, new_file };

struct FastForwardDone {
  FileState state;        // the destination's new state, with its sha256
  bool in_place = false;  // appended to the file itself (else a new file renamed over it)
};

// A fast-forward that appends in place: `dest` must still be the file
// `expect` names (Kind::state, size `from`); it is opened for writing,
// source bytes `from`.. are written after its end (hashed on the way, with
// the midstate of `resume->from` when it is of this very file, else the old
// bytes are read to be hashed), its mtime set to the source's, fsync.
// A failure on the way (no space, a read error, the source changing, `dest`
// replaced) cuts `dest` back to `from` bytes and its old mtime before it
// throws, so it is wholly old again. Only a run killed (or a power loss)
// while the tail is being written leaves `dest` longer than its old content
// and shorter than the new: the run's journal names it (append_from), and
// engine::repair_interrupted_appends cuts it back on the next run.
// A `dest` with more than one name (a hard link) is not changed in place:
// nullopt, and the caller copies to a new file instead.
// `before_writing` is called once right before the first byte is written
// (the engine notes the file in the run's journal then: only such files are
// ever cut back by the next run). Returns nullopt, having written nothing,
// when `dest` has a second name or cannot be opened for writing (not this
// user's to write, held by another program): the caller copies to a new
// file instead. A failure to cut back is reported in the error thrown (the
// next run's repair cuts back then).
std::optional<FileState> append_in_place(const std::filesystem::path& source, const std::filesystem::path& dest,
                                         std::uint64_t from, const Expect& expect, HashResume* resume = nullptr,
                                         const Preread* preread = nullptr,
                                         const std::function<void()>& before_writing = {});

// Whether fast_forward in `mode` appends to `dest` (an existing file) in
// place: never from 0 bytes (that is a whole copy); `automatic` where the
// file system cannot clone.
bool appends_in_place(const std::filesystem::path& dest, std::uint64_t from, FastForwardMode mode);

// A fast-forward in `mode`: append_in_place or append_copy_atomic.
FastForwardDone fast_forward(const std::filesystem::path& source, const std::filesystem::path& dest,
                             std::uint64_t from, const Expect& expect, FastForwardMode mode,
                             FolderSyncs* folders = nullptr, HashResume* resume = nullptr,
                             const Preread* preread = nullptr, const std::function<void()>& before_writing = {});

// What an interrupted in-place append left at `dest`, and what was done:
//  untouched: `dest` holds no byte after `from` (or is gone): nothing to do;
//  complete: it holds the whole tail the run meant (its first `new_size`
//    bytes' tail equal the source's; or, the source gone or changed, exactly
//    `new_size` bytes with `new_mtime_ns`), perhaps more written since: kept,
//    its mtime set to `new_mtime_ns` when it is exactly that long (a kill
//    between the last byte and the time);
//  cut_back: it held part of the tail, byte for byte the source's: cut back
//    to `from` bytes and `old_mtime_ns`: wholly old again;
//  foreign: bytes after `from` that are not the source's (written after the
//    run died, or the source changed since): nothing was changed, a person
//    must look (`note` says what is where).
struct AppendRepair {
  enum class Outcome { untouched, complete, cut_back, foreign };
  Outcome outcome = Outcome::untouched;
  std::string note;
};
AppendRepair repair_append(const std::filesystem::path& source, const std::filesystem::path& dest,
                           std::uint64_t from, std::uint64_t new_size, std::optional<std::int64_t> old_mtime_ns,
                           std::optional<std::int64_t> new_mtime_ns = std::nullopt);

// Removes `file` (retrying transient errors), then removes the parent folders
// it leaves empty, up to but not including `stop_at`. A file already gone is
// fine. Throws RuntimeError naming the path on failure.
void remove_file(const std::filesystem::path& file, const std::filesystem::path& stop_at);

// Deletes codexsync temp files (see copy_file_atomic) older than `min_age`
// below `root`, without following links. Never touches any other name.
// Returns how many were removed; errors are skipped.
std::size_t sweep_temp_files(const std::filesystem::path& root, std::chrono::seconds min_age,
                             const util::Clock& clock = util::system_clock());

// The same for a list of candidate files (e.g. the temp files a scan found),
// without walking any folder: those that are codexsync temp files older than
// `min_age` are deleted.
std::size_t sweep_temp_files(const std::vector<std::filesystem::path>& files, std::chrono::seconds min_age,
                             const util::Clock& clock);

// Free bytes available to this user on the volume holding `path` (or its
// nearest existing parent); nullopt when the OS will not say.
std::optional<std::uint64_t> free_space(const std::filesystem::path& path);

// Test-only fault injection. When the environment variable
// CODEXSYNC_TEST_FAULT equals `point` (or `point:N`, the N-th time it is
// reached, 1-based), the process dies on the spot (util::end_process_now(86)), as a kill
// would. Harmless when unset. Points used by the engine are documented in
// docs/architecture.md.
void fault_point(std::string_view point);

} // namespace codexsync::apply
