#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

// The secret guard: finds credentials in text before it leaves the machine.
// Nothing here ever returns or logs the secret itself.
namespace codexsync::secrets {

struct Finding {
  std::string rule;         // "private-key", "openai-key", "github-token", "bearer", "assignment", ...
  std::size_t line = 0;     // 1-based line in the scanned text/file
  std::string redacted;     // a safe rendering: a short prefix and the length, e.g. "ghp_****(40 chars)"
  std::string fingerprint;  // "cs1:" + 16 hex of a SHA-256 over rule and value: stable, not reversible
};

// How much scan_file reads at once, and the longest stretch of one line looked
// at as a whole: a longer line (a chat line with an embedded image) is scanned
// in overlapping windows of this size. Tests put secrets across both.
inline constexpr std::size_t k_read_chunk_bytes = 64 * 1024;
inline constexpr std::size_t k_line_window_bytes = 1024 * 1024;
// Values longer than this are data (an image, a blob), never a credential.
inline constexpr std::size_t k_max_value_chars = 4096;

// The findings in `text` (in line order). Each secret's first finding is
// always there; further findings of a secret already found only while there
// are fewer than 1000 in all.
std::vector<Finding> scan_text(std::string_view text);

// The findings in the file from byte `from` on (a fast-forward scans only the
// new tail; it starts at the line holding `from`), read in chunks. Binary files
// (a NUL byte in the first 8 KiB) yield nothing. Sets `ec` when unreadable.
// With `keep`, also keeps the bytes it read, from the start of that line to
// the end of the file (`keep->offset` says where they start), so a copy that
// follows can take them instead of reading the file again; `keep->complete`
// stays false for a binary file, which is not read past its first 8 KiB.
struct KeptBytes {
  std::uint64_t offset = 0;
  std::string bytes;
  bool complete = false;
};
std::vector<Finding> scan_file(const std::filesystem::path& file, std::uint64_t from, std::error_code& ec,
                               KeptBytes* keep = nullptr);

// "skills/x/SKILL.md:12 github-token ghp_****(40 chars), fingerprint cs1:…":
// a finding for messages and logs (it holds no more than the redaction).
std::string describe(std::string_view path, const Finding& finding);

// True for text shaped like a Finding::fingerprint ("cs1:" and 16 lower-case hex digits).
bool is_fingerprint(std::string_view text);

} // namespace codexsync::secrets
