#pragma once

#include <codexsync/commands/command.hpp>

#include <string>

namespace codexsync::commands {

// One line about this OS's scheduled sync for `status`, read from the task's
// file (no scheduler tool is run): "installed: sync --apply every 30m, and
// after sign-in" or "not installed (...)". Never throws.
std::string scheduled_task_summary(const Context& ctx);

} // namespace codexsync::commands
