#pragma once

#include <cstdint>

namespace codexsync::util {

// True when a process with this id exists on this machine (it may belong to
// another user); false when it is gone.
bool process_alive(std::uint64_t pid);

} // namespace codexsync::util
