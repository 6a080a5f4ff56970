#include <codexsync/core/shared_path.hpp>

#include <array>
#include <cstdint>
#include <deque>
#include <limits>
#include <mutex>
#include <vector>

namespace codexsync {
namespace {

// The pool: texts in a deque (an element never moves once added), found by
// an open-addressed table of (hash, text) slots with linear probing. The
// standard unordered_set spent more time than the scans' map inserts (a
// division per probed node, every text hashed again when it grew). It is
// split into shards by hash, each with its own lock, so that the two sides'
// scans (two threads) seldom wait for each other.
struct Slot {
  std::size_t hash = 0;
  const std::string* text = nullptr;  // nullptr: free
};

struct Shard {
  std::mutex mutex;
  std::deque<std::string> texts;
  std::vector<Slot> slots = std::vector<Slot>(64);  // a power of two, at most half full

  void grow() {
    std::vector<Slot> bigger(slots.size() * 2);
    const std::size_t mask = bigger.size() - 1;
    for (const Slot& slot : slots) {
      if (slot.text != nullptr) {
        std::size_t i = slot.hash & mask;
        while (bigger[i].text != nullptr) {
          i = (i + 1) & mask;
        }
        bigger[i] = slot;
      }
    }
    slots.swap(bigger);
  }

  const std::string* intern(std::string_view text, std::size_t hash) {
    const std::lock_guard<std::mutex> lock(mutex);
    if ((texts.size() + 1) * 2 > slots.size()) {
      grow();
    }
    const std::size_t mask = slots.size() - 1;
    std::size_t i = hash & mask;
    for (;; i = (i + 1) & mask) {
      const Slot& slot = slots[i];
      if (slot.text == nullptr) {
        break;
      }
      if (slot.hash == hash && *slot.text == text) {
        return slot.text;
      }
    }
    const std::string* added = &texts.emplace_back(text);
    slots[i] = Slot{hash, added};
    return added;
  }
};

constexpr std::size_t k_shards = 16;
using Pool = std::array<Shard, k_shards>;

// Never destroyed: paths may still be compared while statics are torn down.
Pool& pool() {
  static Pool* const instance = new Pool;
  return *instance;
}

const std::string* intern(std::string_view text) {
  const std::size_t hash = std::hash<std::string_view>{}(text);
  // The top bits pick the shard, the low bits the slot (size_t may have 32 bits).
  constexpr int k_shard_shift = std::numeric_limits<std::size_t>::digits - 4;
  static_assert(k_shards == 16);
  return pool()[(hash >> k_shard_shift) % k_shards].intern(text, hash);
}

} // namespace

SharedPath::SharedPath() {
  static const std::string* const empty = intern({});
  text_ = empty;
}

SharedPath::SharedPath(std::string_view text) : text_(intern(text)) {}

std::size_t SharedPath::interned_count() {
  std::size_t count = 0;
  for (Shard& shard : pool()) {
    const std::lock_guard<std::mutex> lock(shard.mutex);
    count += shard.texts.size();
  }
  return count;
}

} // namespace codexsync
