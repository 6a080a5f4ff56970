#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// Merging line-oriented histories (Codex and Claude history.jsonl, Codex
// session_index.jsonl) that grow independently on each machine.
namespace codexsync::merge {

struct LineMerge {
  std::string text;             // the merged file content
  std::size_t only_in_a = 0;    // distinct lines of a that b lacked
  std::size_t only_in_b = 0;    // distinct lines of b that a lacked
  bool a_has_all = false;       // every line of b is in a: text == a, byte for byte
  bool b_has_all = false;       // every line of a is in b: text == b, byte for byte
};

// The union of the lines of `a` and `b`, exact duplicates dropped, ordered by
// each line's timestamp (a JSON object's "ts", "timestamp", "updated_at" or
// "created_at": seconds or milliseconds since the epoch, or RFC 3339 text);
// each side keeps its own order and lines without a timestamp keep their place
// after the line they followed; ties put a's line first. When one side already
// holds every line of the other, the result is that side unchanged (so
// merging is idempotent). Pure: no I/O.
LineMerge merge_lines(std::string_view a, std::string_view b);

} // namespace codexsync::merge
