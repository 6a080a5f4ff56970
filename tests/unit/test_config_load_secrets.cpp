#include "support/catch.hpp"
#include "support/config_fixture.hpp"

#include <codexsync/core/error.hpp>
#include <codexsync/secrets/scanner.hpp>

// [secrets] in src/config/load.cpp.

using namespace codexsync;

namespace {

std::string load_error(const test::ConfigFixture& f, const std::string& text) {
  try {
    f.load(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(loaded)";
}

} // namespace

TEST_CASE("[secrets] defaults to refuse with nothing allowed", "[config]") {
  test::ConfigFixture f;
  const auto config = f.load(f.base()).config;
  CHECK(config.secrets.on_detect == config::SecretAction::refuse);
  CHECK(config.secrets.allow.empty());
}

TEST_CASE("[secrets] reads on_detect and the allowed fingerprints", "[config]") {
  test::ConfigFixture f;
  const auto result =
    f.load(f.base() + "[secrets]\non_detect = \"skip\"\nallow = [\"cs1:0123456789abcdef\", \" CS1:FEDCBA9876543210 \"]\n");
  CHECK(result.warnings.empty());
  CHECK(result.config.secrets.on_detect == config::SecretAction::skip);
  CHECK(result.config.secrets.allow == std::vector<std::string>{"cs1:0123456789abcdef", "cs1:fedcba9876543210"});
}

TEST_CASE("a fingerprint the scanner made is accepted by [secrets] allow", "[config]") {
  test::ConfigFixture f;
  const auto findings = secrets::scan_text("token = \"CTbyvHNsG9eh6Yo4gfqrc5XlrWi0B26R08qzjI6G\"\n");
  REQUIRE(findings.size() == 1);
  const auto result = f.load(f.base() + "[secrets]\nallow = [\"" + findings[0].fingerprint + "\"]\n");
  CHECK(result.config.secrets.allow == std::vector<std::string>{findings[0].fingerprint});
}

TEST_CASE("a malformed [secrets] entry is an error at its line and column, and is never echoed", "[config]") {
  test::ConfigFixture f;
  const std::string pasted = "CTbyvHNsG9eh6Yo4gfqrc5XlrWi0B26R08qzjI6G";  // the secret itself, by mistake
  const auto error = load_error(f, f.base() + "[secrets]\nallow = [\n  \"cs1:0123456789abcdef\",\n  \"" + pasted +
                                       "\",\n  \"cs1:0123\",\n  7,\n]\n");
  CHECK_THAT(error, CS_CONTAINS("config.toml:14:3: secrets.allow holds a string of 40 characters that is not a "
                                "fingerprint"));
  CHECK_THAT(error, CS_CONTAINS("config.toml:15:3: secrets.allow holds a string of 8 characters"));
  CHECK_THAT(error, CS_CONTAINS("config.toml:16:3: secrets.allow holds an integer"));
  CHECK(error.find(pasted) == std::string::npos);
  CHECK(error.find(pasted.substr(0, 8)) == std::string::npos);

  CHECK_THAT(load_error(f, f.base() + "[secrets]\nallow = \"cs1:0123456789abcdef\"\n"),
             CS_CONTAINS("config.toml:12:9: secrets.allow must be a list of fingerprints"));
  CHECK_THAT(load_error(f, f.base() + "[secrets]\non_detect = \"warn\"\n"),
             CS_CONTAINS("config.toml:12:13: secrets.on_detect = \"warn\" is not allowed; use one of \"refuse\", "
                         "\"skip\""));
}
