#include "support/catch.hpp"

#include <codexsync/util/text.hpp>

using namespace codexsync::util;

TEST_CASE("sanitize_file_component keeps safe characters and replaces the rest", "[util]") {
  CHECK(sanitize_file_component("machine-a", "x") == "machine-a");
  CHECK(sanitize_file_component("My Laptop (work)", "x") == "My-Laptop--work");
  CHECK(sanitize_file_component("..//..", "unknown-machine") == "unknown-machine");
  CHECK(sanitize_file_component("", "unknown-machine") == "unknown-machine");
  CHECK(sanitize_file_component("Émile.pc", "x") == "mile.pc");
}

TEST_CASE("split keeps empty pieces, trim removes ASCII space", "[util]") {
  CHECK(split("a,,b", ',') == std::vector<std::string>{"a", "", "b"});
  CHECK(trim("  x y \n") == "x y");
  CHECK(to_lower_ascii("AbC-Ä") == "abc-Ä");
}
