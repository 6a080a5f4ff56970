#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include <codexsync/secrets/scanner.hpp>

#include "../../src/secrets/scanner_detail.hpp"

#include <algorithm>

#include <random>
#include <string>
#include <vector>

using namespace codexsync;
using secrets::Finding;
using secrets::scan_file;
using secrets::scan_text;

namespace {

// Synthetic credentials: the shape of the real thing, random bodies, assembled
// at run time so the source itself holds no credential-looking literal.
const std::string k_github = std::string("gh") + "p_" + "u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d";
const std::string k_github_pat = std::string("github") + "_pat_" + "WLuqIA1id6Vw5DQL05HA06_" +
                                 "4GiIjHGb3CXlMaXZjljENUhJduRHHJEYXg4JdpmrcXgGCJbW56eCuNGMGmS";
const std::string k_openai = std::string("sk") + "-proj-" +
                             "YgCfrL1spNxnyVmihA_2O76UMFxFkM_R5Kjp1vRt-1fjORS_6ilI8ihN5KXSc7Tvo_hBKqFYY_kv5ZJr3J1TWDtkw";
const std::string k_anthropic = std::string("sk") + "-ant-api03-" +
                                "VOqg6YYZYn9ZhyiA4uoRgnatmUdjAWtGSU8po-799NksnRH9ucAUsdMlHUvTCQCyEZDz_TddJ8HyS5SUkCnD8zRA9a9SkAA";
const std::string k_google = std::string("AI") + "za" + "pXz9w3QlY7Zkuvqdt7s8Stqcbnr3yBdGBLE";
const std::string k_slack = std::string("xo") + "xb-" + "478878384837-2616751361341-5Xj8TPQxjq4i9DoV8gz4FkQ1";
const std::string k_aws = std::string("AK") + "IA" + "OK16ZV0MWUFXBV93";
const std::string k_random40 = "CTbyvHNsG9eh6Yo4gfqrc5XlrWi0B26R08qzjI6G";
const std::string k_random32 = "KFSufrdZSlB5er8bOfZqfM2oeq3hDavJ";
const std::string k_jwt = std::string("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.") +
                          "eyJzdWIiOiI0MjQyIiwibmFtZSI6IlRlc3QgVXNlciIsImlhdCI6MTcwMDAwMDAwMH0." +
                          "q3Zb8RkT0cY2vN5xW1mL7pQ4sJ9dF6hG3kA8uE2rT0o";

std::string pem_body() {
  std::mt19937 rng(42);
  static constexpr std::string_view k_b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (int line = 0; line < 12; ++line) {
    for (int i = 0; i < 64; ++i) {
      out += k_b64[rng() % 64];
    }
    out += '\n';
  }
  return out;
}

std::string pem_block(const std::string& label) {
  return "-----BEGIN " + label + "-----\n" + pem_body() + "-----END " + label + "-----\n";
}

// Random standard base64, as an image embedded in a chat line.
std::string random_base64(std::size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  static constexpr std::string_view k_b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out(size, 'A');
  for (auto& c : out) {
    c = k_b64[rng() % 64];
  }
  return out;
}

std::string rules_of(const std::vector<Finding>& findings) {
  std::string out;
  for (const auto& f : findings) {
    out += (out.empty() ? "" : ",") + f.rule + "@" + std::to_string(f.line);
  }
  return out;
}

// The redaction holds no 5 characters of the value in a row, and never the value.
void check_redacted(const Finding& f, const std::string& value) {
  INFO("redacted: " << f.redacted);
  CHECK(f.redacted.find(value) == std::string::npos);
  for (std::size_t i = 0; i + 5 <= value.size(); ++i) {
    CHECK(f.redacted.find(value.substr(i, 5)) == std::string::npos);
  }
  CHECK_THAT(f.redacted, CS_CONTAINS("****(" + std::to_string(value.size()) + " chars)"));
}

struct HitCase {
  std::string name;
  std::string text;
  std::string rule;
  std::string value;      // the secret, to check the redaction
  std::string redacted;   // the exact redaction expected ("" = only the generic checks)
};

} // namespace

TEST_CASE("each rule finds its kind of secret, once, on the right line, redacted", "[secrets]") {
  const std::vector<HitCase> cases{
    {"github token in a skill", "# Deploy\n\nUse " + k_github + " to push.\n", "github-token", k_github,
     "ghp_****(40 chars)"},
    {"github fine-grained token", "GH_PAT: " + k_github_pat + "\n", "github-token", k_github_pat, "gith****(93 chars)"},
    {"openai key in dotenv", "OPENAI_API_KEY=" + k_openai + "\n", "openai-key", k_openai, ""},
    {"anthropic key in TOML", "[env]\nANTHROPIC_API_KEY = \"" + k_anthropic + "\"\n", "anthropic-key", k_anthropic,
     "sk-a****(108 chars)"},
    {"google key in JSON", "{\"maps\": {\"key\": \"" + k_google + "\"}}\n", "google-api-key", k_google,
     "AIza****(39 chars)"},
    {"slack token", "export SLACK=" + k_slack + "\n", "slack-token", k_slack, ""},
    {"aws access key id", "aws_access_key_id = " + k_aws + "\n", "aws-access-key", k_aws, "AKIA****(20 chars)"},
    {"bearer header in curl", "curl -H \"Authorization: Bearer " + k_jwt + "\" https://api.example.com\n", "bearer",
     k_jwt, ""},
    {"bearer in JSON headers", "{\"headers\":{\"authorization\":\"bearer " + k_random40 + "\"}}\n", "bearer",
     k_random40, "Bearer ****(40 chars)"},
    {"JSON api_key", "{\"api_key\": \"" + k_random32 + "\"}\n", "assignment", k_random32, "api_key=****(32 chars)"},
    {"TOML token", "[auth]\ntoken = \"" + k_random40 + "\"\n", "assignment", k_random40, "token=****(40 chars)"},
    {"dotenv SECRET_KEY", "SECRET_KEY=" + k_random40 + "\n", "assignment", k_random40, "SECRET_KEY=****(40 chars)"},
    {"YAML password", "db:\n  password: Tr0ub4dor-3xyzQ\n", "assignment", "Tr0ub4dor-3xyzQ",
     "password=****(15 chars)"},
    {"camelCase accessToken", "{\"accessToken\":\"" + k_random32 + "\"}", "assignment", k_random32, ""},
    // Keys in other cases and spellings (a quick look at the key decides most keys).
    {"header X-Api-Key", "X-Api-Key: " + k_random32 + "\n", "assignment", k_random32, "X-Api-Key=****(32 chars)"},
    {"PascalCase ClientSecret", "ClientSecret = \"" + k_random40 + "\"\n", "assignment", k_random40, ""},
    {"upper-case PASSPHRASE", "GPG_PASSPHRASE=" + k_random32 + "\n", "assignment", k_random32, ""},
    {"REFRESH_TOKEN", "REFRESH_TOKEN=" + k_random40 + "\n", "assignment", k_random40, ""},
    {"escaped JSON inside a chat line",
     "{\"type\":\"function_call\",\"arguments\":\"{\\\"client_secret\\\": \\\"" + k_random32 + "\\\"}\"}\n",
     "assignment", k_random32, "client_secret=****(32 chars)"},
    {"query string", "GET /cb?code=1&access_token=" + k_random40 + "&state=x\n", "assignment", k_random40, ""},
    {"command-line flag", "tool --api-key=" + k_random32 + " run\n", "assignment", k_random32, ""},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    const auto findings = scan_text(c.text);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].rule == c.rule);
    check_redacted(findings[0], c.value);
    if (!c.redacted.empty()) {
      CHECK(findings[0].redacted == c.redacted);
    }
    CHECK(secrets::is_fingerprint(findings[0].fingerprint));
  }
}

TEST_CASE("line numbers count from 1 and findings come in line order", "[secrets]") {
  const auto text = "a\n" + pem_block("RSA PRIVATE KEY") + "b\ntoken = \"" + k_random40 + "\"\n" + k_github + "\n";
  const auto findings = scan_text(text);
  CHECK(rules_of(findings) == "private-key@2,assignment@17,github-token@18");
}

TEST_CASE("private-key blocks are found, also inside a JSON string", "[secrets]") {
  for (const auto* label : {"PRIVATE KEY", "RSA PRIVATE KEY", "OPENSSH PRIVATE KEY", "EC PRIVATE KEY",
                            "ENCRYPTED PRIVATE KEY", "PGP PRIVATE KEY BLOCK"}) {
    INFO(label);
    const auto findings = scan_text(pem_block(label));
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].rule == "private-key");
    CHECK(findings[0].line == 1);
    CHECK_THAT(findings[0].redacted, CS_CONTAINS(std::string(label) + " ****("));
  }
  // A chat line that quotes a key: one line, "\n" escapes between its lines.
  auto escaped = pem_block("PRIVATE KEY");
  std::string json;
  for (const char c : escaped) {
    json += c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  const auto findings = scan_text("{\"role\":\"user\",\"content\":\"here: " + json + "\"}\n");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].rule == "private-key");
  // Public keys and certificates are not secrets.
  CHECK(scan_text(pem_block("PUBLIC KEY")).empty());
  CHECK(scan_text(pem_block("CERTIFICATE")).empty());
}

TEST_CASE("ordinary agent state is not mistaken for a secret", "[secrets]") {
  const std::vector<std::pair<std::string, std::string>> cases{
    {"token counts", "{\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\"total_token_usage\":"
                     "{\"input_tokens\":12345,\"cached_input_tokens\":2048,\"output_tokens\":512,"
                     "\"reasoning_output_tokens\":128,\"total_tokens\":15000}}}}\n"},
    {"max_tokens", "{\"model\":\"gpt-5\",\"max_tokens\": 4096, \"token_count\": 12345}\n"},
    {"a sha256", "{\"sha256\": \"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}\n"},
    {"a commit", "commit 9fceb02d0ae598e95dc970b74767f19372d61af8\n"},
    {"a uuid", "{\"id\":\"550e8400-e29b-41d4-a716-446655440000\",\"session_id\":\"0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b\"}\n"},
    {"empty password", "password = \"\"\n"},
    {"env placeholder", "api_key = \"${OPENAI_API_KEY}\"\n"},
    {"angle placeholder", "token = \"<your-token-here-1234567890>\"\n"},
    {"x placeholder", "secret: xxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"},
    {"star placeholder", "password: \"********************\"\n"},
    {"changeme", "api_key = \"changeme-changeme-2024\"\n"},
    {"null token", "{\"token\": null, \"refresh_token\": null}\n"},
    {"short value", "token = \"abc123\"\n"},
    {"env var name as value", "api_key: OPENAI_API_KEY_2\nenv:\n  GITHUB_TOKEN: GH_TOKEN_FROM_SECRETS\n"},
    {"shell variable", "curl -H \"Authorization: Bearer $GITHUB_TOKEN\" https://api.github.com\n"},
    {"template variable", "headers = {'Authorization': f'Bearer {token}'}\n"},
    {"prose about bearer tokens", "Bearer tokens go in the Authorization header; see RFC 6750 section 2.1.\n"},
    {"code reading a key", "api_key = os.environ[\"OPENAI_API_KEY\"]\ntoken = self.tokenStore2.get()\n"
                           "password = config.password2\n"},
    {"a type annotation", "    def load(self, private_key: ed25519.Ed25519PrivateKey, f_priv: _FragList):\n"},
    {"aws documented example", std::string("aws_access_key_id = AK") + "IAIOSFODNN7EXAMPLE\n"},
    {"kebab words after sk-", "\"class\": \"sk-some-long-kebab-case-identifier-for-styles-2\"\n"},
    {"page token", "{\"nextPageToken\": \"CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA3MzA\"}\n"},
    {"a key file path", "{\"token_file\": \"/home/me/.config/tok3n/f1le9x.json\", \"password_hash\": \"" +
                            k_random40 + "\"}\n"},
    {"a pem in prose", "A key starts with -----BEGIN RSA PRIVATE KEY----- and ends with -----END RSA PRIVATE "
                       "KEY-----.\n-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n"},
    {"a phrase under a password key", "\"password\": \"correct horse battery staple 42\"\n"},
    {"comparison in code", "if token == \"" + k_random40 + "x\" {\n"},
    {"encrypted reasoning", "{\"type\":\"reasoning\",\"encrypted_content\":\"gAAAAABo" + random_base64(600, 9) +
                                "\"}\n"},
    {"signature", "{\"type\":\"thinking\",\"signature\":\"" + random_base64(400, 3) + "\"}\n"},
    {"sample key in docs", "OPENAI_API_KEY=sk-" "abcdefghijklmnopqrstuvwxyz1234567890ABCD\n"},
  };
  for (const auto& [name, text] : cases) {
    INFO(name << ": " << text.substr(0, 200));
    CHECK(rules_of(scan_text(text)).empty());
  }
}

TEST_CASE("a base64 image in a chat line holds no secret, even with token-like runs inside", "[secrets]") {
  auto image = random_base64(300 * 1024, 1);
  // Token-shaped pieces inside the run: no boundary on either side.
  image.replace(1000, k_aws.size(), k_aws);
  image.replace(5000, k_github.size() - 4, k_github.substr(4));
  image.replace(9000, k_google.size(), k_google);
  const auto line = "{\"type\":\"message\",\"content\":[{\"type\":\"input_image\",\"image_url\":\"data:image/png;base64," +
                    image + "\"}]}\n";
  CHECK(scan_text(line).empty());
}

TEST_CASE("fingerprints are stable, per rule and value, and not the value", "[secrets]") {
  const auto a = scan_text("x " + k_github + "\n");
  const auto b = scan_text("\n\n{\"t\": \"" + k_github + "\"}\n");
  REQUIRE(a.size() == 1);
  REQUIRE(b.size() == 1);
  CHECK(a[0].fingerprint == b[0].fingerprint);
  CHECK(a[0].fingerprint.size() == 20);
  CHECK(a[0].fingerprint.rfind("cs1:", 0) == 0);
  const auto other = scan_text("token = \"" + k_random40 + "\"\n");
  REQUIRE(other.size() == 1);
  CHECK(other[0].fingerprint != a[0].fingerprint);
  // The same value under another rule is another fingerprint.
  const auto bearer = scan_text("Authorization: Bearer " + k_random40 + "\n");
  REQUIRE(bearer.size() == 1);
  CHECK(bearer[0].fingerprint != other[0].fingerprint);
}

TEST_CASE("is_fingerprint accepts only cs1: and 16 lower-case hex digits", "[secrets]") {
  CHECK(secrets::is_fingerprint("cs1:0123456789abcdef"));
  CHECK_FALSE(secrets::is_fingerprint("cs1:0123456789ABCDEF"));
  CHECK_FALSE(secrets::is_fingerprint("cs1:0123456789abcde"));
  CHECK_FALSE(secrets::is_fingerprint("cs1:0123456789abcdef0"));
  CHECK_FALSE(secrets::is_fingerprint("cs2:0123456789abcdef"));
  CHECK_FALSE(secrets::is_fingerprint("0123456789abcdef"));
  CHECK_FALSE(secrets::is_fingerprint("cs1:0123456789abcdeg"));
}

TEST_CASE("scan_file finds a secret split across the read chunks", "[secrets]") {
  test::TempDir dir;
  const std::string filler_line(99, 'a');  // 100 bytes with its newline
  for (std::size_t back = 0; back <= 44; back += 4) {
    std::string text;
    std::size_t lines = 0;
    while (text.size() + 100 < secrets::k_read_chunk_bytes - back) {
      text += filler_line + "\n";
      ++lines;
    }
    text += std::string(secrets::k_read_chunk_bytes - back - text.size(), ' ');
    text += k_github + "\nafter\n";
    INFO("the token starts " << back << " bytes before the chunk boundary");
    const auto file = dir.write("chunk.md", text);
    std::error_code ec;
    const auto findings = scan_file(file, 0, ec);
    CHECK_FALSE(ec);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].rule == "github-token");
    CHECK(findings[0].line == lines + 1);
  }
}

TEST_CASE("a very long line is scanned in windows without missing or repeating a secret", "[secrets]") {
  // Tokens near where one window's owned part ends and the next begins.
  // A window owns all but its last 2 * k_max_value_chars bytes; the next one
  // starts with those and 512 bytes before them (the scanner's lookbehind).
  const std::size_t window = secrets::k_line_window_bytes;
  const std::size_t tail = 2 * secrets::k_max_value_chars;
  const std::vector<std::size_t> centres{window - tail, window, 2 * window - 512 - 2 * tail};
  for (const auto centre : centres) {
    for (std::size_t at = centre - 48; at <= centre + 48; at += 8) {
      std::string line(2 * window + 1000, ' ');
      line.replace(at, k_github.size(), k_github);
      line.replace(at + 3000, 30, "\"api_key\": \"" + k_random32.substr(0, 16) + "\"");
      INFO("token at " << at);
      const auto findings = scan_text("first\n" + line + "\nlast\n");
      REQUIRE(findings.size() == 2);
      CHECK(findings[0].rule == "github-token");
      CHECK(findings[0].line == 2);
      CHECK(findings[1].rule == "assignment");
      CHECK(findings[1].line == 2);
    }
  }
}

TEST_CASE("scan_file with `from` scans the line holding it and what follows", "[secrets]") {
  test::TempDir dir;
  const std::string line1 = "old " + k_github + "\n";
  const std::string line2 = "token = \"" + k_random40 + "\"\n";
  const std::string line3 = "new " + k_aws + "\n";
  const auto file = dir.write("chat.jsonl", line1 + line2 + line3);
  std::error_code ec;
  CHECK(rules_of(scan_file(file, 0, ec)) == "github-token@1,assignment@2,aws-access-key@3");
  // From the middle of line 2: line 2 is scanned whole.
  CHECK(rules_of(scan_file(file, line1.size() + 5, ec)) == "assignment@2,aws-access-key@3");
  CHECK_FALSE(ec);
  // From the first byte of line 3.
  CHECK(rules_of(scan_file(file, line1.size() + line2.size(), ec)) == "aws-access-key@3");
  // From the end: nothing was appended.
  CHECK(scan_file(file, line1.size() + line2.size() + line3.size(), ec).empty());
  CHECK(scan_file(file, 1'000'000, ec).empty());
  CHECK_FALSE(ec);
  // A `from` past the first read chunk still counts the lines before it.
  std::string big;
  for (int i = 0; i < 3000; ++i) {
    big += "{\"n\":" + std::to_string(i) + ",\"text\":\"" + std::string(40, 'z') + "\"}\n";
  }
  const auto appended = big.size();
  big += "{\"auth\":\"Bearer " + k_random40 + "\"}\n";
  const auto big_file = dir.write("big.jsonl", big);
  CHECK(rules_of(scan_file(big_file, appended, ec)) == "bearer@3001");
  CHECK(rules_of(scan_file(big_file, 10, ec)) == "bearer@3001");
  // The line holding `from` began more than a read chunk before it: the
  // search for its start goes back across chunks.
  const std::string long_line =
    "{\"k\":\"" + k_github + "\",\"img\":\"" + std::string(3 * secrets::k_read_chunk_bytes, 'q') + "\"}\n";
  const auto long_file = dir.write("long.jsonl", line1 + long_line + line3);
  CHECK(rules_of(scan_file(long_file, line1.size() + long_line.size() - 10, ec)) ==
        "github-token@2,aws-access-key@3");
  CHECK(rules_of(scan_file(long_file, line1.size() + long_line.size(), ec)) == "aws-access-key@3");
  CHECK_FALSE(ec);
  // A binary file stays unscanned whatever `from` is.
  std::string binary = "PNG";
  binary += '\0';
  binary += "\n" + k_github + "\n";
  CHECK(scan_file(dir.write("image.bin", binary), 5, ec).empty());
}

TEST_CASE("binary files are not scanned; a NUL after the first 8 KiB does not make one", "[secrets]") {
  test::TempDir dir;
  std::error_code ec;
  std::string binary = "PNG";
  binary += '\0';
  binary += "\n" + k_github + "\n";
  CHECK(scan_file(dir.write("image.bin", binary), 0, ec).empty());
  CHECK_FALSE(ec);
  std::string late(9000, 'a');
  late += '\0';
  late += "\n" + k_github + "\n";
  CHECK(scan_file(dir.write("late.txt", late), 0, ec).size() == 1);
}

TEST_CASE("scan_file reports a file it cannot read", "[secrets]") {
  test::TempDir dir;
  std::error_code ec;
  CHECK(scan_file(dir / "missing.md", 0, ec).empty());
  CHECK(ec == std::errc::no_such_file_or_directory);
}

TEST_CASE("CRLF line ends and a last line without a newline", "[secrets]") {
  const auto findings = scan_text("a\r\ntoken = " + k_random40 + "\r\nb\r\n" + k_github);
  CHECK(rules_of(findings) == "assignment@2,github-token@4");
}

TEST_CASE("a secret repeated thousands of times is kept to 1000 findings, and a new one after them is found",
          "[secrets]") {
  std::string text;
  for (int i = 0; i < 5000; ++i) {
    text += "{\"text\":\"" + k_github + "\"}\n";
  }
  text += "token = \"" + k_random40 + "\"\n";
  const auto findings = scan_text(text);
  REQUIRE(findings.size() == 1001);
  CHECK(findings[999].rule == "github-token");
  CHECK(findings[999].line == 1000);
  CHECK(findings[1000].rule == "assignment");
  CHECK(findings[1000].line == 5001);
}

// The scan looks 16 positions at a time where SSE2 is there: both looks must
// agree on every character and every following character, in every lane.
TEST_CASE("the scan's 16-at-a-time look agrees with the one-at-a-time look on every pair of characters",
          "[secrets]") {
#if CODEXSYNC_SCAN_SSE2
  std::string text(64, 'q');
  std::size_t disagreements = 0;
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      const std::size_t lane = static_cast<std::size_t>(a + b) % 16;
      std::fill(text.begin(), text.end(), 'q');
      text[lane] = static_cast<char>(a);
      text[lane + 1] = static_cast<char>(b);
      const unsigned bits = secrets::detail::worth_a_look16(text.c_str(), 0);
      for (std::size_t i = 0; i < 16; ++i) {
        if (((bits >> i) & 1U) != (secrets::detail::worth_a_look(text.c_str(), i) ? 1U : 0U)) {
          ++disagreements;
        }
      }
    }
  }
  CHECK(disagreements == 0);
  // Random text rich in the characters the rules care about, at every offset.
  std::mt19937 random(11);
  const std::string alphabet = "sAgxBb=:_-+/ .\"'\t\\aZz09@[`{\x7f\x80\xff";
  for (int n = 0; n < 2000; ++n) {
    std::string sample(48, ' ');
    for (auto& c : sample) {
      c = random() % 4 == 0 ? static_cast<char>(random() % 256) : alphabet[random() % alphabet.size()];
    }
    for (std::size_t p = 0; p + 16 < sample.size(); ++p) {
      const unsigned bits = secrets::detail::worth_a_look16(sample.c_str(), p);
      for (std::size_t i = 0; i < 16; ++i) {
        if (((bits >> i) & 1U) != (secrets::detail::worth_a_look(sample.c_str(), p + i) ? 1U : 0U)) {
          ++disagreements;
        }
      }
    }
  }
  CHECK(disagreements == 0);
#else
  SUCCEED("no SSE2 here: the scan looks one position at a time");
#endif
}

TEST_CASE("a token is found after any character that cannot be inside one, in every lane of a long line",
          "[secrets]") {
  std::size_t wrong = 0;
  for (int c = 0; c < 256; ++c) {
    for (std::size_t lead = 15; lead < 40; ++lead) {
      const std::string text = "note " + std::string(lead, 'q') + static_cast<char>(c) + k_github + " end\n";
      const auto findings = scan_text(text);
      const bool found = std::any_of(findings.begin(), findings.end(),
                                     [](const Finding& f) { return f.rule == "github-token"; });
      if (found == secrets::detail::is_token_inner(static_cast<char>(c))) {
        ++wrong;
        UNSCOPED_INFO("character " << c << " after " << lead << " letters: " << (found ? "found" : "missed"));
      }
    }
  }
  CHECK(wrong == 0);
}
