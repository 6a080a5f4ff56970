#pragma once

#include <codexsync/util/clock.hpp>
#include <codexsync/util/file_lock.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

// One writer per machine: an OS lock on `<temp_dir>/locks/<machine>.lock`
// (released by the OS when the holder dies, so a dead holder's lock is taken
// over by itself) and beside it `<machine>.lock.json`, who holds it.
namespace codexsync::state {

struct LockHolder {
  std::uint64_t pid = 0;
  std::string host;
  std::string started;  // UTC
  std::string command;
};

class RunLock {
public:
  // Takes the lock for `command`. Throws FailSafeError (exit 5) naming the
  // holder when another run has it, RuntimeError when the lock file cannot be
  // opened. Logs when it takes over from a holder that is gone.
  static RunLock acquire(const std::filesystem::path& temp_dir, const std::string& machine,
                         const std::string& command, const util::Clock& clock);

  RunLock(RunLock&&) noexcept = default;
  RunLock& operator=(RunLock&&) noexcept = default;

private:
  RunLock() = default;
  util::FileLock m_lock;
};

// Paths of the lock file and its holder record.
std::filesystem::path lock_file(const std::filesystem::path& temp_dir, const std::string& machine);
std::filesystem::path holder_file(const std::filesystem::path& temp_dir, const std::string& machine);

// Who last took the lock (nullopt when never, or unreadable).
std::optional<LockHolder> read_holder(const std::filesystem::path& temp_dir, const std::string& machine);

enum class LockState { free, held };

// Tries the lock without keeping it. Never throws; an unopenable lock file
// counts as free (nothing holds it).
LockState probe_lock(const std::filesystem::path& temp_dir, const std::string& machine);

// "pid 123 on laptop since 2026-11-24T10:00:00Z (sync --apply)".
std::string describe(const LockHolder& holder);

} // namespace codexsync::state
