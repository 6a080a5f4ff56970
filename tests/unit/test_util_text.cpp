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

TEST_CASE("next_utf8 decodes one character and skips exactly one mistake", "[util]") {
  using codexsync::util::next_utf8;
  const auto decode = [](std::string_view text) {
    std::vector<long> out;  // -1 for a mistake
    std::size_t at = 0;
    while (at < text.size()) {
      const auto cp = next_utf8(text, at);
      out.push_back(cp ? static_cast<long>(*cp) : -1);
    }
    return out;
  };
  CHECK(decode("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80") == std::vector<long>{'a', 0xE9, 0x20AC, 0x1F600});
  CHECK(decode("\xFFx") == std::vector<long>{-1, 'x'});          // a stray byte
  CHECK(decode("x\xC3") == std::vector<long>{'x', -1});          // cut off by the end
  CHECK(decode("\xE2\x82x") == std::vector<long>{-1, 'x'});      // a missing continuation
  CHECK(decode("\xED\xA0\x80") == std::vector<long>{-1});        // a surrogate: one mistake
  CHECK(decode("\xC0\xAF") == std::vector<long>{-1});            // overlong
  CHECK(decode("\xF4\x90\x80\x80") == std::vector<long>{-1});    // above U+10FFFF
  CHECK(codexsync::util::is_valid_utf8("caf\xC3\xA9"));
  CHECK_FALSE(codexsync::util::is_valid_utf8("caf\xC3"));
}

TEST_CASE("append_utf8 writes the shortest form and reads back", "[util]") {
  for (const char32_t cp : {U'a', U'\u00E9', U'\u20AC', U'\U0001F600', U'\u007F', U'\u0080', U'\u07FF', U'\u0800',
                            U'\uFFFF', U'\U00010000', U'\U0010FFFF'}) {
    std::string text;
    codexsync::util::append_utf8(text, cp);
    std::size_t at = 0;
    CHECK(codexsync::util::next_utf8(text, at) == cp);
    CHECK(at == text.size());
  }
}
