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

} // namespace codexsync::util
