#include <codexsync/core/error.hpp>

namespace codexsync {
namespace {

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) {
    if (!out.empty()) {
      out += '\n';
    }
    out += line;
  }
  return out;
}

} // namespace

ConfigError::ConfigError(std::vector<std::string> problems)
  : Error(ExitCode::invalid_config, join_lines(problems)), m_problems(std::move(problems)) {}

} // namespace codexsync
