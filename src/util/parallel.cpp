#include <codexsync/util/parallel.hpp>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace codexsync::util {

void parallel_for(std::size_t count, std::size_t threads, const std::function<void(std::size_t)>& work) {
  threads = std::min(threads, count);
  if (threads <= 1) {
    for (std::size_t i = 0; i < count; ++i) {
      work(i);
    }
    return;
  }
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex error_mutex;
  std::exception_ptr error;
  const auto run = [&] {
    try {
      for (auto i = next++; i < count && !stop; i = next++) {
        work(i);
      }
    } catch (...) {
      const std::lock_guard lock(error_mutex);
      if (!error) {
        error = std::current_exception();
      }
      stop = true;
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  try {
    for (std::size_t t = 1; t < threads; ++t) {
      pool.emplace_back(run);
    }
  } catch (...) {
    // No more threads to be had: the ones started and this one do the work.
  }
  run();
  for (auto& thread : pool) {
    thread.join();
  }
  if (error) {
    std::rethrow_exception(error);
  }
}

std::size_t cpu_threads(std::size_t cap) {
  const auto cores = static_cast<std::size_t>(std::thread::hardware_concurrency());
  return std::clamp<std::size_t>(cores, 1, std::max<std::size_t>(cap, 1));
}

} // namespace codexsync::util
