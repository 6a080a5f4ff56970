#include <codexsync/util/terminal.hpp>

#include <io.h>
#include <stdio.h>

namespace codexsync::util {

bool stdout_is_terminal() { return _isatty(_fileno(stdout)) != 0; }

bool stdin_is_terminal() { return _isatty(_fileno(stdin)) != 0; }

} // namespace codexsync::util
