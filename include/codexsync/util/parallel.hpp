#pragma once

#include <cstddef>
#include <functional>

// A small fixed pool for independent pieces of work (copies, file scans).
namespace codexsync::util {

// Calls `work(i)` for every i in [0, count) on up to `threads` threads (this
// one included), each taking the next i as it finishes one. When a call
// throws, no new i is started, the others finish theirs, and the first
// exception is rethrown here. threads <= 1 runs everything here, in order.
void parallel_for(std::size_t count, std::size_t threads, const std::function<void(std::size_t)>& work);

// The threads worth using for CPU-bound work: the cores, at most `cap`.
std::size_t cpu_threads(std::size_t cap);

} // namespace codexsync::util
