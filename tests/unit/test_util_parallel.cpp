#include "support/catch.hpp"

#include <codexsync/util/parallel.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

using codexsync::util::parallel_for;

TEST_CASE("parallel_for runs every index once, on several threads", "[util]") {
  std::vector<std::atomic<int>> seen(500);
  std::mutex mutex;
  std::set<std::thread::id> threads;
  parallel_for(seen.size(), 4, [&](std::size_t i) {
    seen[i] += 1;
    const std::lock_guard lock(mutex);
    threads.insert(std::this_thread::get_id());
    std::this_thread::yield();
  });
  for (const auto& count : seen) {
    CHECK(count == 1);
  }
  CHECK(threads.size() >= 1);
  CHECK(threads.size() <= 4);
}

TEST_CASE("parallel_for with one thread runs in order on this thread", "[util]") {
  std::vector<std::size_t> order;
  const auto self = std::this_thread::get_id();
  parallel_for(5, 1, [&](std::size_t i) {
    CHECK(std::this_thread::get_id() == self);
    order.push_back(i);
  });
  CHECK(order == std::vector<std::size_t>{0, 1, 2, 3, 4});
  parallel_for(0, 4, [&](std::size_t) { FAIL("nothing to do"); });
}

TEST_CASE("parallel_for rethrows the first failure and starts nothing new after it", "[util]") {
  std::atomic<int> started{0};
  CHECK_THROWS_WITH(parallel_for(1000, 3,
                                 [&](std::size_t i) {
                                   ++started;
                                   if (i == 0) {
                                     throw std::runtime_error("piece 0 failed");
                                   }
                                   std::this_thread::sleep_for(std::chrono::milliseconds(2));
                                 }),
                    "piece 0 failed");
  CHECK(started < 100);  // the others finished the piece they had, and took no new one
}
