#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// The OS-specific pieces of util/subprocess.cpp.
namespace codexsync::util::detail {

// The exit code of a process that ended on its own, from the native status
// Boost.Process reports; nullopt when a signal ended it (POSIX).
std::optional<int> exit_code_of(int native_status);

// True when this user may run the file.
bool is_executable(const std::filesystem::path& file);

// The form of an environment variable name that decides whether two names are
// the same variable (Windows ignores case).
std::string env_key(const std::string& name);

// This process's environment as NAME=VALUE lines (UTF-8).
std::vector<std::string> current_environment();

} // namespace codexsync::util::detail
