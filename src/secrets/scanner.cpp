#include <codexsync/secrets/scanner.hpp>

#include <codexsync/util/sha256.hpp>

#include "scanner_detail.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <fstream>
#include <optional>
#include <set>

// The rules, precise before thorough: a false alarm stops a whole sync, so a
// value must look like a real credential (its kind's prefix, charset and
// length, or a mix of letters and digits under a credential's name) and must
// not look like a placeholder. The text is read line by line; a line longer
// than k_line_window_bytes is looked at in overlapping windows, each position
// "owned" by exactly one window, so nothing is found twice or missed.
namespace codexsync::secrets {
namespace {

using detail::is_token_inner;
using detail::may_start;

constexpr std::size_t k_binary_probe = 8 * 1024;
// A window owns the positions up to this far from its end; the rest is seen
// again, as context, by the next window. Longer than any value and its key.
constexpr std::size_t k_lookahead = 2 * k_max_value_chars;
// What a window keeps before its first owned position: for a key before `=`.
constexpr std::size_t k_lookbehind = 512;
constexpr std::size_t k_max_key = 64;
constexpr std::size_t k_max_spaces = 8;
constexpr std::size_t k_pem_min_body = 64;
constexpr std::size_t k_pem_max_body = 64 * 1024;
constexpr std::size_t k_max_label = 64;
constexpr std::size_t k_shown_key = 40;
constexpr std::size_t k_kept_repeats = 1000;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_alpha(char c) { return is_upper(c) || is_lower(c); }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
char lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_blank(char c) { return c == ' ' || c == '\t'; }

// Characters that continue a token or a base64 run: a credential never sits
// inside a longer run of these.
bool is_run_char(char c) { return is_alnum(c) || c == '_' || c == '-' || c == '+' || c == '/'; }

std::string lower_copy(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

// Changes between lower-case letters, upper-case letters and digits along the
// value (other characters are passed over): a random token has many, a word,
// a date or a name few.
std::size_t class_changes(std::string_view value) {
  std::size_t changes = 0;
  int last = -1;
  for (const char c : value) {
    const int kind = is_lower(c) ? 0 : is_upper(c) ? 1 : is_digit(c) ? 2 : -1;
    if (kind < 0) {
      continue;
    }
    if (last >= 0 && kind != last) {
      ++changes;
    }
    last = kind;
  }
  return changes;
}

bool has_letter_and_digit(std::string_view value) {
  return std::any_of(value.begin(), value.end(), is_alpha) && std::any_of(value.begin(), value.end(), is_digit);
}

// "${OPENAI_API_KEY}", "<your-key>", "xxxx…", "****", "changeme", an example
// key, an environment variable's name, a run of one character.
bool is_placeholder(std::string_view value) {
  if (value.empty()) {
    return true;
  }
  const char first = value.front();
  if (first == '$' || first == '%' || first == '<' || first == '{' || first == '[' || first == '@') {
    return true;
  }
  static constexpr std::array<std::string_view, 24> k_marks{
    "${",          "{{",          "<",          ">",         "...",        "xxxx",
    "****",        "example",     "changeme",   "change_me", "change-me",  "placeholder",
    "your_",       "your-",       "yourkey",    "yourtoken", "yoursecret", "yourpassword",
    "redacted",    "dummy",       "replace_me", "replaceme", "123456789",  "abcdefgh"};
  const auto text = lower_copy(value);
  for (const auto mark : k_marks) {
    if (contains(text, mark)) {
      return true;
    }
  }
  std::size_t run = 1;
  for (std::size_t i = 1; i < value.size(); ++i) {
    run = value[i] == value[i - 1] ? run + 1 : 1;
    if (run >= 6) {
      return true;
    }
  }
  // OPENAI_API_KEY: the name of the variable that holds the key.
  if (is_upper(first) && contains(value, "_") &&
      std::all_of(value.begin(), value.end(), [](char c) { return is_upper(c) || is_digit(c) || c == '_'; })) {
    return true;
  }
  return false;
}

std::string fingerprint_of(std::string_view rule, std::string_view value) {
  util::Sha256 hash;
  hash.update(rule);
  hash.update(std::string_view("\0", 1));
  hash.update(value);
  return "cs1:" + hash.finish_hex().substr(0, 16);
}

Finding make_finding(std::string_view rule, std::size_t line, std::string_view shown, std::string_view value) {
  return Finding{std::string(rule), line, fmt::format("{}****({} chars)", shown, value.size()),
                 fingerprint_of(rule, value)};
}

// --- tokens with a known prefix -------------------------------------------

enum class Body { base62, base64url, word, upper_digit, slack };

bool in_body(Body body, char c) {
  switch (body) {
  case Body::base62: return is_alnum(c);
  case Body::base64url: return is_alnum(c) || c == '_' || c == '-';
  case Body::word: return is_alnum(c) || c == '_';
  case Body::upper_digit: return is_upper(c) || is_digit(c);
  case Body::slack: return is_alnum(c) || c == '-';
  }
  return false;
}

struct TokenRule {
  std::string_view prefix;
  std::string_view rule;
  Body body;
  std::size_t min_body;
  std::size_t max_body;
  std::size_t min_changes;  // class_changes of the body
  std::size_t shown;        // characters of the prefix shown in the redaction (never of the body)
};

// Longer prefixes first: "sk-ant-" before "sk-".
constexpr std::array<TokenRule, 14> k_token_rules{{
  {"sk-ant-", "anthropic-key", Body::base64url, 32, 400, 4, 4},
  {"sk-", "openai-key", Body::base64url, 32, 400, 4, 3},
  {"AIza", "google-api-key", Body::base64url, 35, 35, 4, 4},
  {"ghp_", "github-token", Body::base62, 36, 251, 4, 4},
  {"gho_", "github-token", Body::base62, 36, 251, 4, 4},
  {"ghu_", "github-token", Body::base62, 36, 251, 4, 4},
  {"ghs_", "github-token", Body::base62, 36, 251, 4, 4},
  {"ghr_", "github-token", Body::base62, 36, 251, 4, 4},
  {"github_pat_", "github-token", Body::word, 22, 244, 4, 4},
  {"xoxb-", "slack-token", Body::slack, 20, 250, 3, 4},
  {"xoxp-", "slack-token", Body::slack, 20, 250, 3, 4},
  {"xoxa-", "slack-token", Body::slack, 20, 250, 3, 4},
  {"xoxs-", "slack-token", Body::slack, 20, 250, 3, 4},
  {"AKIA", "aws-access-key", Body::upper_digit, 16, 16, 2, 4},
}};

bool starts_token(char c) { return c == 's' || c == 'A' || c == 'g' || c == 'x'; }

struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
};

struct TokenHit {
  Span span;
  const TokenRule* rule = nullptr;
};

// The token starting at `at`, if one does.
std::optional<TokenHit> match_token(std::string_view buf, std::size_t at) {
  if (at > 0 && is_token_inner(buf[at - 1])) {
    return std::nullopt;
  }
  for (const auto& rule : k_token_rules) {
    // Most words start with none of the prefixes: one byte tells.
    if (rule.prefix.front() != buf[at] || buf.compare(at, rule.prefix.size(), rule.prefix) != 0) {
      continue;
    }
    const auto body_start = at + rule.prefix.size();
    auto end = body_start;
    while (end < buf.size() && end - body_start <= rule.max_body && in_body(rule.body, buf[end])) {
      ++end;
    }
    const auto length = end - body_start;
    if (length < rule.min_body || length > rule.max_body || (end < buf.size() && is_run_char(buf[end]))) {
      return std::nullopt;
    }
    const auto token = buf.substr(at, end - at);
    if (class_changes(token.substr(rule.prefix.size())) < rule.min_changes || is_placeholder(token)) {
      return std::nullopt;
    }
    return TokenHit{{at, end}, &rule};
  }
  return std::nullopt;
}

// True when a token starts inside `span`: the value is reported as that token.
bool holds_token(std::string_view buf, Span span) {
  for (auto p = span.begin; p < span.end; ++p) {
    if (starts_token(buf[p]) && match_token(buf, p)) {
      return true;
    }
  }
  return false;
}

// --- Authorization: Bearer … ----------------------------------------------

bool is_bearer_char(char c) {
  return is_alnum(c) || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=' || c == '-';
}

// A value that looks like a generated credential, not a word, name, date or path.
bool looks_random(std::string_view value) {
  return has_letter_and_digit(value) && class_changes(value) >= 3 && !is_placeholder(value) &&
         !contains(value, "://");
}

std::optional<Span> match_bearer(std::string_view buf, std::size_t at) {
  static constexpr std::string_view k_word = "bearer";
  if (at > 0 && is_token_inner(buf[at - 1])) {
    return std::nullopt;
  }
  if (buf.size() - at < k_word.size() + 2) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < k_word.size(); ++i) {
    if (lower(buf[at + i]) != k_word[i]) {
      return std::nullopt;  // asked at every word starting with b: no copy
    }
  }
  auto p = at + k_word.size();
  const auto blanks = p;
  while (p < buf.size() && p - blanks < k_max_spaces && is_blank(buf[p])) {
    ++p;
  }
  if (p == blanks) {
    return std::nullopt;
  }
  const auto start = p;
  while (p < buf.size() && p - start <= k_max_value_chars && is_bearer_char(buf[p])) {
    ++p;
  }
  const auto value = buf.substr(start, p - start);
  if (value.size() < 20 || value.size() > k_max_value_chars || !looks_random(value)) {
    return std::nullopt;
  }
  return Span{start, p};
}

// --- name = value ----------------------------------------------------------

// The words of a key: "OPENAI_API_KEY" -> openai, api, key; "accessToken" ->
// access, token; "x-api-key" -> x, api, key.
std::vector<std::string> key_words(std::string_view key) {
  std::vector<std::string> words;
  std::string word;
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    if (!is_alnum(c)) {
      if (!word.empty()) {
        words.push_back(std::move(word));
        word.clear();
      }
      continue;
    }
    if (is_upper(c) && i > 0 && is_lower(key[i - 1]) && !word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
    word += lower(c);
  }
  if (!word.empty()) {
    words.push_back(std::move(word));
  }
  return words;
}

bool one_of(std::string_view word, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

// Names whose value is about a credential rather than the credential itself:
// token_count, password_hash, secret_name, api_key_env, ...
bool is_about_word(std::string_view word) {
  return one_of(word, {"count",    "counts",   "type",       "types",     "kind",     "name",     "names",
                       "file",     "files",    "path",       "paths",     "dir",      "url",      "uri",
                       "endpoint", "env",      "var",        "variable",  "id",       "ids",      "uuid",
                       "length",   "len",      "size",       "limit",     "limits",   "max",      "min",
                       "usage",    "expiry",   "expires",    "expiration", "ttl",     "at",       "time",
                       "timestamp", "date",    "hash",       "sha256",    "sha1",     "md5",      "digest",
                       "checksum", "header",   "prefix",     "suffix",    "field",    "format",   "hint",
                       "label",    "description", "help",    "enabled",   "required", "command",  "cmd",
                       "source",   "provider", "store",      "location",  "policy",   "mode",     "ref",
                       "index",    "idx",      "offset",     "budget",    "estimate", "rate",     "status",
                       "state",    "version",  "scope",      "scopes",    "method",   "set",      "present",
                       "exists",   "configured", "missing",  "valid",     "error",    "message",  "lifetime",
                       "duration", "seconds",  "ms",         "tokens",    "secrets",  "passwords", "keys"});
}

// Words before "token" that make it a non-credential: page tokens, special
// tokens of a tokenizer, counters.
bool is_harmless_token_kind(std::string_view word) {
  return one_of(word, {"page", "next", "prev", "previous", "continuation", "cancellation", "sync", "cursor",
                       "resume", "csrf", "xsrf", "pad", "eos", "bos", "unk", "sep", "cls", "mask", "special",
                       "stop", "start", "end", "max", "min", "num", "total", "input", "output", "cached",
                       "reasoning", "completion", "prompt"});
}

// False for most keys at once: every credential key below holds "token",
// "secret", "pass" or "key" in some case ("type", "text", "role" do not).
bool may_be_credential_key(std::string_view key) {
  for (std::size_t i = 0; i + 3 <= key.size(); ++i) {
    const char a = lower(key[i]);
    const char b = lower(key[i + 1]);
    const char c = lower(key[i + 2]);
    if ((a == 't' && b == 'o' && c == 'k') || (a == 's' && b == 'e' && c == 'c') || (a == 'p' && b == 'a' && c == 's') ||
        (a == 'k' && b == 'e' && c == 'y')) {
      return true;
    }
  }
  return false;
}

// True when a value under this key would be a credential.
bool is_credential_key(std::string_view key) {
  if (!may_be_credential_key(key)) {
    return false;
  }
  const auto words = key_words(key);
  if (words.empty() || is_about_word(words.back())) {
    return false;
  }
  for (std::size_t i = 0; i < words.size(); ++i) {
    const auto& w = words[i];
    const std::string_view before = i > 0 ? std::string_view(words[i - 1]) : std::string_view();
    if (w == "token" || w == "accesstoken" || w == "authtoken" || w == "refreshtoken") {
      if (!is_harmless_token_kind(before)) {
        return true;
      }
      continue;
    }
    if (one_of(w, {"secret", "password", "passwd", "passphrase", "apikey", "secretkey", "privatekey",
                   "accesskey", "clientsecret"})) {
      return true;
    }
    if (w == "key" && one_of(before, {"api", "secret", "private", "access", "auth", "signing", "encryption",
                                      "master", "client", "session"})) {
      return true;
    }
  }
  return false;
}

bool is_password_key(std::string_view key) {
  const auto words = key_words(key);
  return std::any_of(words.begin(), words.end(),
                     [](const std::string& w) { return one_of(w, {"password", "passwd", "passphrase"}); });
}

std::vector<std::string_view> split_dots(std::string_view value) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= value.size(); ++i) {
    if (i == value.size() || value[i] == '.') {
      parts.push_back(value.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

bool is_key_char(char c) { return is_alnum(c) || c == '_' || c == '.' || c == '-'; }

// Ends an unquoted value (dotenv, YAML, a command line, a URL query).
bool ends_bare_value(char c) {
  return static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '\'' || c == '\\' || c == ',' || c == ';' ||
         c == '&' || c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}' || c == '<' ||
         c == '>' || c == '`' || c == '|';
}

// An identifier in code: a letter or _, then letters, digits and _.
bool is_identifier(std::string_view part) {
  return !part.empty() && (is_alpha(part.front()) || part.front() == '_') &&
         std::all_of(part.begin(), part.end(), [](char c) { return is_alnum(c) || c == '_'; });
}

// "self.tokenStore2", "ed25519.Ed25519PrivateKey": a dotted name in code (a
// JWT, "eyJ…", is dotted too, but never this).
bool is_code_reference(std::string_view value) {
  if (!contains(value, ".") || value.starts_with("eyJ")) {
    return false;
  }
  const auto parts = split_dots(value);
  return std::all_of(parts.begin(), parts.end(), is_identifier);
}

struct Assignment {
  std::string key;
  Span value;
};

// `key = value`, `key: value`, `"key": "value"` (also inside an escaped JSON
// string), `KEY=value`, `?key=value`, with the operator at `at`.
std::optional<Assignment> match_assignment(std::string_view buf, std::size_t at) {
  const char op = buf[at];
  const char next = at + 1 < buf.size() ? buf[at + 1] : '\0';
  const char prev = at > 0 ? buf[at - 1] : '\0';
  std::size_t key_end = at;  // one past the key's last character, before blanks and quotes
  if (op == '=') {
    if (next == '=' || next == '>' || prev == '=' || prev == '!' || prev == '<' || prev == '>') {
      return std::nullopt;
    }
    if (prev == ':') {
      --key_end;  // :=
    }
  } else if (next == ':' || next == '=' || prev == ':') {
    return std::nullopt;
  }
  // The key, backwards: blanks, a closing quote (maybe escaped), the name.
  std::size_t k = key_end;
  for (std::size_t n = 0; k > 0 && n < k_max_spaces && is_blank(buf[k - 1]); ++n) {
    --k;
  }
  if (k > 0 && (buf[k - 1] == '"' || buf[k - 1] == '\'')) {
    --k;
    while (k > 0 && buf[k - 1] == '\\') {
      --k;
    }
  }
  const auto name_end = k;
  while (k > 0 && name_end - k <= k_max_key && is_key_char(buf[k - 1])) {
    --k;
  }
  if (k == name_end || name_end - k > k_max_key) {
    return std::nullopt;
  }
  const auto key = buf.substr(k, name_end - k);
  if (!is_credential_key(key)) {
    return std::nullopt;
  }
  // The value, forwards: blanks, an opening quote (maybe escaped), the text.
  std::size_t p = at + 1;
  for (std::size_t n = 0; p < buf.size() && n < k_max_spaces && is_blank(buf[p]); ++n) {
    ++p;
  }
  auto q = p;
  while (q < buf.size() && buf[q] == '\\') {
    ++q;
  }
  const bool quoted = q < buf.size() && (buf[q] == '"' || buf[q] == '\'');
  std::size_t start = p;
  std::size_t end = p;
  if (quoted) {
    const char quote = buf[q];
    start = q + 1;
    end = start;
    while (end < buf.size() && end - start <= k_max_value_chars && buf[end] != quote && buf[end] != '\\') {
      const auto c = static_cast<unsigned char>(buf[end]);
      if (c <= ' ' || c >= 0x7f) {
        return std::nullopt;  // words or non-ASCII text: a phrase, not a credential
      }
      ++end;
    }
    // The value must end at its closing quote, escaped like the opening one.
    auto close = end;
    while (close < buf.size() && buf[close] == '\\') {
      ++close;
    }
    if (close >= buf.size() || buf[close] != quote || close - end != q - p) {
      return std::nullopt;
    }
  } else {
    while (end < buf.size() && end - start <= k_max_value_chars && !ends_bare_value(buf[end]) &&
           static_cast<unsigned char>(buf[end]) < 0x7f) {
      ++end;
    }
    if (end < buf.size() && (buf[end] == '(' || buf[end] == '[' || static_cast<unsigned char>(buf[end]) >= 0x7f)) {
      return std::nullopt;  // a call or an index: code, not a value
    }
  }
  const auto value = buf.substr(start, end - start);
  const std::size_t min_length = is_password_key(key) ? 12 : 16;
  if (value.size() < min_length || value.size() > k_max_value_chars || !looks_random(value)) {
    return std::nullopt;
  }
  if (!quoted && is_code_reference(value)) {
    return std::nullopt;  // self.tokenStore2, config.API_KEY_V2: a name in code, not a value
  }
  return Assignment{std::string(key), Span{start, end}};
}

// --- the stream ------------------------------------------------------------

bool is_base64_char(char c) { return is_alnum(c) || c == '+' || c == '/' || c == '='; }

// Keeps only capitals, digits and spaces of a PEM label ("RSA PRIVATE KEY").
std::string clean_label(std::string_view label) {
  std::string out;
  for (const char c : label) {
    if (is_upper(c) || is_digit(c) || c == ' ') {
      out += c;
    }
  }
  return out;
}

class Stream {
public:
  explicit Stream(std::size_t first_line) : m_line(first_line) {}

  void feed(std::string_view data) {
    while (!data.empty()) {
      const auto newline = data.find('\n');
      auto part = data.substr(0, newline);
      // Bounded appends, so a huge piece of one line never sits in memory whole.
      while (!part.empty()) {
        const auto room = k_line_window_bytes - std::min(k_line_window_bytes, m_buf.size());
        const auto take = std::min(part.size(), std::max<std::size_t>(room, 1));
        m_buf.append(part.substr(0, take));
        part.remove_prefix(take);
        if (m_buf.size() >= k_line_window_bytes) {
          flush(false);
        }
      }
      if (newline == std::string_view::npos) {
        return;
      }
      flush(true);
      data.remove_prefix(newline + 1);
    }
  }

  std::vector<Finding> finish() {
    if (!m_buf.empty() || m_begin > 0) {
      flush(true);
    }
    std::stable_sort(m_findings.begin(), m_findings.end(),
                     [](const Finding& a, const Finding& b) { return a.line < b.line; });
    return std::move(m_findings);
  }

private:
  // Scans the positions this window owns; `last` when the line ends here.
  void flush(bool last) {
    const std::string_view buf = m_buf;
    const auto end = last ? buf.size() : buf.size() - k_lookahead;
    scan(buf, m_begin, end);
    if (last) {
      m_buf.clear();
      m_begin = 0;
      ++m_line;
      return;
    }
    const auto keep = k_lookbehind + k_lookahead;
    m_buf.erase(0, m_buf.size() - keep);
    m_begin = k_lookbehind;
  }

  // The rule that starts at `at` (a token or "Bearer …"), reported; returns
  // where the scan goes on: past what was found, or `at` when nothing starts
  // there or `at` is not this window's to look at.
  std::size_t try_start(std::string_view buf, std::size_t begin, std::size_t end, std::size_t at) {
    if (at < begin || at >= end) {
      return at;
    }
    if (starts_token(buf[at])) {
      if (const auto hit = match_token(buf, at)) {
        const auto& rule = *hit->rule;
        add(make_finding(rule.rule, m_line, rule.prefix.substr(0, rule.shown), buf.substr(at, hit->span.end - at)));
        return hit->span.end;
      }
    } else if (buf[at] == 'B' || buf[at] == 'b') {
      if (const auto span = match_bearer(buf, at); span && !holds_token(buf, *span)) {
        add(make_finding("bearer", m_line, "Bearer ", buf.substr(span->begin, span->end - span->begin)));
        return span->end;
      }
    }
    return at;
  }

  void scan(std::string_view buf, std::size_t begin, std::size_t end) {
    assert(buf.data() == m_buf.data() && buf.size() == m_buf.size());
    // Every rule starts right after a character that cannot be inside a
    // token, or at an operator: the loop looks only where worth_a_look
    // says (after a word, at a character that starts a token or "Bearer",
    // a few words in ten; at each `=` and `:`), 16 positions at a time.
    std::size_t p = begin;
    if (begin == 0) {
      p = try_start(buf, begin, end, 0);  // the line's start
    } else {
      --p;  // the character before the first owned one may open a token there
    }
    // The window is m_buf, whose text ends with a NUL.
    const char* const text = m_buf.c_str();
    while ((p = detail::next_worth_a_look(text, m_buf.size(), p, end)) < end) {
      const char c = text[p];
      if ((c == '=' || c == ':') && p >= begin) {
        if (const auto found = match_assignment(buf, p); found && !holds_token(buf, found->value)) {
          const auto shown = found->key.size() <= k_shown_key ? found->key + "=" : std::string("=");
          add(make_finding("assignment", m_line, shown,
                           buf.substr(found->value.begin, found->value.end - found->value.begin)));
          p = found->value.end;
          continue;
        }
      }
      if (const auto q = p + 1; q >= begin && q < end && may_start(text[q])) {
        if (const auto next = try_start(buf, begin, end, q); next != q) {
          p = next;
          continue;
        }
      }
      ++p;
    }
    scan_pem(buf, begin, end);
  }

  // -----BEGIN … PRIVATE KEY----- … -----END: across lines, also inside a
  // JSON string ("\n" escapes are passed over).
  void scan_pem(std::string_view buf, std::size_t begin, std::size_t end) {
    static constexpr std::string_view k_begin = "-----BEGIN ";
    static constexpr std::string_view k_dashes = "-----";
    static constexpr std::string_view k_end = "-----END";
    std::size_t p = begin;
    while (p < end) {
      if (!m_pem) {
        const auto at = buf.find(k_begin, p);
        if (at == std::string_view::npos || at >= end) {
          return;
        }
        const auto label_start = at + k_begin.size();
        const auto close = buf.find(k_dashes, label_start);
        if (close == std::string_view::npos || close - label_start > k_max_label) {
          p = at + 1;
          continue;
        }
        const auto label = buf.substr(label_start, close - label_start);
        if (!contains(label, "PRIVATE KEY")) {
          p = at + 1;
          continue;
        }
        m_pem = Pem{clean_label(label), m_line, {}, false};
        p = close + k_dashes.size();
        continue;
      }
      auto& pem = *m_pem;
      for (; p < end; ++p) {
        const char c = buf[p];
        if (c == '-' && buf.compare(p, k_end.size(), k_end) == 0) {
          if (pem.body.size() >= k_pem_min_body) {
            add(make_finding("private-key", pem.line, pem.label + " ", pem.body));
          }
          m_pem.reset();
          p += k_end.size();
          break;
        }
        if (pem.escape) {
          pem.escape = false;
          continue;
        }
        if (c == '\\') {
          pem.escape = true;
          continue;
        }
        if (is_base64_char(c)) {
          pem.body += c;
          if (pem.body.size() > k_pem_max_body) {
            m_pem.reset();  // not a key: keys are a few KiB
            ++p;
            break;
          }
        }
      }
    }
  }

  // Keeps every secret's first finding; repeats only up to k_kept_repeats
  // findings in all (a chat that quotes one key ten thousand times).
  void add(Finding finding) {
    if (m_seen.insert(finding.fingerprint).second || m_findings.size() < k_kept_repeats) {
      m_findings.push_back(std::move(finding));
    }
  }

  struct Pem {
    std::string label;
    std::size_t line = 0;
    std::string body;
    bool escape = false;
  };

  std::string m_buf;          // the current line, or its current window
  std::size_t m_begin = 0;    // the first position of m_buf this window owns
  std::size_t m_line;         // the current line's number
  std::optional<Pem> m_pem;   // inside a private-key block
  std::vector<Finding> m_findings;
  std::set<std::string> m_seen;  // fingerprints found so far
};

std::error_code open_error(const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::exists(file, ec)) {
    return std::make_error_code(std::errc::permission_denied);
  }
  return std::make_error_code(std::errc::no_such_file_or_directory);
}

// Reads up to `size` bytes; fewer only at the end of the file.
std::size_t read_some(std::ifstream& in, char* out, std::size_t size) {
  in.read(out, static_cast<std::streamsize>(size));
  return static_cast<std::size_t>(in.gcount());
}

// Sets `line_start` to the offset just after the last '\n' before `from`
// (0 when there is none), reading backwards: 4 KiB first (a tail usually
// starts a line), then a chunk at a time.
bool find_line_start(std::ifstream& in, std::uint64_t from, std::vector<char>& chunk, std::uint64_t& line_start) {
  constexpr std::size_t k_first_look = 4096;
  std::uint64_t end = from;
  std::size_t window = std::min(k_first_look, chunk.size());
  for (; end > 0; window = chunk.size()) {
    const auto begin = end - std::min<std::uint64_t>(end, window);
    const auto want = static_cast<std::size_t>(end - begin);
    in.clear();
    in.seekg(static_cast<std::streamoff>(begin));
    if (!in || read_some(in, chunk.data(), want) != want) {
      return false;
    }
    for (auto i = want; i > 0; --i) {
      if (chunk[i - 1] == '\n') {
        line_start = begin + i;
        return true;
      }
    }
    end = begin;
  }
  line_start = 0;
  return true;
}

// Sets `lines` to the number of '\n' in the first `size` bytes.
bool count_lines(std::ifstream& in, std::uint64_t size, std::vector<char>& chunk, std::size_t& lines) {
  in.seekg(0);
  lines = 0;
  for (std::uint64_t offset = 0; offset < size;) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), size - offset));
    if (!in || read_some(in, chunk.data(), want) != want) {
      return false;
    }
    lines += static_cast<std::size_t>(std::count(chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(want), '\n'));
    offset += want;
  }
  return true;
}

} // namespace

std::vector<Finding> scan_text(std::string_view text) {
  Stream stream(1);
  stream.feed(text);
  return stream.finish();
}

std::vector<Finding> scan_file(const std::filesystem::path& file, std::uint64_t from, std::error_code& ec,
                               KeptBytes* keep) {
  ec.clear();
  // Unbuffered: the reads below are large or exact (a probe, a look back,
  // the tail); a stream buffer would only read more than asked around each seek.
  std::ifstream in;
  in.rdbuf()->pubsetbuf(nullptr, 0);
  in.open(file, std::ios::binary);
  if (!in) {
    ec = open_error(file);
    return {};
  }
  // One buffer per thread for every file it scans (a first sync scans
  // thousands): not zeroed and freed again per file.
  thread_local std::vector<char> chunk(k_read_chunk_bytes);
  // Is it binary? Only the first bytes say.
  const auto probed = read_some(in, chunk.data(), k_binary_probe);
  if (in.bad()) {
    ec = std::make_error_code(std::errc::io_error);
    return {};
  }
  if (std::find(chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(probed), '\0') !=
      chunk.begin() + static_cast<std::ptrdiff_t>(probed)) {
    return {};
  }
  // Where does the line holding `from` start? Read backwards from `from`
  // (a fast-forward's tail usually starts a line, found in the first 4 KiB looked at), so a
  // grown chat costs its tail, not its whole length.
  in.clear();
  std::uint64_t line_start = 0;
  if (from > 0) {
    in.seekg(0, std::ios::end);
    const auto size = static_cast<std::uint64_t>(std::max<std::streamoff>(in.tellg(), 0));
    if (!in || size < from) {
      return {};  // the file is shorter than `from`: nothing new to scan
    }
    if (!find_line_start(in, from, chunk, line_start)) {
      ec = std::make_error_code(std::errc::io_error);
      return {};
    }
  }
  in.clear();
  in.seekg(static_cast<std::streamoff>(line_start));
  if (!in) {
    ec = std::make_error_code(std::errc::io_error);
    return {};
  }
  if (keep != nullptr) {
    keep->offset = line_start;
    keep->bytes.clear();
  }
  Stream stream(1);
  for (;;) {
    const auto got = read_some(in, chunk.data(), chunk.size());
    if (in.bad()) {
      ec = std::make_error_code(std::errc::io_error);
      return {};
    }
    stream.feed(std::string_view(chunk.data(), got));
    if (keep != nullptr) {
      keep->bytes.append(chunk.data(), got);
    }
    if (got < chunk.size()) {
      break;
    }
  }
  if (keep != nullptr) {
    keep->complete = true;
  }
  auto findings = stream.finish();
  if (!findings.empty() && line_start > 0) {
    // Rare: only a file that will be refused pays for numbering its lines.
    in.clear();
    std::size_t lines_before = 0;
    if (!count_lines(in, line_start, chunk, lines_before)) {
      ec = std::make_error_code(std::errc::io_error);
      return {};
    }
    for (auto& finding : findings) {
      finding.line += lines_before;
    }
  }
  return findings;
}

std::string describe(std::string_view path, const Finding& finding) {
  return fmt::format("{}:{} {} {}, fingerprint {}", path, finding.line, finding.rule, finding.redacted,
                     finding.fingerprint);
}

bool is_fingerprint(std::string_view text) {
  static constexpr std::string_view k_prefix = "cs1:";
  return text.size() == k_prefix.size() + 16 && text.starts_with(k_prefix) &&
         std::all_of(text.begin() + static_cast<std::ptrdiff_t>(k_prefix.size()), text.end(),
                     [](char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); });
}

} // namespace codexsync::secrets
