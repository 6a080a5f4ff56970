#include "rotating_file.hpp"
#include "format.hpp"

#include <codexsync/core/error.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/text.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <string>

namespace codexsync::log::detail {
namespace fs = std::filesystem;
namespace {

constexpr int k_max_zip_suffix = 1000;

bool is_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "YYYY-MM-DD" with digits where digits belong.
bool is_date(std::string_view text) {
  return text.size() == 10 && text[4] == '-' && text[7] == '-' && is_digits(text.substr(0, 4)) &&
         is_digits(text.substr(5, 2)) && is_digits(text.substr(8, 2));
}

// Returns `date` moved by `days` calendar days, or nullopt for a bad date.
std::optional<std::string> shift_date(std::string_view date, int days) {
  if (!is_date(date)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{
      std::chrono::year{std::stoi(std::string(date.substr(0, 4)))},
      std::chrono::month{static_cast<unsigned>(std::stoi(std::string(date.substr(5, 2))))},
      std::chrono::day{static_cast<unsigned>(std::stoi(std::string(date.substr(8, 2))))}};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  const std::chrono::year_month_day shifted{std::chrono::sys_days{ymd} + std::chrono::days{days}};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(shifted.year()),
                     static_cast<unsigned>(shifted.month()), static_cast<unsigned>(shifted.day()));
}

void warn(const std::string& message) { print_to_stderr("codexsync: warning: " + message); }

} // namespace

RotatingFile::RotatingFile(const FileSettings& settings, const util::Clock& clock)
    : m_settings(settings), m_clock(clock) {
  // One source of truth for the naming scheme: take it apart again.
  const auto sample = log_file_name(settings.base_file, settings.machine, "0000-00-00", 0);
  m_dir = sample.parent_path().empty() ? fs::path(".") : sample.parent_path();
  const auto file_name = util::display_path(sample.filename());
  m_ext = util::display_path(sample.extension());
  m_prefix = file_name.substr(0, file_name.size() - m_ext.size() - 10);
  m_lock_path = m_dir / util::path_from_utf8("." + m_prefix.substr(0, m_prefix.size() - 1) + ".lock");

  std::error_code ec;
  fs::create_directories(m_dir, ec);
  std::error_code type_ec;
  if (ec || !fs::is_directory(m_dir, type_ec)) {
    const auto reason = ec ? ec.message() : std::string("it exists and is not a folder");
    throw RuntimeError(fmt::format("cannot create the log folder '{}': {}. Create it, or set logging.file to "
                                   "a file in a writable folder.",
                                   util::display_path(m_dir), reason));
  }
  util::FileLock guard;
  lock(guard);
  const auto today = util::local_date(m_clock.now());
  select(today, 0);
  housekeeping(today);
}

void RotatingFile::write(std::string_view line, std::chrono::system_clock::time_point now) {
  std::lock_guard guard(m_mutex);
  if (m_closed) {
    return;
  }
  util::FileLock file_lock;
  lock(file_lock);
  const auto today = util::local_date(now);
  const std::uint64_t record = line.size() + 1;
  if (!m_file.is_open() || today != m_date || !still_current() || !fits(m_file.size(), record)) {
    if (select(today, record)) {
      housekeeping(today);
    }
  }
  std::string buffer;
  buffer.reserve(record);
  buffer.append(line);
  buffer.push_back('\n');
  std::error_code ec;
  if (!m_file.append(buffer, ec)) {
    throw RuntimeError(fmt::format("cannot write the log file '{}': {}. Check free space and permissions.",
                                   util::display_path(m_path), ec.message()));
  }
}

fs::path RotatingFile::path() const {
  std::lock_guard guard(m_mutex);
  return m_closed ? fs::path() : m_path;
}

void RotatingFile::close() {
  std::lock_guard guard(m_mutex);
  m_file.close();
  m_closed = true;
}

void RotatingFile::lock(util::FileLock& lock) const {
  std::error_code ec;
  if (lock.acquire(m_lock_path, util::LockWait::block, ec)) {
    return;
  }
  // The folder may have been removed under us: recreate it once.
  std::error_code dir_ec;
  fs::create_directories(m_dir, dir_ec);
  if (!lock.acquire(m_lock_path, util::LockWait::block, ec)) {
    throw RuntimeError(fmt::format("cannot open the log lock file '{}': {}. Check that the log folder is "
                                   "writable, or set logging.file elsewhere.",
                                   util::display_path(m_lock_path), ec.message()));
  }
}

fs::path RotatingFile::name_for(std::string_view date, int index) const {
  std::string name = m_prefix + std::string(date);
  if (index > 0) {
    name += "." + std::to_string(index);
  }
  return m_dir / util::path_from_utf8(name + m_ext);
}

// `<prefix><date>[.N]<ext>[.zip|.M.zip]`; anything else is not ours.
std::optional<RotatingFile::Entry> RotatingFile::parse_name(const fs::path& path) const {
  const auto name = util::display_path(path.filename());
  if (!util::starts_with(name, m_prefix)) {
    return std::nullopt;
  }
  std::string_view rest(name);
  rest.remove_prefix(m_prefix.size());
  if (rest.size() < 10 || !is_date(rest.substr(0, 10))) {
    return std::nullopt;
  }
  Entry entry;
  entry.path = path;
  entry.date = std::string(rest.substr(0, 10));
  rest.remove_prefix(10);
  if (util::ends_with(rest, ".zip")) {
    entry.zipped = true;
    rest.remove_suffix(4);
    const auto dot = rest.rfind('.');
    if (!util::ends_with(rest, m_ext) && dot != std::string_view::npos && is_digits(rest.substr(dot + 1))) {
      rest = rest.substr(0, dot);
    }
  }
  if (!util::ends_with(rest, m_ext)) {
    return std::nullopt;
  }
  rest.remove_suffix(m_ext.size());
  if (!rest.empty()) {
    if (rest.size() < 2 || rest.size() > 10 || rest[0] != '.' || !is_digits(rest.substr(1))) {
      return std::nullopt;
    }
    entry.index = std::stoi(std::string(rest.substr(1)));
  }
  return entry;
}

std::vector<RotatingFile::Entry> RotatingFile::scan() const {
  std::vector<Entry> out;
  std::error_code ec;
  for (fs::directory_iterator it(m_dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec)) {
      continue;
    }
    if (auto entry = parse_name(it->path())) {
      out.push_back(std::move(*entry));
    }
  }
  return out;
}

bool RotatingFile::fits(std::uint64_t size, std::uint64_t record) const {
  // An empty file takes any record, so one huge line cannot roll forever.
  return size == 0 || size + record <= m_settings.max_file_bytes;
}

// Called under the lock: is the file we hold still the one at its name, and
// has nobody moved on to a higher index of the same day?
bool RotatingFile::still_current() const {
  if (!m_file.is_at(m_path)) {
    return false;
  }
  std::error_code ec;
  auto next = name_for(m_date, m_index + 1);
  if (fs::exists(next, ec)) {
    return false;
  }
  next += ".zip";
  return !fs::exists(next, ec);
}

// Called under the lock. Today's file is the highest index used for `date`
// (as text or zip) when it has room for `record`, else the next index.
bool RotatingFile::select(const std::string& date, std::uint64_t record) {
  int highest = -1;
  for (const auto& entry : scan()) {
    if (entry.date == date) {
      highest = std::max(highest, entry.index);
    }
  }
  int index = 0;
  if (highest >= 0) {
    index = highest;
    std::error_code ec;
    const auto size = fs::file_size(name_for(date, highest), ec);
    if (ec || !fits(size, record)) {
      index = highest + 1;
    }
  }
  const auto target = name_for(date, index);
  if (m_file.is_open() && target == m_path && m_file.is_at(target)) {
    m_date = date;
    m_index = index;
    return false;
  }
  std::error_code ec;
  if (!m_file.open(target, ec)) {
    throw RuntimeError(fmt::format("cannot open the log file '{}': {}. Check that its folder is writable, "
                                   "or set logging.file elsewhere.",
                                   util::display_path(target), ec.message()));
  }
  m_path = target;
  m_date = date;
  m_index = index;
  return true;
}

// Called under the lock, after the current file is open.
void RotatingFile::housekeeping(const std::string& today) {
  const auto kept = prune(scan(), today);
  if (m_settings.archive != Archive::zip) {
    return;
  }
  for (const auto& entry : kept) {
    if (!entry.zipped && entry.path != m_path) {
      archive(entry);
    }
  }
}

std::vector<RotatingFile::Entry> RotatingFile::prune(std::vector<Entry> entries, const std::string& today) {
  if (m_settings.retention_days <= 0) {
    return entries;
  }
  const auto cutoff = shift_date(today, -m_settings.retention_days);
  if (!cutoff) {
    return entries;
  }
  std::vector<Entry> kept;
  for (auto& entry : entries) {
    if (entry.date >= *cutoff || entry.path == m_path) {
      kept.push_back(std::move(entry));
      continue;
    }
    std::error_code ec;
    fs::remove(entry.path, ec);
    if (ec) {
      warn(
          fmt::format("could not delete the old log '{}': {}", util::display_path(entry.path), ec.message()));
    }
  }
  return kept;
}

// Zips to a hidden temp name, renames it into place, and only then deletes the
// text log. Any failure keeps the text log.
void RotatingFile::archive(const Entry& entry) {
  const auto file_name = util::display_path(entry.path.filename());
  fs::path target;
  for (int n = 0; n < k_max_zip_suffix && target.empty(); ++n) {
    fs::path candidate = entry.path;
    candidate += n == 0 ? std::string(".zip") : "." + std::to_string(n) + ".zip";
    std::error_code ec;
    if (!fs::exists(candidate, ec) && !ec) {
      target = candidate;
    }
  }
  if (target.empty()) {
    warn(fmt::format("could not archive the log '{}': no free zip name; it stays as text",
                     util::display_path(entry.path)));
    return;
  }
  const auto temp = m_dir / util::path_from_utf8("." + file_name + ".zip.tmp");
  std::error_code ec;
  fs::remove(temp, ec);
  std::string error;
  if (!zip_one_file(entry.path, temp, file_name, error)) {
    fs::remove(temp, ec);
    warn(fmt::format("could not archive the log '{}': {}; it stays as text", util::display_path(entry.path),
                     error));
    return;
  }
  fs::rename(temp, target, ec);
  if (ec) {
    const auto reason = ec.message();
    fs::remove(temp, ec);
    warn(fmt::format("could not archive the log '{}': {}; it stays as text", util::display_path(entry.path),
                     reason));
    return;
  }
  fs::remove(entry.path, ec);
  if (ec) {
    warn(fmt::format("archived the log '{}' to '{}' but could not delete it: {}",
                     util::display_path(entry.path), util::display_path(target), ec.message()));
  }
}

} // namespace codexsync::log::detail
