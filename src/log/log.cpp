#include "format.hpp"
#include "rotating_file.hpp"

#include <codexsync/log/log.hpp>

#include <spdlog/logger.h>
#include <spdlog/sinks/base_sink.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace codexsync::log {
namespace {

// Structured fields travel to the sinks beside spdlog's message: spdlog calls
// the sinks synchronously on the logging thread, so a thread_local pointer set
// around that call is enough.
thread_local const std::vector<Field>* t_fields = nullptr;

const std::vector<Field>& current_fields() {
  static const std::vector<Field> k_none;
  return t_fields != nullptr ? *t_fields : k_none;
}

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
  case Level::debug:
    return spdlog::level::debug;
  case Level::info:
    return spdlog::level::info;
  case Level::warning:
    return spdlog::level::warn;
  case Level::error:
    return spdlog::level::err;
  }
  return spdlog::level::info;
}

Level from_spdlog(spdlog::level::level_enum level) {
  switch (level) {
  case spdlog::level::trace:
  case spdlog::level::debug:
    return Level::debug;
  case spdlog::level::info:
    return Level::info;
  case spdlog::level::warn:
    return Level::warning;
  default:
    return Level::error;
  }
}

std::string_view payload(const spdlog::details::log_msg& msg) {
  return std::string_view(msg.payload.data(), msg.payload.size());
}

// For a person: compact text, never json.
class StderrSink final : public spdlog::sinks::base_sink<std::mutex> {
protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    detail::print_to_stderr(detail::format_stderr(from_spdlog(msg.level), payload(msg), current_fields()));
  }
  void flush_() override { std::fflush(stderr); }
};

// The configured format into the shared rotating file. Every record is one
// write() on the file, so there is nothing to flush.
class FileSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
  FileSink(const FileSettings& settings, std::string machine, const util::Clock& clock)
      : m_file(settings, clock), m_format(settings.format), m_machine(std::move(machine)), m_clock(clock) {}

  std::filesystem::path path() const { return m_file.path(); }
  void close() { m_file.close(); }

protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const auto now = m_clock.now();
    const auto line = format_record(m_format, from_spdlog(msg.level), util::utc_timestamp(now),
                                    util::local_timestamp(now), m_machine, payload(msg), current_fields());
    m_file.write(line, now);
  }
  void flush_() override {}

private:
  detail::RotatingFile m_file;
  Format m_format;
  std::string m_machine;
  const util::Clock& m_clock;
};

struct State {
  std::mutex mutex;
  std::shared_ptr<spdlog::logger> logger;
  std::shared_ptr<FileSink> file;
  Level level = Level::info;
};

State& state() {
  static State instance;
  return instance;
}

// Called with the state's mutex held. `stderr_level` defaults to `level`.
void install(State& s, Level level, std::shared_ptr<FileSink> file, std::optional<Level> stderr_level = {}) {
  if (s.file && s.file != file) {
    s.file->close();
  }
  const Level to_stderr = stderr_level.value_or(level);
  auto stderr_sink = std::make_shared<StderrSink>();
  stderr_sink->set_level(to_spdlog(to_stderr));
  std::vector<spdlog::sink_ptr> sinks{stderr_sink};
  Level lowest = to_stderr;
  if (file) {
    file->set_level(to_spdlog(level));
    lowest = std::min(lowest, level);
    sinks.push_back(file);
  }
  auto logger = std::make_shared<spdlog::logger>("codexsync", sinks.begin(), sinks.end());
  logger->set_level(to_spdlog(lowest));
  logger->flush_on(spdlog::level::trace);
  // Report a broken log file once per logger instead of on every record.
  auto reported = std::make_shared<std::atomic<bool>>(false);
  logger->set_error_handler([reported](const std::string& message) {
    if (!reported->exchange(true)) {
      detail::print_to_stderr("codexsync: warning: logging failed: " + message);
    }
  });
  s.logger = std::move(logger);
  s.file = std::move(file);
  s.level = to_stderr;  // what stays once the file is gone (shutdown)
}

std::shared_ptr<spdlog::logger> current_logger() {
  auto& s = state();
  std::lock_guard guard(s.mutex);
  if (!s.logger) {
    install(s, s.level, nullptr);
  }
  return s.logger;
}

class FieldsScope {
public:
  explicit FieldsScope(const std::vector<Field>* fields) : m_previous(std::exchange(t_fields, fields)) {}
  FieldsScope(const FieldsScope&) = delete;
  FieldsScope& operator=(const FieldsScope&) = delete;
  ~FieldsScope() { t_fields = m_previous; }

private:
  const std::vector<Field>* m_previous;
};

// Returns the logger when `level` passes its threshold, else null (so fields
// are not copied for records nobody will see).
std::shared_ptr<spdlog::logger> logger_for(Level level) {
  auto logger = current_logger();
  return logger->should_log(to_spdlog(level)) ? logger : nullptr;
}

void write_record(spdlog::logger& logger, Level level, std::string_view message,
                  const std::vector<Field>& fields) {
  FieldsScope scope(&fields);
  logger.log(spdlog::source_loc{}, to_spdlog(level), spdlog::string_view_t(message.data(), message.size()));
}

} // namespace

void init_stderr(Level level) {
  auto& s = state();
  std::lock_guard guard(s.mutex);
  install(s, level, nullptr);
}

void configure(const Settings& settings, const util::Clock& clock) {
  std::shared_ptr<FileSink> file;
  if (settings.file) {
    file = std::make_shared<FileSink>(*settings.file, settings.machine, clock);
  }
  auto& s = state();
  std::lock_guard guard(s.mutex);
  install(s, settings.level, std::move(file), settings.stderr_level);
}

void shutdown() {
  auto& s = state();
  std::lock_guard guard(s.mutex);
  if (s.logger) {
    s.logger->flush();
  }
  install(s, s.level, nullptr);
}

void debug(std::string_view message, std::initializer_list<Field> fields) {
  write(Level::debug, message, fields);
}

void info(std::string_view message, std::initializer_list<Field> fields) {
  write(Level::info, message, fields);
}

void warn(std::string_view message, std::initializer_list<Field> fields) {
  write(Level::warning, message, fields);
}

void error(std::string_view message, std::initializer_list<Field> fields) {
  write(Level::error, message, fields);
}

void write(Level level, std::string_view message, std::initializer_list<Field> fields) {
  if (const auto logger = logger_for(level)) {
    write_record(*logger, level, message, std::vector<Field>(fields));
  }
}

void file_only(Level level, std::string_view message, std::initializer_list<Field> fields) {
  std::shared_ptr<FileSink> file;
  {
    auto& s = state();
    std::lock_guard guard(s.mutex);
    file = s.file;
  }
  if (!file || !file->should_log(to_spdlog(level))) {
    return;
  }
  const std::vector<Field> copied(fields);
  FieldsScope scope(&copied);
  const spdlog::details::log_msg msg(spdlog::source_loc{}, "codexsync", to_spdlog(level),
                                     spdlog::string_view_t(message.data(), message.size()));
  try {
    file->log(msg);
  } catch (const std::exception& e) {
    detail::print_to_stderr(std::string("codexsync: warning: logging failed: ") + e.what());
  }
}

void file_action(Level level, std::string_view action, std::string_view path, std::string_view side,
                 std::string_view message, std::initializer_list<Field> extra) {
  const auto logger = logger_for(level);
  if (!logger) {
    return;
  }
  std::vector<Field> fields{
      {"action", std::string(action)}, {"path", std::string(path)}, {"side", std::string(side)}};
  fields.insert(fields.end(), extra.begin(), extra.end());
  write_record(*logger, level, message, fields);
}

std::optional<std::filesystem::path> current_file() {
  auto& s = state();
  std::lock_guard guard(s.mutex);
  if (!s.file) {
    return std::nullopt;
  }
  auto path = s.file->path();
  if (path.empty()) {
    return std::nullopt;
  }
  return path;
}

} // namespace codexsync::log
