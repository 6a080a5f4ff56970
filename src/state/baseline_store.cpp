#include <codexsync/core/error.hpp>
#include <codexsync/state/baseline_store.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/sha256.hpp>
#include <codexsync/util/text.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <vector>

// The baseline file (v2): a JSON header line, then one line per path, sorted,
//   <path>\t<local>\t<cloud>
// where a side is `-` (absent), `<size>:<mtime_ns>` or
// `<size>:<mtime_ns>:<sha256>`, and the path has `%`, tab, CR and LF written as
// `%25`, `%09`, `%0D`, `%0A`; then `end <count>`, so a file cut short is told
// from a complete one. v1 (one JSON document) is still read.
namespace codexsync::state {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_format_v1 = "codexsync-baseline-v1";
constexpr std::string_view k_format = "codexsync-baseline-v2";
constexpr std::string_view k_end = "end ";
constexpr std::size_t k_chunk = std::size_t{1} << 20U;

// The fields every format's header carries; "" when absent or not a string.
struct Header {
  std::string format;
  std::string machine;
  std::optional<std::string> install_id;  // nullopt: absent (not checked)
  std::string local_root;
  std::string cloud_root;
};

std::string text_field(const nlohmann::json& doc, const char* key) {
  const auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Header header_of(const nlohmann::json& doc) {
  Header h;
  h.format = text_field(doc, "format");
  h.machine = text_field(doc, "machine");
  if (doc.contains("install_id")) {
    h.install_id = text_field(doc, "install_id");
  }
  h.local_root = text_field(doc, "local_root");
  h.cloud_root = text_field(doc, "cloud_root");
  return h;
}

std::string damaged(const BaselineFile& file) {
  return fmt::format("baseline {} is damaged: treated as a first sync", util::display_path(file.path));
}

std::string unreadable(const BaselineFile& file, const std::error_code& ec) {
  return fmt::format("baseline {} unreadable ({}): treated as a first sync", util::display_path(file.path),
                     ec.message());
}

// Applies the rules that do not depend on the entries: returns false (with
// the note set) when the file is not this machine's baseline of these folders.
bool accept_header(const BaselineFile& file, const Header& h, LoadedBaseline& out) {
  if (!file.install_id.empty() && h.install_id && *h.install_id != file.install_id) {
    out.other_install = true;
    out.note = fmt::format("baseline {} belongs to another computer that uses the machine id \"{}\" too (install "
                           "{}; this one is {}). Give each computer its own identity.machine_id; if this is the "
                           "same computer reinstalled, delete that file to start over",
                           util::display_path(file.path), file.machine, *h.install_id, file.install_id);
    return false;
  }
  if (h.machine != file.machine) {
    out.note = fmt::format("baseline {} was written by machine \"{}\": treated as a first sync",
                           util::display_path(file.path), h.machine);
    return false;
  }
  if (h.local_root != util::display_path(file.local_root) || h.cloud_root != util::display_path(file.cloud_root)) {
    out.note = fmt::format("baseline {} describes other folders ({} and {}): treated as a first sync",
                           util::display_path(file.path), h.local_root, h.cloud_root);
    return false;
  }
  return true;
}

// --- v1: one JSON document ---------------------------------------------------

std::optional<FileState> from_json(const nlohmann::json& j) {
  if (j.is_null()) {
    return std::nullopt;
  }
  if (!j.is_object() || !j.contains("size") || !j["size"].is_number_unsigned() || !j.contains("mtime_ns") ||
      !j["mtime_ns"].is_number_integer()) {
    throw std::invalid_argument("malformed file state");
  }
  FileState s;
  s.size = j["size"].get<std::uint64_t>();
  s.mtime_ns = j["mtime_ns"].get<std::int64_t>();
  if (j.contains("sha256") && j["sha256"].is_string()) {
    const auto digest = util::Sha256Digest::from_hex(j["sha256"].get<std::string>());
    if (!digest) {
      throw std::invalid_argument("malformed file state");
    }
    s.sha256 = *digest;
  }
  return s;
}

LoadedBaseline load_v1(const BaselineFile& file) {
  LoadedBaseline out;
  std::error_code ec;
  const auto text = util::read_file(file.path, ec);
  if (!text) {
    out.note = unreadable(file, ec);
    return out;
  }
  const auto doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded()) {
    out.note = damaged(file);
    return out;
  }
  if (!doc.is_object() || text_field(doc, "format") != k_format_v1 || !doc.contains("files") ||
      !doc["files"].is_object()) {
    out.note = fmt::format("baseline {} has an unknown format: treated as a first sync",
                           util::display_path(file.path));
    return out;
  }
  if (!accept_header(file, header_of(doc), out)) {
    return out;
  }
  for (const auto& [path, entry] : doc["files"].items()) {
    try {
      if (!entry.is_object()) {
        continue;
      }
      BaselineEntry e;
      e.local = from_json(entry.value("local", nlohmann::json()));
      e.cloud = from_json(entry.value("cloud", nlohmann::json()));
      if (e.local || e.cloud) {
        out.baseline.emplace(path, std::move(e));
      }
    } catch (const std::exception&) {
      // A malformed entry: that path reads as never synced.
    }
  }
  out.usable = true;
  return out;
}

// --- v2: a header line, one line per path, an end line ------------------------

// Hands out a file's lines a chunk at a time, so the whole text is never held.
class LineReader {
public:
  explicit LineReader(const fs::path& path) : m_in(path, std::ios::binary) {}

  bool is_open() const { return m_in.is_open(); }
  // True when a read failed (not at the end of the file).
  bool failed() const { return m_failed; }

  // The next line without its '\n' (the last one may lack it), valid until
  // the next call; nullopt at the end or when a read fails.
  std::optional<std::string_view> next() {
    while (true) {
      const auto newline = m_buffer.find('\n', m_scanned);
      if (newline != std::string::npos) {
        const auto line = std::string_view(m_buffer).substr(m_pos, newline - m_pos);
        m_pos = m_scanned = newline + 1;
        return line;
      }
      m_scanned = m_buffer.size();
      if (m_eof) {
        if (m_pos < m_buffer.size()) {
          const auto line = std::string_view(m_buffer).substr(m_pos);
          m_pos = m_buffer.size();
          return line;
        }
        return std::nullopt;
      }
      fill();
    }
  }

private:
  // Drops the lines handed out and appends the next chunk.
  void fill() {
    m_buffer.erase(0, m_pos);
    m_scanned -= m_pos;
    m_pos = 0;
    const auto kept = m_buffer.size();
    m_buffer.resize(kept + k_chunk);
    m_in.read(m_buffer.data() + kept, static_cast<std::streamsize>(k_chunk));
    const auto got = static_cast<std::size_t>(m_in.gcount());
    m_buffer.resize(kept + got);
    if (got < k_chunk) {
      m_eof = true;
      m_failed = m_in.bad();
    }
  }

  std::ifstream m_in;
  std::string m_buffer;
  std::size_t m_pos = 0;      // where the next line starts
  std::size_t m_scanned = 0;  // no '\n' in [m_pos, m_scanned)
  bool m_eof = false;
  bool m_failed = false;
};

template <typename Number>
bool parse_number(std::string_view text, Number& out) {
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

// "-", "<size>:<mtime_ns>" or "<size>:<mtime_ns>:<sha256>"; false when malformed
// (a hash that is not 64 lower-case hex digits included: util::Sha256Digest::from_hex).
bool parse_side(std::string_view text, std::optional<FileState>& out) {
  if (text == "-") {
    out.reset();
    return true;
  }
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    return false;
  }
  FileState s;
  if (!parse_number(text.substr(0, colon), s.size)) {
    return false;
  }
  auto rest = text.substr(colon + 1);
  const auto second = rest.find(':');
  if (second != std::string_view::npos) {
    const auto hash = util::Sha256Digest::from_hex(rest.substr(second + 1));
    if (!hash) {
      return false;
    }
    s.sha256 = *hash;
    rest = rest.substr(0, second);
  }
  if (!parse_number(rest, s.mtime_ns)) {
    return false;
  }
  out = std::move(s);
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  return -1;
}

// Undoes escape_path(); nullopt for an empty path or a stray '%'.
std::optional<std::string> unescape_path(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  if (text.find('%') == std::string_view::npos) {
    return std::string(text);
  }
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    const int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
    const int low = high >= 0 ? hex_value(text[i + 2]) : -1;
    if (low < 0) {
      return std::nullopt;
    }
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

// One entry line; false when malformed.
bool parse_entry(std::string_view line, std::string& path, BaselineEntry& entry) {
  const auto first = line.find('\t');
  const auto second = first == std::string_view::npos ? first : line.find('\t', first + 1);
  if (second == std::string_view::npos || line.find('\t', second + 1) != std::string_view::npos) {
    return false;
  }
  auto unescaped = unescape_path(line.substr(0, first));
  if (!unescaped || !parse_side(line.substr(first + 1, second - first - 1), entry.local) ||
      !parse_side(line.substr(second + 1), entry.cloud)) {
    return false;
  }
  path = std::move(*unescaped);
  return true;
}

// Checks a v2 header, then reads the entries after it. The file must end with
// "end <count>" after exactly `count` entry lines (malformed ones included),
// else it was cut short or added to: damaged.
LoadedBaseline load_v2(const BaselineFile& file, LineReader& reader, const nlohmann::json& head) {
  LoadedBaseline out;
  const auto count = head.find("count");
  if (count == head.end() || !count->is_number_unsigned()) {
    out.note = damaged(file);
    return out;
  }
  const auto expected = count->get<std::uint64_t>();
  if (!accept_header(file, header_of(head), out)) {
    return out;
  }
  std::uint64_t lines = 0;
  std::optional<std::uint64_t> end_count;
  bool extra = false;
  while (const auto next = reader.next()) {
    auto line = *next;
    if (end_count) {
      extra = true;
      break;
    }
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);  // a literal CR is always escaped: this one is a line ending
    }
    if (line.starts_with(k_end) && line.find('\t') == std::string_view::npos) {
      std::uint64_t n = 0;
      if (parse_number(line.substr(k_end.size()), n)) {
        end_count = n;
        continue;
      }
    }
    ++lines;
    std::string path;
    BaselineEntry entry;
    if (parse_entry(line, path, entry) && (entry.local || entry.cloud)) {
      out.baseline.emplace_hint(out.baseline.end(), std::move(path), std::move(entry));
    }
    // A malformed line: that path reads as never synced.
  }
  if (reader.failed()) {
    out.baseline.clear();
    out.note = unreadable(file, std::make_error_code(std::errc::io_error));
    return out;
  }
  if (extra || !end_count || *end_count != expected || lines != expected) {
    out.baseline.clear();
    out.note = damaged(file);
    return out;
  }
  out.usable = true;
  return out;
}

// --- writing v2 ----------------------------------------------------------------

template <typename Number>
void append_number(std::string& out, Number n) {
  char buffer[24];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, n);
  out.append(buffer, end);
}

void append_path(std::string& out, std::string_view path) {
  static constexpr std::string_view k_special = "%\t\r\n";
  std::size_t from = 0;
  for (auto at = path.find_first_of(k_special); at != std::string_view::npos;
       at = path.find_first_of(k_special, from)) {
    out.append(path.substr(from, at - from));
    out.append(path[at] == '%' ? "%25" : path[at] == '\t' ? "%09" : path[at] == '\r' ? "%0D" : "%0A");
    from = at + 1;
  }
  out.append(path.substr(from));
}

void append_side(std::string& out, const std::optional<FileState>& side) {
  if (!side) {
    out.push_back('-');
    return;
  }
  append_number(out, side->size);
  out.push_back(':');
  append_number(out, side->mtime_ns);
  if (side->sha256) {
    out.push_back(':');
    side->sha256->append_hex(out);
  }
}

// One pass over the map (it is large and scattered in memory): an entry with
// neither side is written too ("-\t-") and read back as never synced. The
// text goes to `writer` a chunk at a time (at 100,000 paths it is some 30 MB).
void render_v2(const BaselineFile& file, const BaselineFeed& feed, util::AtomicFileWriter& writer) {
  std::size_t count = 0;
  feed([&count](const std::string& /*path*/, const BaselineEntry& /*entry*/) { ++count; });
  const nlohmann::ordered_json head{{"format", k_format},
                                    {"machine", file.machine},
                                    {"install_id", file.install_id},
                                    {"local_root", util::display_path(file.local_root)},
                                    {"cloud_root", util::display_path(file.cloud_root)},
                                    {"count", count}};
  std::string out = head.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out.reserve(util::AtomicFileWriter::k_chunk + 4096);
  out.push_back('\n');
  std::size_t written = 0;
  feed([&](const std::string& path, const BaselineEntry& entry) {
    append_path(out, path);
    out.push_back('\t');
    append_side(out, entry.local);
    out.push_back('\t');
    append_side(out, entry.cloud);
    out.push_back('\n');
    ++written;
    writer.write_if_full(out);
  });
  if (written != count) {
    // A feed that changed between its two calls: the file would not load.
    throw RuntimeError(fmt::format("the baseline {} changed while it was written ({} entries, then {})",
                                   util::display_path(file.path), count, written));
  }
  out.append(k_end);
  append_number(out, count);
  out.push_back('\n');
  writer.write(out);
}

} // namespace

std::filesystem::path baseline_path(const std::filesystem::path& temp_dir,
                                    const std::optional<std::filesystem::path>& manifest_file,
                                    const std::string& machine) {
  if (manifest_file) {
    return manifest_file->parent_path() / (manifest_file->stem().string() + "." + machine + ".json");
  }
  return temp_dir / "state" / ("baseline." + machine + ".json");
}

LoadedBaseline load_baseline(const BaselineFile& file) {
  LoadedBaseline out;
  std::error_code ec;
  if (!std::filesystem::exists(file.path, ec)) {
    out.note = "first sync: no baseline yet";
    return out;
  }
  LineReader reader(file.path);
  if (!reader.is_open()) {
    out.note = unreadable(file, std::make_error_code(std::errc::permission_denied));
    return out;
  }
  // v2 starts with a one-line JSON header; v1 is one JSON document whose
  // first line is not a whole object (or is, with the v1 format).
  const auto first = reader.next();
  if (reader.failed()) {
    out.note = unreadable(file, std::make_error_code(std::errc::io_error));
    return out;
  }
  const auto head = first ? nlohmann::json::parse(*first, nullptr, false) : nlohmann::json(nullptr);
  const auto format = head.is_object() ? text_field(head, "format") : std::string();
  if (format == k_format) {
    return load_v2(file, reader, head);
  }
  if (!format.empty() && format != k_format_v1) {
    out.note = fmt::format("baseline {} has an unknown format: treated as a first sync",
                           util::display_path(file.path));
    return out;
  }
  return load_v1(file);
}

std::string install_id(const std::optional<std::filesystem::path>& state_dir) {
  if (!state_dir) {
    return {};
  }
  const auto path = *state_dir / "install-id";
  std::error_code ec;
  if (const auto text = util::read_file(path, ec)) {
    const auto id = std::string(util::trim(*text));
    if (!id.empty()) {
      return id;
    }
  }
  // Two first runs at once must agree on one id: write a candidate beside it,
  // then link it into place, which fails if another run got there first (whose
  // id is then the one).
  auto id = util::random_hex(16);
  std::filesystem::create_directories(*state_dir, ec);
  const auto candidate = *state_dir / ("install-id." + util::random_hex(6) + ".tmp");
  util::write_file_atomic(candidate, id + "\n", ec);
  if (ec) {
    return {};
  }
  std::filesystem::create_hard_link(candidate, path, ec);
  const bool linked = !ec;
  std::error_code ignored;
  if (!linked && !std::filesystem::exists(path, ignored)) {
    std::filesystem::rename(candidate, path, ec);  // no hard links here (FAT): best effort
  }
  std::filesystem::remove(candidate, ignored);
  if (linked) {
    return id;
  }
  const auto text = util::read_file(path, ignored);
  return text ? std::string(util::trim(*text)) : std::string();
}

void save_baseline(const BaselineFile& file, const Baseline& baseline) {
  save_baseline(file, [&baseline](const BaselineSink& sink) {
    for (const auto& [path, entry] : baseline) {
      sink(path, entry);
    }
  });
}

void save_baseline(const BaselineFile& file, const BaselineFeed& feed) {
  std::error_code ec;
  util::write_file_in_pieces(file.path, [&](util::AtomicFileWriter& writer) { render_v2(file, feed, writer); }, ec);
  if (ec) {
    throw RuntimeError(fmt::format("cannot write the baseline {} ({}); the files were synced, but the next run "
                                   "will compare them again. Check free space and permissions",
                                   util::display_path(file.path), ec.message()));
  }
}

// --- resume points -------------------------------------------------------------
//   codexsync-resume-v2
//   <path>\t<side>\t<sha256>\t<bytes>:<midstate hex>\t<device>:<inode>:<size>:<mtime_ns>\t<resumes>\t<check>
// (path escaped as in the baseline; <check>: the first 16 hex digits of the
// SHA-256 of everything before it on the line, so a damaged line is dropped).
//   end <count>

namespace {

constexpr std::string_view k_resume_format = "codexsync-resume-v2";
constexpr std::size_t k_resume_fields = 7;

std::string resume_check(std::string_view line_before_check) {
  return util::sha256_hex(line_before_check).substr(0, 16);
}

std::optional<ResumePoint> parse_resume_line(std::string_view line, std::string& path) {
  std::vector<std::string_view> fields;
  for (std::size_t at = 0;;) {
    const auto tab = line.find('\t', at);
    fields.push_back(line.substr(at, tab == std::string_view::npos ? std::string_view::npos : tab - at));
    if (tab == std::string_view::npos) {
      break;
    }
    at = tab + 1;
  }
  if (fields.size() != k_resume_fields ||
      fields[6] != resume_check(line.substr(0, line.size() - fields[6].size() - 1))) {
    return std::nullopt;
  }
  auto unescaped = unescape_path(fields[0]);
  const auto state = util::parse_midstate(fields[3]);
  const auto hash = util::Sha256Digest::from_hex(fields[2]);
  ResumePoint point;
  if (!unescaped || (fields[1] != "local" && fields[1] != "cloud") || !hash || !state ||
      !parse_number(fields[5], point.resumes)) {
    return std::nullopt;
  }
  const auto file = fields[4];
  const auto c1 = file.find(':');
  const auto c2 = c1 == std::string_view::npos ? c1 : file.find(':', c1 + 1);
  const auto c3 = c2 == std::string_view::npos ? c2 : file.find(':', c2 + 1);
  if (c3 == std::string_view::npos || !parse_number(file.substr(0, c1), point.device) ||
      !parse_number(file.substr(c1 + 1, c2 - c1 - 1), point.inode) ||
      !parse_number(file.substr(c2 + 1, c3 - c2 - 1), point.size) || !parse_number(file.substr(c3 + 1), point.mtime_ns)) {
    return std::nullopt;
  }
  point.side = fields[1] == "local" ? Side::local : Side::cloud;
  point.sha256 = *hash;
  point.state = *state;
  path = std::move(*unescaped);
  return point;
}

} // namespace

fs::path resume_points_path(const BaselineFile& file) {
  auto name = file.path.stem();
  name += ".resume.txt";
  return file.path.parent_path() / name;
}

ResumePoints load_resume_points(const BaselineFile& file) {
  LineReader reader(resume_points_path(file));
  if (!reader.is_open()) {
    return {};
  }
  const auto head = reader.next();
  if (!head || *head != k_resume_format) {
    return {};
  }
  ResumePoints points;
  std::size_t lines = 0;
  while (const auto line = reader.next()) {
    if (line->starts_with(k_end)) {
      std::size_t count = 0;
      const bool complete = parse_number(line->substr(k_end.size()), count) && count == lines && !reader.next();
      return complete ? points : ResumePoints{};
    }
    ++lines;
    std::string path;
    if (auto point = parse_resume_line(*line, path)) {
      points[std::move(path)] = std::move(*point);
    }
  }
  return {};  // cut short, or a read failed
}

void save_resume_points(const BaselineFile& file, const ResumePoints& points) {
  std::string out(k_resume_format);
  out.push_back('\n');
  std::string line;
  for (const auto& [path, point] : points) {
    line.clear();
    append_path(line, path);
    line.push_back('\t');
    line.append(side_name(point.side));
    line.push_back('\t');
    point.sha256.append_hex(line);
    line.push_back('\t');
    line.append(util::to_text(point.state));
    line.push_back('\t');
    append_number(line, point.device);
    line.push_back(':');
    append_number(line, point.inode);
    line.push_back(':');
    append_number(line, point.size);
    line.push_back(':');
    append_number(line, point.mtime_ns);
    line.push_back('\t');
    append_number(line, point.resumes);
    const auto check = resume_check(line);
    out.append(line);
    out.push_back('\t');
    out.append(check);
    out.push_back('\n');
  }
  out.append(k_end);
  append_number(out, points.size());
  out.push_back('\n');
  const auto path = resume_points_path(file);
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (!ec) {
    util::write_file_atomic(path, out, ec);
  }
  if (ec) {
    throw RuntimeError(fmt::format("cannot write {} ({}); check free space and permissions",
                                   util::display_path(path), ec.message()));
  }
}

} // namespace codexsync::state
