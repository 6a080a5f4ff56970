#pragma once

namespace codexsync::util {

// True when standard output is an interactive terminal (progress may be drawn).
bool stdout_is_terminal();

// True when standard input is an interactive terminal (a question can be asked).
bool stdin_is_terminal();

} // namespace codexsync::util
