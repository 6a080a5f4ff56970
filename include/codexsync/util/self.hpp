#pragma once

#include <filesystem>
#include <optional>

// Facts about this process that the OS knows and the environment does not.
namespace codexsync::util {

// The absolute path of the running program (links resolved); nullopt when the
// OS will not tell.
std::optional<std::filesystem::path> current_executable();

// The numeric user id on POSIX (launchd's gui/<uid> domain); nullopt on Windows.
std::optional<unsigned long> current_user_id();

// Ends this process at once with `exit_code`, as a kill would: no exit
// handlers, no stream flush, no DLL detach (POSIX _exit; Windows
// TerminateProcess, since ExitProcess from one thread runs the DLLs' detach
// code, which can wait for ever on a lock another thread held when stopped).
[[noreturn]] void end_process_now(int exit_code);

} // namespace codexsync::util
