// Rotating file logging through the public interface, with real files and a
// manual clock: naming, day and size rollover, zip archiving, retention,
// following other processes, and real concurrent processes (POSIX).
#include "support/catch.hpp"
#include "support/platform.hpp"
#include "support/stderr_capture.hpp"
#include "support/temp_dir.hpp"

#include <codexsync/log/log.hpp>
#include <codexsync/util/clock.hpp>

#include <nlohmann/json.hpp>
#include <zip.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#ifndef _WIN32
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

using namespace codexsync;
using namespace codexsync::log;
namespace fs = std::filesystem;
using std::chrono::hours;

namespace {

// Noon local time, so the local date is the one named whatever the time zone.
std::chrono::system_clock::time_point local_noon(int year, int month, int day) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = 12;
  tm.tm_isdst = -1;
  return std::chrono::system_clock::from_time_t(std::mktime(&tm));
}

// Sorted names of the folder's entries, hidden ones (the lock file) left out.
std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (name.front() != '.') {
      out.push_back(name);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> hidden_names_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (name.front() == '.') {
      out.push_back(name);
    }
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    if (end == std::string::npos) {
      out.push_back(text.substr(start)); // an unterminated last line is kept to be caught
      break;
    }
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

struct ZipEntry {
  std::string name;
  std::string content;
};

std::vector<ZipEntry> read_zip(const fs::path& path) {
  int code = 0;
  zip_t* archive = zip_open(path.string().c_str(), ZIP_RDONLY, &code);
  if (archive == nullptr) {
    return {};
  }
  std::vector<ZipEntry> out;
  const auto count = zip_get_num_entries(archive, 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive, static_cast<zip_uint64_t>(i), 0, &stat) != 0) {
      continue;
    }
    zip_file_t* file = zip_fopen_index(archive, static_cast<zip_uint64_t>(i), 0);
    if (file == nullptr) {
      continue;
    }
    std::string content(static_cast<std::size_t>(stat.size), '\0');
    const auto read = zip_fread(file, content.data(), stat.size);
    zip_fclose(file);
    content.resize(read < 0 ? 0 : static_cast<std::size_t>(read));
    out.push_back({stat.name, content});
  }
  zip_discard(archive);
  return out;
}

// Ends file logging even when a test fails, so no dangling clock is kept.
using test::StderrToFile;
using Session = test::LogSession;

Settings file_settings(const fs::path& base, Archive archive, std::uint64_t max_bytes = 1024ULL * 1024,
                       int retention_days = 7, Format format = Format::text) {
  Settings settings;
  settings.level = Level::info;
  settings.machine = "machine-a";
  FileSettings file;
  file.base_file = base;
  file.machine = "machine-a";
  file.format = format;
  file.retention_days = retention_days;
  file.archive = archive;
  file.max_file_bytes = max_bytes;
  settings.file = file;
  return settings;
}

// A message that makes a text record exactly 50 bytes with its newline:
// 23 (timestamp) + 6 (" INFO ") + 20 + 1.
std::string message_50(int n) {
  auto text = "line-" + std::to_string(100 + n) + "-";
  text.resize(20, 'a');
  return text;
}

std::vector<std::string> messages_in(const std::string& content) {
  std::vector<std::string> out;
  for (const auto& line : lines_of(content)) {
    const auto pos = line.find(" INFO ");
    out.push_back(pos == std::string::npos ? line : line.substr(pos + 6));
  }
  return out;
}

} // namespace

TEST_CASE("configure creates the log folder and names the file by stem, machine and local date", "[log]") {
  test::TempDir tmp;
  util::ManualClock clock(local_noon(2026, 3, 21));
  Session session;
  auto settings = file_settings(tmp / "deep/logs/codexsync.log", Archive::zip);
  settings.file->machine = "My Laptop (work)";
  StderrToFile quiet(tmp / "stderr.txt");
  configure(settings, clock);
  info("hello");

  const auto expected = tmp / "deep/logs/codexsync-My-Laptop--work-2026-03-21.log";
  REQUIRE(current_file() == expected);
  CHECK(messages_in(test::read_text(expected)) == std::vector<std::string>{"hello"});
  CHECK(names_in(tmp / "deep/logs") == std::vector<std::string>{"codexsync-My-Laptop--work-2026-03-21.log"});
}

TEST_CASE("a new local date moves to a new file and archive=text keeps the old one", "[log]") {
  test::TempDir tmp;
  util::ManualClock clock(local_noon(2026, 3, 21));
  Session session;
  StderrToFile quiet(tmp / "stderr.txt");
  configure(file_settings(tmp / "logs/codexsync.log", Archive::text), clock);
  info("day one a");
  info("day one b");
  clock.advance(hours(24));
  info("day two");

  const auto dir = tmp / "logs";
  CHECK(names_in(dir) ==
        std::vector<std::string>{"codexsync-machine-a-2026-03-21.log", "codexsync-machine-a-2026-03-22.log"});
  CHECK(messages_in(test::read_text(dir / "codexsync-machine-a-2026-03-21.log")) ==
        std::vector<std::string>{"day one a", "day one b"});
  CHECK(messages_in(test::read_text(dir / "codexsync-machine-a-2026-03-22.log")) ==
        std::vector<std::string>{"day two"});
  CHECK(current_file() == dir / "codexsync-machine-a-2026-03-22.log");
}

TEST_CASE("a new local date zips yesterday's file and removes it", "[log]") {
  test::TempDir tmp;
  util::ManualClock clock(local_noon(2026, 3, 21));
  Session session;
  StderrToFile quiet(tmp / "stderr.txt");
  configure(file_settings(tmp / "logs/codexsync.log", Archive::zip), clock);
  info("day one a");
  info("day one b");
  const auto before = test::read_text(tmp / "logs/codexsync-machine-a-2026-03-21.log");
  clock.advance(hours(24));
  info("day two");

  const auto dir = tmp / "logs";
  CHECK(names_in(dir) == std::vector<std::string>{"codexsync-machine-a-2026-03-21.log.zip",
                                                  "codexsync-machine-a-2026-03-22.log"});
  const auto entries = read_zip(dir / "codexsync-machine-a-2026-03-21.log.zip");
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].name == "codexsync-machine-a-2026-03-21.log");
  CHECK(entries[0].content == before);
  CHECK(messages_in(entries[0].content) == std::vector<std::string>{"day one a", "day one b"});
  CHECK(hidden_names_in(dir) == std::vector<std::string>{".codexsync-machine-a.lock"}); // no temp zip left
}

TEST_CASE("a record that would pass max_file_bytes goes to the next index and archive=text keeps all",
          "[log]") {
  test::TempDir tmp;
  util::ManualClock clock(local_noon(2026, 3, 21));
  Session session;
  StderrToFile quiet(tmp / "stderr.txt");
  configure(file_settings(tmp / "logs/codexsync.log", Archive::text, 200), clock);
  for (int i = 0; i < 10; ++i) {
    info(message_50(i));
  }

  const auto dir = tmp / "logs";
  REQUIRE(names_in(dir) == std::vector<std::string>{"codexsync-machine-a-2026-03-21.1.log",
                                                    "codexsync-machine-a-2026-03-21.2.log",
                                                    "codexsync-machine-a-2026-03-21.log"});
  CHECK(fs::file_size(dir / "codexsync-machine-a-2026-03-21.log") == 200);
  CHECK(messages_in(test::read_text(dir / "codexsync-machine-a-2026-03-21.log")) ==
        std::vector<std::string>{message_50(0), message_50(1), message_50(2), message_50(3)});
  CHECK(messages_in(test::read_text(dir / "codexsync-machine-a-2026-03-21.1.log")) ==
        std::vector<std::string>{message_50(4), message_50(5), message_50(6), message_50(7)});
  CHECK(messages_in(test::read_text(dir / "codexsync-machine-a-2026-03-21.2.log")) ==
        std::vector<std::string>{message_50(8), message_50(9)});
  CHECK(current_file() == dir / "codexsync-machine-a-2026-03-21.2.log");
}

TEST_CASE("size rollover with archive=zip zips each rolled file with its exact lines", "[log]") {
  test::TempDir tmp;
  util::ManualClock clock(local_noon(2026, 3, 21));
  Session session;
  StderrToFile quiet(tmp / "stderr.txt");
  configure(file_settings(tmp / "logs/codexsync.log", Archive::zip, 200), clock);
  for (int i = 0; i < 10; ++i) {
    info(message_50(i));
  }

  const auto dir = tmp / "logs";
  REQUIRE(names_in(dir) == std::vector<std::string>{"codexsync-machine-a-2026-03-21.1.log.zip",
                                                    "codexsync-machine-a-2026-03-21.2.log",
                                                    "codexsync-machine-a-2026-03-21.log.zip"});
  const auto first = read_zip(dir / "codexsync-machine-a-2026-03-21.log.zip");
  REQUIRE(first.size() == 1);
  CHECK(first[0].name == "codexsync-machine-a-2026-03-21.log");
  CHECK(messages_in(first[0].content) ==
        std::vector<std::string>{message_50(0), message_50(1), message_50(2), message_50(3)});
  const auto second = read_zip(dir / "codexsync-machine-a-2026-03-21.1.log.zip");
  REQUIRE(second.size() == 1);
  CHECK(second[0].name == "codexsync-machine-a-2026-03-21.1.log");
  CHECK(messages_in(second[0].content) ==
        std::vector<std::string>{message_50(4), message_50(5), message_50(6), message_50(7)});
  CHECK(messages_in(test::read_text(dir / "codexsync-machine-a-2026-03-21.2.log")) ==
        std::vector<std::string>{message_50(8), message_50(9)});
}

TEST_CASE("a new day starts at the highest index already used that day, moving on when it is full", "[log]") {
  test::TempDir tmp;
  util::ManualClock clock(local_noon(2026, 3, 21));
  Session session;
  StderrToFile quiet(tmp / "stderr.txt");
  const auto dir = tmp.mkdir("logs");
  const auto settings = file_settings(dir / "codexsync.log", Archive::text, 200);

  SECTION("the highest text log has room") {
    tmp.write("logs/codexsync-machine-a-2026-03-21.log", "zero\n");
    tmp.write("logs/codexsync-machine-a-2026-03-21.2.log", "two\n");
    configure(settings, clock);
    info(message_50(0));
    CHECK(current_file() == dir / "codexsync-machine-a-2026-03-21.2.log");
    CHECK(messages_in(test::read_text(dir / "codexsync-machine-a-2026-03-21.2.log")) ==
          std::vector<std::string>{"two", message_50(0)});
    CHECK(test::read_text(dir / "codexsync-machine-a-2026-03-21.log") == "zero\n");
  }
  SECTION("the highest text log is full") {
    tmp.write("logs/codexsync-machine-a-2026-03-21.2.log", std::string(199, 'x') + "\n");
    configure(settings, clock);
    info(message_50(0));
    CHECK(current_file() == dir / "codexsync-machine-a-2026-03-21.3.log");
    CHECK(fs::file_size(dir / "codexsync-machine-a-2026-03-21.2.log") == 200);
  }
  SECTION("the highest index is already archived") {
    tmp.write("logs/codexsync-machine-a-2026-03-21.4.log.zip", "not really a zip");
    configure(settings, clock);
    info(message_50(0));
    CHECK(current_file() == dir / "codexsync-machine-a-2026-03-21.5.log");
  }
}

TEST_CASE("a writer follows another process that moved on or archived its file", "[log]") {
  test::TempDir tmp;
  util::ManualClock clock(local_noon(2026, 3, 21));
  Session session;
  StderrToFile quiet(tmp / "stderr.txt");
  const auto dir = tmp / "logs";
  configure(file_settings(dir / "codexsync.log", Archive::text), clock);
  info("first");
  REQUIRE(current_file() == dir / "codexsync-machine-a-2026-03-21.log");

  SECTION("another process rolled to the next index") {
    tmp.write("logs/codexsync-machine-a-2026-03-21.1.log", "theirs\n");
    info("second");
    CHECK(current_file() == dir / "codexsync-machine-a-2026-03-21.1.log");
    CHECK(messages_in(test::read_text(dir / "codexsync-machine-a-2026-03-21.1.log")) ==
          std::vector<std::string>{"theirs", "second"});
    CHECK(messages_in(test::read_text(dir / "codexsync-machine-a-2026-03-21.log")) ==
          std::vector<std::string>{"first"});
  }
  SECTION("another process archived the file this one holds") {
    fs::rename(dir / "codexsync-machine-a-2026-03-21.log", dir / "codexsync-machine-a-2026-03-21.log.zip");
    info("second");
    CHECK(current_file() == dir / "codexsync-machine-a-2026-03-21.1.log");
    CHECK(messages_in(test::read_text(dir / "codexsync-machine-a-2026-03-21.1.log")) ==
          std::vector<std::string>{"second"});
    CHECK_FALSE(fs::exists(dir / "codexsync-machine-a-2026-03-21.log"));
    CHECK(messages_in(test::read_text(dir / "codexsync-machine-a-2026-03-21.log.zip")) ==
          std::vector<std::string>{"first"});
  }
}

TEST_CASE("retention deletes only this stem and machine's logs older than the window", "[log]") {
  test::TempDir tmp;
  util::ManualClock clock(local_noon(2026, 3, 21));
  Session session;
  StderrToFile quiet(tmp / "stderr.txt");
  const std::vector<std::string> old_ours = {
      "codexsync-machine-a-2026-03-10.log", "codexsync-machine-a-2026-03-13.2.log",
      "codexsync-machine-a-2026-03-13.log.zip", "codexsync-machine-a-2026-02-01.3.log.1.zip"};
  const std::vector<std::string> kept = {
      "codexsync-machine-a-2026-03-14.log", // exactly 7 days: kept
      "codexsync-machine-a-2026-03-20.1.log",
      "codexsync-machine-b-2026-03-01.log",   // another machine
      "codexsync-machine-a-x-2026-03-01.log", // machine "machine-a-x"
      "other-machine-a-2026-03-01.log",       // another stem
      "codexsync-machine-a-2026-03-01.txt",   // another extension
      "codexsync-machine-a-2026-03-01.log.bak", "codexsync-machine-a-notadate.log", "notes.txt"};
  for (const auto& name : old_ours) {
    tmp.write("logs/" + name, "old\n");
  }
  for (const auto& name : kept) {
    tmp.write("logs/" + name, "keep\n");
  }
  tmp.mkdir("logs/codexsync-machine-a-2026-03-02.log"); // a folder, not a log

  SECTION("7 days") {
    configure(file_settings(tmp / "logs/codexsync.log", Archive::text), clock);
    info("now");
    auto expected = kept;
    expected.emplace_back("codexsync-machine-a-2026-03-02.log");
    expected.emplace_back("codexsync-machine-a-2026-03-21.log");
    std::sort(expected.begin(), expected.end());
    CHECK(names_in(tmp / "logs") == expected);
    for (const auto& name : kept) {
      CHECK(test::read_text(tmp / "logs" / name) == "keep\n");
    }
  }
  SECTION("0 means never") {
    configure(file_settings(tmp / "logs/codexsync.log", Archive::text, 1024ULL * 1024, 0), clock);
    info("now");
    for (const auto& name : old_ours) {
      CHECK(fs::exists(tmp / "logs" / name));
    }
  }
  SECTION("a later day prunes what has aged out since start-up") {
    configure(file_settings(tmp / "logs/codexsync.log", Archive::text), clock);
    info("now");
    REQUIRE(fs::exists(tmp / "logs/codexsync-machine-a-2026-03-14.log"));
    clock.advance(hours(24));
    info("tomorrow");
    CHECK_FALSE(fs::exists(tmp / "logs/codexsync-machine-a-2026-03-14.log"));
    CHECK(fs::exists(tmp / "logs/codexsync-machine-a-2026-03-20.1.log"));
    CHECK(fs::exists(tmp / "logs/codexsync-machine-b-2026-03-01.log"));
  }
}

TEST_CASE("start-up zips this machine's stale text logs and leaves other machines' alone", "[log]") {
  test::TempDir tmp;
  util::ManualClock clock(local_noon(2026, 3, 21));
  Session session;
  StderrToFile quiet(tmp / "stderr.txt");
  tmp.write("logs/codexsync-machine-a-2026-03-20.log", "yesterday 1\nyesterday 2\n");
  tmp.write("logs/codexsync-machine-a-2026-03-19.1.log", "older\n");
  tmp.write("logs/codexsync-machine-a-2026-03-19.1.log.zip", "an earlier archive"); // name taken
  tmp.write("logs/codexsync-machine-b-2026-03-20.log", "theirs\n");
  tmp.write("logs/other-machine-a-2026-03-20.log", "other stem\n");
  tmp.write("logs/notes.txt", "unrelated\n");

  configure(file_settings(tmp / "logs/codexsync.log", Archive::zip), clock);

  const auto dir = tmp / "logs";
  CHECK(names_in(dir) ==
        std::vector<std::string>{
            "codexsync-machine-a-2026-03-19.1.log.1.zip", "codexsync-machine-a-2026-03-19.1.log.zip",
            "codexsync-machine-a-2026-03-20.log.zip", "codexsync-machine-a-2026-03-21.log",
            "codexsync-machine-b-2026-03-20.log", "notes.txt", "other-machine-a-2026-03-20.log"});
  const auto yesterday = read_zip(dir / "codexsync-machine-a-2026-03-20.log.zip");
  REQUIRE(yesterday.size() == 1);
  CHECK(yesterday[0].name == "codexsync-machine-a-2026-03-20.log");
  CHECK(yesterday[0].content == "yesterday 1\nyesterday 2\n");
  const auto older = read_zip(dir / "codexsync-machine-a-2026-03-19.1.log.1.zip");
  REQUIRE(older.size() == 1);
  CHECK(older[0].content == "older\n");
  CHECK(test::read_text(dir / "codexsync-machine-a-2026-03-19.1.log.zip") == "an earlier archive");
  CHECK(test::read_text(dir / "codexsync-machine-b-2026-03-20.log") == "theirs\n");
  CHECK(test::read_text(dir / "other-machine-a-2026-03-20.log") == "other stem\n");
  CHECK(test::read_text(dir / "notes.txt") == "unrelated\n");
}

CS_POSIX_ONLY("processes logging at once lose and corrupt no line across rollover and archiving",
              "forks the logging processes (fork, waitpid)")
#ifndef _WIN32
namespace {

constexpr int k_children = 4;
constexpr int k_lines_per_child = 2000;
constexpr std::uint64_t k_small_file = 16ULL * 1024;

// Varied lengths, so a record sometimes fits in a file another process found
// full: a writer that kept its old file would then lose lines.
std::string pad_for(int child, int seq) {
  return std::string(static_cast<std::size_t>((seq * 7 + child * 13) % 97), 'x');
}

// Runs in a forked child: waits until every child exists, logs its lines and
// reports success by exit status.
int child_main(int child, int start_fd, const fs::path& base, const fs::path& stderr_file) {
  try {
    char go = 0;
    if (::read(start_fd, &go, 1) < 0) {
      return 2;
    }
    StderrToFile err(stderr_file);
    util::ManualClock clock(local_noon(2026, 3, 21));
    configure(file_settings(base, Archive::zip, k_small_file, 7, Format::json), clock);
    for (int seq = 0; seq < k_lines_per_child; ++seq) {
      info("concurrent line",
           {{"child", std::to_string(child)}, {"seq", std::to_string(seq)}, {"pad", pad_for(child, seq)}});
    }
    shutdown();
    return 0;
  } catch (...) {
    return 1;
  }
}

} // namespace

TEST_CASE("processes logging at once lose and corrupt no line across rollover and archiving", "[log]") {
  test::TempDir tmp;
  shutdown(); // the children must not inherit an open log file
  const auto dir = tmp / "logs";
  const auto base = dir / "codexsync.log";

  int start[2] = {-1, -1};
  REQUIRE(::pipe(start) == 0);
  std::vector<pid_t> children;
  for (int child = 0; child < k_children; ++child) {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(start[1]);
      ::_exit(child_main(child, start[0], base, tmp / ("child-" + std::to_string(child) + ".err")));
    }
    children.push_back(pid);
  }
  ::close(start[0]);
  ::close(start[1]); // every child's read returns now: they start together
  for (const pid_t pid : children) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  for (int child = 0; child < k_children; ++child) {
    const auto err = test::read_text(tmp / ("child-" + std::to_string(child) + ".err"));
    const auto warning = err.find("codexsync:"); // no warning about logging itself
    INFO((warning == std::string::npos ? std::string() : err.substr(warning, 300)));
    CHECK(warning == std::string::npos);
  }

  std::map<std::pair<int, int>, int> seen;
  int corrupt = 0;
  int text_logs = 0;
  int zips = 0;
  auto take = [&](const std::string& content) {
    CHECK(content.size() <= k_small_file);
    CHECK((content.empty() || content.back() == '\n'));
    for (const auto& line : lines_of(content)) {
      try {
        const auto record = nlohmann::json::parse(line);
        const int child = std::stoi(record.at("child").get<std::string>());
        const int seq = std::stoi(record.at("seq").get<std::string>());
        if (record.at("msg") != "concurrent line" || record.at("pad") != pad_for(child, seq) ||
            record.at("level") != "INFO" || record.at("machine") != "machine-a") {
          ++corrupt;
          continue;
        }
        ++seen[{child, seq}];
      } catch (const std::exception&) {
        ++corrupt;
      }
    }
  };
  for (const auto& entry : fs::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (name == ".codexsync-machine-a.lock") {
      continue;
    }
    INFO(name);
    if (entry.path().extension() == ".zip") {
      ++zips;
      const auto entries = read_zip(entry.path());
      REQUIRE(entries.size() == 1);
      CHECK(entries[0].name + ".zip" == name);
      take(entries[0].content);
    } else {
      REQUIRE(entry.path().extension() == ".log");
      ++text_logs;
      take(test::read_text(entry.path()));
    }
  }

  CHECK(corrupt == 0);
  CHECK(text_logs == 1); // every rolled file was archived; only the current one is text
  CHECK(zips > 10);      // rollovers and archiving really happened during the run
  CHECK(seen.size() == static_cast<std::size_t>(k_children * k_lines_per_child));
  int duplicates = 0;
  for (const auto& [key, count] : seen) {
    if (count != 1) {
      ++duplicates;
    }
  }
  CHECK(duplicates == 0);
}
#endif
