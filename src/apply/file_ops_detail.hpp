#pragma once

#include <codexsync/apply/file_ops.hpp>
#include <codexsync/core/index.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <system_error>

// Seams of apply/file_ops for its unit tests; the engine uses file_ops.hpp.
namespace codexsync::apply::detail {

struct CopyHooks {
  // Called after each chunk is written to the temp file with the bytes copied
  // so far (tests change the source here).
  std::function<void(std::uint64_t copied)> after_chunk;
  // A fast-forward copies the old content through its buffer even where the
  // kernel could place it (the path macOS and Windows take).
  bool no_kernel_copy = false;
};

// copy_file_atomic with hooks; the public one passes none. With
// `keep_prefix`, the first bytes are read from `dest` and the source from
// there on (append_copy_atomic).
FileState copy_file_atomic(const std::filesystem::path& source, const std::filesystem::path& dest,
                           const CopyHooks& hooks, const Expect& expect = {},
                           std::optional<std::uint64_t> keep_prefix = std::nullopt,
                           FolderSyncs* folders = nullptr, HashResume* resume = nullptr,
                           const Preread* preread = nullptr);

// append_in_place with hooks; the public one passes none.
std::optional<FileState> append_in_place(const std::filesystem::path& source, const std::filesystem::path& dest,
                                         std::uint64_t from, const Expect& expect, HashResume* resume,
                                         const CopyHooks& hooks, const Preread* preread = nullptr,
                                         const std::function<void()>& before_writing = {});

// Whether the file system holding `dest` (an existing file) clones blocks
// (OsFile::clones_into), asked once per volume and process.
bool clones_beside(const std::filesystem::path& dest);

// Calls `attempt` until it returns true, or fails with an error that is not
// transient (ErrorKind::transient), or about 5 s of backoff (50 ms doubling to
// 1 s) have passed. Returns the last result; `ec` holds the last error.
bool retry_transient(const std::function<bool(std::error_code&)>& attempt, std::error_code& ec);

// Re-reads CODEXSYNC_TEST_FAULT and resets the hit count (fault_point reads
// it once per process; a forked test child calls this after setenv).
void reload_fault_config();

} // namespace codexsync::apply::detail
