#pragma once

#include <codexsync/log/log.hpp>

#include <cstdio>
#include <filesystem>

#ifndef _WIN32
#include <fcntl.h>
#include <unistd.h>
#endif

namespace codexsync::test {

// Shuts logging down when the test ends, so one test's file sink never
// reaches into the next.
struct LogSession {
  LogSession() = default;
  LogSession(const LogSession&) = delete;
  LogSession& operator=(const LogSession&) = delete;
  ~LogSession() { log::shutdown(); }
};

#ifndef _WIN32
// Sends the process's stderr (fd 2) to `file` for the scope.
class StderrToFile {
public:
  explicit StderrToFile(const std::filesystem::path& file) {
    std::fflush(stderr);
    m_saved = ::dup(2);
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 2);
    ::close(fd);
  }
  StderrToFile(const StderrToFile&) = delete;
  StderrToFile& operator=(const StderrToFile&) = delete;
  ~StderrToFile() {
    std::fflush(stderr);
    ::dup2(m_saved, 2);
    ::close(m_saved);
  }

private:
  int m_saved = -1;
};
#else
class StderrToFile {
public:
  explicit StderrToFile(const std::filesystem::path&) {}
};
#endif

} // namespace codexsync::test
