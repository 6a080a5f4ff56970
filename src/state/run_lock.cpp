#include <codexsync/core/error.hpp>
#include <codexsync/log/log.hpp>
#include <codexsync/state/run_lock.hpp>
#include <codexsync/util/environment.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/process_alive.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#ifdef _WIN32
#include <process.h>
#else
#include <unistd.h>
#endif

namespace codexsync::state {
namespace fs = std::filesystem;

namespace {

std::uint64_t own_pid() {
#ifdef _WIN32
  return static_cast<std::uint64_t>(_getpid());
#else
  return static_cast<std::uint64_t>(::getpid());
#endif
}

} // namespace

fs::path lock_file(const fs::path& temp_dir, const std::string& machine) {
  return temp_dir / "locks" / (machine + ".lock");
}

fs::path holder_file(const fs::path& temp_dir, const std::string& machine) {
  return temp_dir / "locks" / (machine + ".lock.json");
}

std::string describe(const LockHolder& holder) {
  return fmt::format("pid {} on {} since {} ({})", holder.pid, holder.host.empty() ? "?" : holder.host,
                     holder.started.empty() ? "?" : holder.started, holder.command.empty() ? "?" : holder.command);
}

std::optional<LockHolder> read_holder(const fs::path& temp_dir, const std::string& machine) {
  std::error_code ec;
  const auto text = util::read_file(holder_file(temp_dir, machine), ec);
  if (!text) {
    return std::nullopt;
  }
  try {
    const auto j = nlohmann::json::parse(*text);
    return LockHolder{j.value("pid", std::uint64_t{0}), j.value("host", ""), j.value("started", ""),
                      j.value("command", "")};
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

LockState probe_lock(const fs::path& temp_dir, const std::string& machine) {
  util::FileLock lock;
  std::error_code ec;
  const auto path = lock_file(temp_dir, machine);
  if (!fs::exists(path, ec)) {
    return LockState::free;
  }
  if (lock.acquire(path, util::LockWait::try_once, ec) || ec) {
    return LockState::free;
  }
  return LockState::held;
}

RunLock RunLock::acquire(const fs::path& temp_dir, const std::string& machine, const std::string& command,
                         const util::Clock& clock) {
  const auto path = lock_file(temp_dir, machine);
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  RunLock run_lock;
  if (!run_lock.m_lock.acquire(path, util::LockWait::try_once, ec)) {
    if (ec) {
      throw RuntimeError(fmt::format("cannot open the lock file {} ({}); check the permissions of temp_dir",
                                     util::display_path(path), ec.message()));
    }
    const auto holder = read_holder(temp_dir, machine);
    throw FailSafeError(fmt::format("another codexsync run on this machine holds {} ({}); nothing was "
                                    "written. Wait for it to finish and run again. If no such run exists, "
                                    "`codexsync unlock --stale` clears the lock",
                                    util::display_path(path), holder ? describe(*holder) : "holder unknown"));
  }
  // The OS released the previous holder's lock; say so when it did not finish.
  if (const auto previous = read_holder(temp_dir, machine);
      previous && previous->pid != 0 && previous->host == util::host_name() && previous->pid != own_pid() &&
      !util::process_alive(previous->pid)) {
    log::info("took over the lock of a run that ended without releasing it",
              {{"previous", describe(*previous)}});
  }
  const LockHolder me{own_pid(), util::host_name(), util::utc_timestamp(clock.now()), command};
  const nlohmann::json record{{"pid", me.pid}, {"host", me.host}, {"started", me.started}, {"command", me.command}};
  util::write_file_atomic(holder_file(temp_dir, machine), record.dump(), ec);
  if (ec) {
    log::warn(fmt::format("could not record the lock holder: {}", ec.message()));
  }
  return run_lock;
}

} // namespace codexsync::state
