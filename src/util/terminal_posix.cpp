#include <codexsync/util/terminal.hpp>

#include <unistd.h>

namespace codexsync::util {

bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }

bool stdin_is_terminal() { return ::isatty(STDIN_FILENO) == 1; }

} // namespace codexsync::util
