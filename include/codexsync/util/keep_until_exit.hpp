#pragma once

#include <memory>
#include <utility>
#include <vector>

namespace codexsync::util {

// Takes `value` (moved) and never destroys it: the process ends soon after
// and the system takes the memory back at once. For the large maps of a run
// (100,000 paths): freeing them node by node was a third of a no-op sync's
// instructions. Still reachable at exit, so leak checkers do not report it.
// Not thread-safe; call it from the main thread only.
template <typename T> void keep_until_exit(T&& value) {
  static auto* const kept = new std::vector<std::shared_ptr<void>>();  // never deleted, on purpose
  kept->push_back(std::make_shared<std::decay_t<T>>(std::forward<T>(value)));
}

} // namespace codexsync::util
