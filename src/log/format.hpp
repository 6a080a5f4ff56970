#pragma once

#include <codexsync/log/log.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace codexsync::log::detail {

// Formats one record for a person reading stderr (no trailing newline): info
// is `msg key=value`, other levels `codexsync: warning: msg key=value`.
std::string format_stderr(Level level, std::string_view message, const std::vector<Field>& fields);

// Writes `line` and a newline straight to stderr (bypassing spdlog), for
// problems met while logging itself.
void print_to_stderr(std::string_view line);

} // namespace codexsync::log::detail
