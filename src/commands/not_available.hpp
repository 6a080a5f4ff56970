#pragma once

#include <codexsync/core/error.hpp>

#include <string_view>

namespace codexsync::commands {

// Ends a command whose machinery has not landed yet: exit 1 with a plain
// statement, never a pretend result. Nothing is read or written.
[[noreturn]] void not_available(std::string_view command, std::string_view machinery);

} // namespace codexsync::commands
