#pragma once

#include <codexsync/commands/command.hpp>

#include <memory>
#include <vector>

namespace codexsync::cli {

// Every command, in the order `codexsync --help` lists them.
std::vector<std::unique_ptr<commands::Command>> command_table();

} // namespace codexsync::cli
