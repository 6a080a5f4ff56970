#include "support/catch.hpp"

#include <codexsync/core/shared_path.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <concepts>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using codexsync::PathMap;
using codexsync::SharedPath;

namespace {

// A text no other test makes: the pool is the process's.
std::string unique_text(const std::string& tag, std::size_t i) {
  return "test_core_shared_path/" + tag + "/" + std::to_string(i) + "/rollout-2025-11-24T10-00-00.jsonl";
}

// Whether {fmt} 10 and later can format a T: they find format_as(T) by ADL
// and no longer use a conversion to std::string_view (fmt 9, installed here,
// still did, so fmt::format alone cannot show it).
template <typename T>
constexpr bool k_formattable_by_fmt10 = requires(const T& value) {
  { format_as(value) } -> std::convertible_to<std::string_view>;
};

} // namespace

TEST_CASE("SharedPath: equal texts share one string, whichever way they are given", "[core]") {
  const std::string text = unique_text("share", 0);
  const SharedPath a(text);
  const SharedPath b(std::string_view{text});
  const SharedPath c(text.c_str());
  const SharedPath d{std::string(text)};  // a temporary: the pool keeps its own copy
  CHECK(&a.str() == &b.str());
  CHECK(&a.str() == &c.str());
  CHECK(&a.str() == &d.str());
  CHECK(a == b);
  CHECK(a.str() == text);
  CHECK(static_cast<std::string_view>(a) == text);
  CHECK(a.size() == text.size());

  const SharedPath other(unique_text("share", 1));
  CHECK(&other.str() != &a.str());
  CHECK_FALSE(other == a);

  CHECK(SharedPath().empty());
  CHECK(SharedPath() == SharedPath(""));
}

TEST_CASE("SharedPath orders as its text does, and compares with plain text without adding it", "[core]") {
  // Byte order: '.' (0x2e) < '/' (0x2f) < 'A' < 'a'; a prefix sorts first.
  const std::vector<std::string> sorted = {"a", "a.txt", "a/b", "aB", "ab", "b", "sessions/2025", "sessions/2025/x"};
  std::vector<SharedPath> paths(sorted.rbegin(), sorted.rend());
  std::sort(paths.begin(), paths.end());
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    CHECK(paths[i].str() == sorted[i]);
    for (std::size_t j = 0; j < sorted.size(); ++j) {
      CHECK((paths[i] < paths[j]) == (sorted[i] < sorted[j]));
      CHECK((paths[i] < sorted[j]) == (sorted[i] < sorted[j]));
      CHECK((sorted[j] < paths[i]) == (sorted[j] < sorted[i]));
      CHECK((paths[i] == std::string_view(sorted[j])) == (i == j));
    }
  }

  const std::size_t before = SharedPath::interned_count();
  const std::string never_added = unique_text("lookup-only", 0);
  CHECK_FALSE(paths[0] == never_added);
  CHECK(paths[0] < never_added);
  CHECK_FALSE(paths[0] == never_added.c_str());
  PathMap<int> map;
  map.emplace(paths[0], 1);
  CHECK(map.find(never_added) == map.end());
  CHECK(map.find(std::string_view(never_added)) == map.end());
  CHECK(map.count(sorted[0]) == 1);
  CHECK(SharedPath::interned_count() == before);
}

TEST_CASE("SharedPath keeps every text while the pool grows, and threads agree on it", "[core]") {
  // Enough texts to grow each shard's table many times over.
  constexpr std::size_t k_count = 20000;
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < k_count; ++i) {
    texts.push_back(unique_text("grow", i));
  }
  std::vector<SharedPath> first(k_count);
  std::vector<SharedPath> second(k_count);
  // Two threads add the same texts at once, in opposite orders.
  std::thread forward([&] {
    for (std::size_t i = 0; i < k_count; ++i) {
      first[i] = SharedPath(texts[i]);
    }
  });
  std::thread backward([&] {
    for (std::size_t i = k_count; i-- > 0;) {
      second[i] = SharedPath(texts[i]);
    }
  });
  forward.join();
  backward.join();

  std::size_t mismatched = 0;
  for (std::size_t i = 0; i < k_count; ++i) {
    if (&first[i].str() != &second[i].str() || first[i].str() != texts[i]) {
      ++mismatched;
    }
  }
  CHECK(mismatched == 0);
  // Made again later (after all the growth), a text still finds its string.
  std::mt19937 random(7);
  for (int n = 0; n < 200; ++n) {
    const std::size_t i = random() % k_count;
    CHECK(&SharedPath(texts[i]).str() == &first[i].str());
  }
}

TEST_CASE("PathMap keeps path order and is searched by plain text", "[core]") {
  PathMap<int> map;
  map[SharedPath(unique_text("map", 2))] = 2;
  map[unique_text("map", 1)] = 1;
  map.emplace(unique_text("map", 3), 3);
  std::vector<int> order;
  for (const auto& [path, value] : map) {
    order.push_back(value);
  }
  CHECK(order == std::vector<int>{1, 2, 3});
  const std::string key = unique_text("map", 2);
  REQUIRE(map.find(key) != map.end());
  CHECK(map.find(key)->second == 2);
  CHECK(map.lower_bound(std::string_view(key))->second == 2);
}

TEST_CASE("SharedPath formats as its text in {fmt} 9 and in {fmt} 10 and later", "[core]") {
  // Actions' paths are formatted (the plan's table, "PATH: cannot read it to
  // merge"): without format_as those calls do not compile with fmt >= 10.
  CHECK(k_formattable_by_fmt10<SharedPath>);
  const SharedPath path(unique_text("format", 0));
  CHECK(fmt::format("{}", path) == path.str());
  CHECK(fmt::format("[{:<6}]", SharedPath("a/b")) == "[a/b   ]");
  const std::string with_nul("format\0nul", 10);
  CHECK(fmt::format("{}", SharedPath(with_nul)) == with_nul);
}
