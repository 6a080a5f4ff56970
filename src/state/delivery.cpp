#include <codexsync/core/error.hpp>
#include <codexsync/state/delivery.hpp>
#include <codexsync/util/clock.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/text.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <fstream>

namespace codexsync::state {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_format = "codexsync-delivery-v1";

// --- writing: JSON text as nlohmann's compact dump() writes it -----------------

// The letter JSON escapes `c` with after a backslash (as nlohmann writes
// it), or 0 when `c` takes the \u00xx form.
char short_escape(unsigned char c) {
  switch (c) {
  case '"':
    return '"';
  case '\\':
    return '\\';
  case '\b':
    return 'b';
  case '\f':
    return 'f';
  case '\n':
    return 'n';
  case '\r':
    return 'r';
  case '\t':
    return 't';
  default:
    return 0;
  }
}

// Appends `text` as a JSON string: `"` and `\` escaped, control characters as
// \b \f \n \r \t or \u00xx, other UTF-8 as it is. Returns false when `text` is
// not well-formed UTF-8 (each bad sequence is then written as U+FFFD).
bool append_json_string(std::string& out, std::string_view text) {
  static constexpr char k_hex[] = "0123456789abcdef";
  bool valid = true;
  out.push_back('"');
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t plain = i;
    while (plain < text.size()) {
      const auto c = static_cast<unsigned char>(text[plain]);
      if (c < 0x20U || c >= 0x80U || c == '"' || c == '\\') {
        break;
      }
      ++plain;
    }
    out.append(text.substr(i, plain - i));
    i = plain;
    if (i == text.size()) {
      break;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80U) {
      std::size_t at = i;
      if (util::next_utf8(text, at)) {
        out.append(text.substr(i, at - i));
      } else {
        out.append("\xEF\xBF\xBD");
        valid = false;
      }
      i = at;
      continue;
    }
    if (const char letter = short_escape(c); letter != 0) {
      out.push_back('\\');
      out.push_back(letter);
    } else {
      out.append("\\u00");
      out.push_back(k_hex[c >> 4U]);
      out.push_back(k_hex[c & 0xFU]);
    }
    ++i;
  }
  out.push_back('"');
  return valid;
}

void append_number(std::string& out, std::uint64_t n) {
  char buffer[24];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, n);
  out.append(buffer, end);
}

// Appends `"path":` for an object member, or nothing (returning false) when
// the path is not UTF-8, which JSON cannot hold: the scanner never gives one,
// and leaving it out only spares peers a check.
bool append_path_key(std::string& out, std::string_view path, bool& first) {
  const auto mark = out.size();
  if (!first) {
    out.push_back(',');
  }
  if (!append_json_string(out, path)) {
    out.resize(mark);
    return false;
  }
  out.push_back(':');
  first = false;
  return true;
}

// Keys in the order nlohmann's objects (sorted maps) dump them, so the text is
// the one the DOM writer gave. The text goes to `writer` a chunk at a time (a
// first sync of 100,000 files claims them all: some 25 MB); the statements
// come from `statements`, the rest from `r`.
StatementCounts render(const DeliveryRecord& r, const StatementFeed& statements, util::AtomicFileWriter& writer) {
  StatementCounts counts;
  std::string out;
  out.reserve(util::AtomicFileWriter::k_chunk + 4096);
  out.append(R"({"deleted":{)");
  bool first = true;
  const TombstoneSink tombstone = [&](std::string_view path, std::string_view at) {
    if (append_path_key(out, path, first)) {
      out.append(R"({"at":)");
      append_json_string(out, at);
      out.push_back('}');
      ++counts.deleted;
    }
    writer.write_if_full(out);
  };
  statements(&tombstone, nullptr);
  out.append(R"(},"files":{)");
  first = true;
  const ClaimSink claim = [&](std::string_view path, const Claim& c) {
    if (append_path_key(out, path, first)) {
      out.append(R"({"at":)");
      append_json_string(out, c.at);
      out.append(R"(,"sha256":")");
      if (c.sha256) {
        c.sha256->append_hex(out);
      }
      out.push_back('"');
      out.append(R"(,"size":)");
      append_number(out, c.size);
      out.push_back('}');
      ++counts.files;
    }
    writer.write_if_full(out);
  };
  statements(nullptr, &claim);
  out.append(R"(},"format":)");
  append_json_string(out, k_format);
  out.append(R"(,"generation":)");
  append_number(out, r.generation);
  out.append(R"(,"machine":)");
  append_json_string(out, r.machine);
  out.append(R"(,"run":)");
  append_json_string(out, r.run);
  out.append(R"(,"written":)");
  append_json_string(out, r.written);
  out.push_back('}');
  writer.write(out);
  return counts;
}

// --- reading: SAX events straight into a DeliveryRecord ------------------------

// Fills a DeliveryRecord from nlohmann's SAX events, without a DOM. Unknown
// keys (and whatever they hold) are skipped; a known key with a value of the
// wrong type, a missing required key or a syntax error stops the parse with
// error() saying why.
class RecordReader {
public:
  explicit RecordReader(DeliveryRecord& record) : m_record(record) {}

  // After a successful parse: "" when the record is complete, else why not.
  std::string finish() const {
    if (m_format != k_format) {
      return "not a codexsync delivery record (unknown format)";
    }
    if (!m_has_machine) {
      return R"(no "machine")";
    }
    if (!m_has_files || !m_has_deleted) {
      return m_has_files ? R"(no "deleted")" : R"(no "files")";
    }
    return {};
  }
  const std::string& error() const { return m_error; }

  bool null() { return scalar(Kind::other); }
  bool boolean(bool /*value*/) { return scalar(Kind::other); }
  bool number_integer(nlohmann::json::number_integer_t /*value*/) { return scalar(Kind::other); }
  bool number_unsigned(nlohmann::json::number_unsigned_t value) {
    m_number = value;
    return scalar(Kind::number);
  }
  bool number_float(nlohmann::json::number_float_t /*value*/, const nlohmann::json::string_t& /*text*/) { return scalar(Kind::other); }
  bool string(nlohmann::json::string_t& value) {
    m_text = &value;
    return scalar(Kind::text);
  }
  bool binary(nlohmann::json::binary_t& /*value*/) { return scalar(Kind::other); }

  bool start_object(std::size_t /*elements*/) {
    if (m_skip > 0) {
      ++m_skip;
      return true;
    }
    switch (m_depth) {
    case 0: break;
    case 1:
      if (m_key == "files" || m_key == "deleted") {
        m_section = m_key == "files" ? Section::files : Section::deleted;
        (m_section == Section::files ? m_has_files : m_has_deleted) = true;
      } else if (!skip_unknown()) {
        return false;
      }
      break;
    case 2:
      m_claim = Claim{};
      m_has_size = m_has_sha256 = m_has_at = false;
      break;
    default:
      return skip_unknown();
    }
    if (m_skip == 0) {
      ++m_depth;
    }
    return true;
  }

  bool end_object() {
    if (m_skip > 0) {
      --m_skip;
      return true;
    }
    if (m_depth == 3 && !store_entry()) {
      return false;
    }
    if (m_depth == 2) {
      m_section = Section::none;
    }
    --m_depth;
    return true;
  }

  bool start_array(std::size_t /*elements*/) {
    if (m_skip > 0) {
      ++m_skip;
      return true;
    }
    return m_depth == 0 ? fail("not a codexsync delivery record (unknown format)") : skip_unknown();
  }

  bool end_array() {
    --m_skip;
    return true;
  }

  bool key(nlohmann::json::string_t& value) {
    if (m_skip == 0) {
      (m_depth == 2 ? m_path : m_key) = value;  // a copy: exact size, and the lexer keeps its buffer
    }
    return true;
  }

  bool parse_error(std::size_t /*position*/, const std::string& /*token*/, const nlohmann::json::exception& e) {
    return fail(e.what());
  }

private:
  enum class Kind { text, number, other };
  enum class Section { none, files, deleted };

  bool fail(std::string why) {
    if (m_error.empty()) {
      m_error = std::move(why);
    }
    return false;
  }

  // The value of m_key (at depth 1 or 3) or m_path (depth 2) is a container:
  // skipped when the key is not one this reader knows, else a type error.
  bool skip_unknown() {
    if (m_depth == 2) {
      return fail(fmt::format(R"("{}" in "{}" is not an object)", m_path, section_name()));
    }
    if (known_key()) {
      return wrong_type();
    }
    m_skip = 1;
    return true;
  }

  // m_key (at depth 1 or 3) holds a value of the wrong type.
  bool wrong_type() {
    if (m_depth == 1) {
      return fail(fmt::format(R"("{}" has the wrong type)", m_key));
    }
    return fail(fmt::format(R"("{}" of "{}" in "{}" has the wrong type)", m_key, m_path, section_name()));
  }

  bool known_key() const {
    if (m_depth == 1) {
      return m_key == "format" || m_key == "machine" || m_key == "generation" || m_key == "run" ||
             m_key == "written" || m_key == "files" || m_key == "deleted";
    }
    return m_key == "at" || (m_section == Section::files && (m_key == "size" || m_key == "sha256"));
  }

  const char* section_name() const { return m_section == Section::files ? "files" : "deleted"; }

  bool scalar(Kind kind) {
    if (m_skip > 0) {
      return true;
    }
    if (m_depth == 0) {
      return fail("not a codexsync delivery record (unknown format)");
    }
    if (m_depth == 2) {
      return skip_unknown();  // a claim or tombstone that is not an object
    }
    if (!known_key()) {
      return true;
    }
    const bool text = kind == Kind::text;
    const bool number = kind == Kind::number;
    if (m_depth == 1) {
      if (m_key == "generation" && number) {
        m_record.generation = m_number;
      } else if (m_key != "generation" && m_key != "files" && m_key != "deleted" && text) {
        auto& field = m_key == "format"    ? m_format
                      : m_key == "machine" ? m_record.machine
                      : m_key == "run"     ? m_record.run
                                           : m_record.written;
        field = *m_text;
        m_has_machine = m_has_machine || m_key == "machine";
      } else {
        return wrong_type();
      }
      return true;
    }
    if (m_key == "size" && number) {
      m_claim.size = m_number;
      m_has_size = true;
    } else if (m_key == "sha256" && text) {
      // "" is a pending claim; anything else must be a hash.
      const auto digest = util::Sha256Digest::from_hex(*m_text);
      if (!digest && !m_text->empty()) {
        return fail(fmt::format(R"("sha256" of "{}" in "files" is not 64 lower-case hex digits)", m_path));
      }
      m_claim.sha256 = digest;
      m_has_sha256 = true;
    } else if (m_key == "at" && text) {
      m_claim.at = *m_text;
      m_has_at = true;
    } else {
      return wrong_type();
    }
    return true;
  }

  // End of a claim or tombstone: into the record when complete (later
  // duplicates replace earlier ones, as in a DOM).
  bool store_entry() {
    if (m_section == Section::files) {
      if (!m_has_size || !m_has_sha256 || !m_has_at) {
        return fail(fmt::format(R"("{}" in "files" lacks "{}")", m_path,
                                !m_has_size ? "size" : !m_has_sha256 ? "sha256" : "at"));
      }
      m_record.files.insert_or_assign(m_record.files.end(), std::move(m_path), std::move(m_claim));
      return true;
    }
    if (!m_has_at) {
      return fail(fmt::format(R"("{}" in "deleted" lacks "at")", m_path));
    }
    m_record.deleted.insert_or_assign(m_record.deleted.end(), std::move(m_path), std::move(m_claim.at));
    return true;
  }

  DeliveryRecord& m_record;
  std::string m_error;
  std::string m_format;
  bool m_has_machine = false;
  bool m_has_files = false;
  bool m_has_deleted = false;

  int m_depth = 0;         // 1: the record, 2: "files" or "deleted", 3: a claim or tombstone
  std::size_t m_skip = 0;  // > 0: inside a value of an unknown key, this many containers deep
  Section m_section = Section::none;
  std::string m_key;   // the last key at depth 1 or 3
  std::string m_path;  // the last key at depth 2
  const nlohmann::json::string_t* m_text = nullptr;
  std::uint64_t m_number = 0;
  Claim m_claim;
  bool m_has_size = false;
  bool m_has_sha256 = false;
  bool m_has_at = false;
};

// Parses one record's text; throws std::invalid_argument saying why it is not one.
DeliveryRecord parse_record(std::istream& in) {
  DeliveryRecord r;
  RecordReader reader(r);
  if (!nlohmann::json::sax_parse(in, &reader)) {
    throw std::invalid_argument(reader.error().empty() ? std::string("not JSON") : reader.error());
  }
  if (auto why = reader.finish(); !why.empty()) {
    throw std::invalid_argument(why);
  }
  return r;
}

// Statements are dated "YYYY-MM-DDTHH:MM:SS[.fff]Z": ordered as time points,
// an unreadable date counting as the oldest.
std::chrono::system_clock::time_point when(const std::string& at) {
  return util::parse_utc_timestamp(at).value_or(std::chrono::system_clock::time_point{});
}

std::string describe_size(std::uint64_t bytes) {
  return bytes < 1024 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024.0);
}

} // namespace

fs::path delivery_dir(const fs::path& workspace, const std::string& profile) {
  auto dir = workspace / "state" / "delivery";
  return profile.empty() ? dir : dir / util::path_from_utf8(profile);
}

void write_delivery_record(const fs::path& dir, const DeliveryRecord& record) {
  write_delivery_record(dir, record, [&record](const TombstoneSink* tombstone, const ClaimSink* claim) {
    if (tombstone != nullptr) {
      for (const auto& [path, at] : record.deleted) {
        (*tombstone)(path, at);
      }
    }
    if (claim != nullptr) {
      for (const auto& [path, c] : record.files) {
        (*claim)(path, c);
      }
    }
  });
}

bool same_statements(const DeliveryRecord& record, const StatementFeed& statements) {
  bool same = true;
  auto tombstone_at = record.deleted.begin();
  auto claim_at = record.files.begin();
  const TombstoneSink tombstone = [&](std::string_view path, std::string_view at) {
    same = same && tombstone_at != record.deleted.end() && tombstone_at->first == path && tombstone_at->second == at;
    if (tombstone_at != record.deleted.end()) {
      ++tombstone_at;
    }
  };
  const ClaimSink claim = [&](std::string_view path, const Claim& c) {
    same = same && claim_at != record.files.end() && claim_at->first == path && claim_at->second == c;
    if (claim_at != record.files.end()) {
      ++claim_at;
    }
  };
  statements(&tombstone, &claim);
  return same && tombstone_at == record.deleted.end() && claim_at == record.files.end();
}

StatementCounts write_delivery_record(const fs::path& dir, const DeliveryRecord& header,
                                      const StatementFeed& statements) {
  const auto path = dir / util::path_from_utf8(header.machine + ".json");
  StatementCounts counts;
  std::error_code ec;
  util::write_file_in_pieces(path, [&](util::AtomicFileWriter& writer) { counts = render(header, statements, writer); },
                             ec);
  if (ec) {
    throw RuntimeError(fmt::format("cannot write the delivery record {} ({}); the files were synced, but other "
                                   "machines cannot check that they arrived. Check free space and permissions",
                                   util::display_path(path), ec.message()));
  }
  return counts;
}

DeliveryListing read_delivery_records(const fs::path& dir) {
  DeliveryListing out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return out;
  }
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto name = it->path().filename().u8string();
    const std::string text_name(name.begin(), name.end());
    if (!text_name.ends_with(".json") || util::is_temp_name(text_name) || !it->is_regular_file(ec)) {
      continue;
    }
    std::ifstream in(it->path(), std::ios::binary);
    if (!in) {
      std::error_code exists_ec;
      const auto why = fs::exists(it->path(), exists_ec) ? std::errc::permission_denied
                                                          : std::errc::no_such_file_or_directory;
      out.problems.push_back(fmt::format("{}: cannot read it ({})", util::display_path(it->path()),
                                         std::make_error_code(why).message()));
      continue;
    }
    try {
      auto record = parse_record(in);
      if (in.bad()) {
        throw std::invalid_argument(std::make_error_code(std::errc::io_error).message());
      }
      if (record.machine + ".json" != text_name) {
        throw std::invalid_argument(fmt::format("it names machine \"{}\"", record.machine));
      }
      out.records.push_back(std::move(record));
    } catch (const std::exception& e) {
      out.problems.push_back(fmt::format("{}: damaged ({})", util::display_path(it->path()), e.what()));
    }
  }
  if (ec) {
    out.problems.push_back(fmt::format("{}: cannot list it ({})", util::display_path(dir), ec.message()));
  }
  std::sort(out.records.begin(), out.records.end(),
            [](const DeliveryRecord& a, const DeliveryRecord& b) { return a.machine < b.machine; });
  return out;
}

bool mentions(const DeliveryListing& listing, const std::string& path) {
  return std::any_of(listing.records.begin(), listing.records.end(), [&path](const DeliveryRecord& record) {
    return record.files.count(path) != 0U || record.deleted.count(path) != 0U;
  });
}

namespace {

// A statement as for_each_newest hands it over: pointing into the records,
// valid during the call.
struct StatementView {
  const std::string* machine = nullptr;
  const Claim* claim = nullptr;  // nullptr: a tombstone
  const std::string* at = nullptr;
};

// Calls `visit(path, newest)` for each path some record mentions, in path
// order, with the newest statements about it (ties keep all, in record
// order): the records' sorted maps merged, nothing kept between paths (at
// 100,000 claims a map of statements took tens of MB).
template <typename Visit> void for_each_newest(const std::vector<DeliveryRecord>& records, Visit&& visit) {
  struct Heads {
    PathMap<Claim>::const_iterator file, file_end;
    std::map<std::string, std::string>::const_iterator tombstone, tombstone_end;
  };
  std::vector<Heads> heads;
  heads.reserve(records.size());
  for (const auto& r : records) {
    heads.push_back({r.files.begin(), r.files.end(), r.deleted.begin(), r.deleted.end()});
  }
  std::vector<StatementView> all;
  std::vector<StatementView> newest;
  std::vector<std::chrono::system_clock::time_point> times;
  for (;;) {
    const std::string* path = nullptr;  // a key in a record's map: stays valid as the heads move on
    for (const auto& h : heads) {
      if (h.file != h.file_end && (path == nullptr || h.file->first < *path)) {
        path = &h.file->first.str();
      }
      if (h.tombstone != h.tombstone_end && (path == nullptr || h.tombstone->first < *path)) {
        path = &h.tombstone->first;
      }
    }
    if (path == nullptr) {
      return;
    }
    all.clear();
    for (std::size_t i = 0; i < heads.size(); ++i) {
      auto& h = heads[i];
      if (h.file != h.file_end && h.file->first == *path) {
        all.push_back({&records[i].machine, &h.file->second, &h.file->second.at.str()});
        ++h.file;
      }
      if (h.tombstone != h.tombstone_end && h.tombstone->first == *path) {
        all.push_back({&records[i].machine, nullptr, &h.tombstone->second});
        ++h.tombstone;
      }
    }
    if (all.size() == 1) {
      visit(*path, all);  // one statement (the common case): no date to compare
      continue;
    }
    times.clear();
    for (const auto& statement : all) {
      times.push_back(when(*statement.at));
    }
    const auto latest = *std::max_element(times.begin(), times.end());
    newest.clear();
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (times[i] == latest) {
        newest.push_back(all[i]);
      }
    }
    visit(*path, newest);
  }
}

} // namespace

Statements newest_statements(const std::vector<DeliveryRecord>& records) {
  Statements out;
  for_each_newest(records, [&out](const std::string& path, const std::vector<StatementView>& newest) {
    auto& list = out.emplace_hint(out.end(), path, std::vector<Statement>{})->second;
    for (const auto& s : newest) {
      list.push_back(Statement{*s.machine, s.claim != nullptr ? std::optional<Claim>(*s.claim) : std::nullopt, *s.at});
    }
  });
  return out;
}

DeliveryCheck check_delivery(const std::vector<DeliveryRecord>& records, const std::string& self, const Index& cloud,
                             const std::function<bool(const std::string&)>& in_scope,
                             const std::function<bool(const std::string&)>& present,
                             const std::set<std::string>& unavailable) {
  DeliveryCheck out;
  for_each_newest(records, [&](const std::string& path, const std::vector<StatementView>& newest) {
    if (newest.empty() || !in_scope(path) || unavailable.count(path) != 0U) {
      return;
    }
    const auto* now = cloud.find(path);
    const auto pending = std::find_if(newest.begin(), newest.end(), [](const StatementView& s) {
      return s.claim != nullptr && s.claim->pending();
    });
    if (pending != newest.end()) {
      // A run that was writing it did not finish: nobody vouches for it. But a
      // peer's run that appended in place may have left part of a tail: the
      // file is taken only at the size it appended from. This machine's own
      // such run is settled by its next sync, which cuts the tail back first.
      const auto from = pending->claim->appending_from();
      if (from > 0 && *pending->machine != self && (now == nullptr || now->size != from)) {
        out.in_flux.push_back(Undelivered{
          path, *pending->machine,
          fmt::format("{} here; a sync of {} that began at {} was appending to it from {} and has not finished "
                      "(its next sync settles it)",
                      now == nullptr ? std::string("missing") : describe_size(now->size), *pending->machine,
                      *pending->at, describe_size(from))});
      }
      return;
    }
    const bool here = now != nullptr || present(path);
    if (now == nullptr && here) {
      return;  // there, but not something this machine syncs (filtered, a link): not its to check
    }
    // The mirror must match one of the newest statements.
    bool matched = false;
    bool hash_needed = false;
    for (const auto& s : newest) {
      if (s.claim == nullptr) {
        matched = matched || now == nullptr;
      } else if (now != nullptr && now->size == s.claim->size) {
        if (!now->sha256) {
          hash_needed = true;
        } else {
          matched = matched || *now->sha256 == s.claim->sha256;
        }
      }
    }
    if (matched) {
      if (now == nullptr) {
        out.tombstoned.insert(path);
      }
      return;
    }
    if (hash_needed) {
      out.need_hash.push_back(path);
      return;
    }
    const auto& s = newest.front();
    std::string why;
    if (*s.machine == self) {
      why = fmt::format("not what this machine wrote there at {} ({}); another machine's upload may still be "
                        "arriving, or the cloud client replaced it (look for its conflict copy)",
                        *s.at, s.claim == nullptr ? std::string("it deleted it")
                              : now == nullptr ? std::string("now missing")
                                               : fmt::format("{} then, {} now", describe_size(s.claim->size),
                                                             describe_size(now->size)));
    } else if (s.claim == nullptr) {
      why = fmt::format("deleted by {} at {}, still here", *s.machine, *s.at);
    } else if (now == nullptr) {
      why = fmt::format("missing; {} wrote it at {}", *s.machine, *s.at);
    } else if (now->size != s.claim->size) {
      why = fmt::format("{} here, {} in {}'s record of {}", describe_size(now->size), describe_size(s.claim->size),
                        *s.machine, *s.at);
    } else {
      why = fmt::format("other content than {} wrote at {}", *s.machine, *s.at);
    }
    out.undelivered.push_back(Undelivered{path, *s.machine, std::move(why)});
  });
  return out;
}

const FileState* find_written(const WrittenFiles& written, std::string_view path) {
  const auto it = std::lower_bound(written.begin(), written.end(), path,
                                   [](const WrittenFile& w, std::string_view p) { return w.path < p; });
  return it != written.end() && it->path == path ? it->state : nullptr;
}

void for_each_next_statement(const DeliveryRecord& previous, const NextStatements& next, const TombstoneSink* tombstone,
                             const ClaimSink* claim) {
  const auto& written = next.written_to_cloud;
  const auto& deleted = next.deleted_from_cloud;
  if (tombstone != nullptr) {
    // The old tombstones that still hold and the run's deletions, merged in path order.
    const auto oldest = next.now - std::chrono::hours(24) * next.tombstone_days;
    auto o = previous.deleted.begin();
    auto d = deleted.begin();
    while (o != previous.deleted.end() || d != deleted.end()) {
      if (d != deleted.end() && (o == previous.deleted.end() || *d <= o->first)) {
        if (o != previous.deleted.end() && o->first == *d) {
          ++o;
        }
        (*tombstone)(*d, next.now_text);
        ++d;
        continue;
      }
      const auto& [path, at] = *o;
      if (next.cloud_after(path) == nullptr && when(at) >= oldest && find_written(written, path) == nullptr) {
        (*tombstone)(path, at);
      }
      ++o;
    }
  }
  if (claim == nullptr) {
    return;
  }
  // The old claims that still hold and the run's writes, merged in path
  // order; a path the run deleted has none.
  const auto was_deleted = [&deleted](std::string_view path) {
    return !deleted.empty() && deleted.count(std::string(path)) != 0U;  // no string made per path without deletions
  };
  merge_claims(
    previous.files, written, [](const WrittenFile& w) { return w.path; },
    [&](const WrittenFile& w) {
      // A write it cannot vouch for (its hash unknown) is claimed by nobody.
      if (w.state->sha256 && !was_deleted(w.path)) {
        (*claim)(w.path, Claim{w.state->size, *w.state->sha256, next.now_text});
      }
    },
    [&](const std::string& path, const Claim& old) {
      if (was_deleted(path)) {
        return;
      }
      const FileState* after = next.cloud_after(path);
      if (old.pending()) {
        // A run cut short while writing it: vouch for what is there now when
        // that is known, else go on vouching for nothing.
        if (after != nullptr) {
          (*claim)(path, after->sha256 ? Claim{after->size, *after->sha256, old.at} : old);
        }
      } else if (after != nullptr && after->size == old.size && (!after->sha256 || *after->sha256 == old.sha256)) {
        (*claim)(path, old);  // still what this machine wrote
      }
    });
}

DeliveryRecord next_delivery_record(const DeliveryRecord& previous, const std::string& machine, const std::string& run,
                                    std::chrono::system_clock::time_point now,
                                    const WrittenFiles& written_to_cloud,
                                    const std::set<std::string>& deleted_from_cloud,
                                    const StateAfter& cloud_after, int tombstone_days) {
  DeliveryRecord next;
  next.machine = machine;
  next.generation = previous.generation + 1;
  next.run = run;
  next.written = util::utc_timestamp(now);
  const NextStatements statements{now, next.written, written_to_cloud, deleted_from_cloud, cloud_after, tombstone_days};
  const TombstoneSink tombstone = [&next](std::string_view path, std::string_view at) {
    next.deleted.emplace_hint(next.deleted.end(), path, at);
  };
  const ClaimSink claim = [&next](std::string_view path, const Claim& c) {
    next.files.emplace_hint(next.files.end(), path, c);
  };
  for_each_next_statement(previous, statements, &tombstone, &claim);
  return next;
}

} // namespace codexsync::state
