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
//
// The details:
// - A line's identity is its bytes without the "\n" or "\r\n" that ends it.
//   Blank lines (nothing but spaces, tabs, '\r') are no lines: not counted, not
//   written.
// - Only top-level fields count (a "timestamp" inside a nested object does
//   not), and only when the whole line is one well-formed JSON object; when
//   several of the four are there, the first in that order that holds a time
//   wins. Numbers above 1e11 are milliseconds, others seconds; fractions kept.
//   RFC 3339 text may have a fraction and "Z" or a "+hh:mm"/"-hh:mm" offset.
// - A last line without a line ending that is the beginning of a longer line of
//   the other side is a write cut short by a crash: it counts as held by the
//   other side and is not written.
// - When both sides hold every line of the other (a_has_all and b_has_all),
//   text is a.
// - Otherwise every line of text ends with "\n", or with "\r\n" when every
//   line ending in a and b is "\r\n" (mixed files become "\n"); a missing
//   line ending on either side's last line is added.
LineMerge merge_lines(std::string_view a, std::string_view b);

} // namespace codexsync::merge
