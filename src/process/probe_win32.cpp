#include <codexsync/process/probe.hpp>

#include <codexsync/util/text.hpp>

#include <windows.h>

#include <tlhelp32.h>

#include <iterator>
#include <cwchar>

// The Windows probe takes a Toolhelp32 snapshot (pid, parent pid, exe file
// name) and asks each process for its image path. Nothing is spawned.
namespace codexsync::process {
namespace {

// The longest path QueryFullProcessImageNameW can return.
constexpr DWORD k_max_image_path = 32768;

class Handle {
public:
  explicit Handle(HANDLE handle) : m_handle(handle) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() {
    if (valid()) {
      CloseHandle(m_handle);
    }
  }
  bool valid() const { return m_handle != nullptr && m_handle != INVALID_HANDLE_VALUE; }
  HANDLE get() const { return m_handle; }

private:
  HANDLE m_handle;
};

std::string error_text(DWORD code) {
  return "error " + std::to_string(code);
}

// Fills the process's image path and start time where Windows tells them
// (not for another user's or a protected process, or one that already ended;
// a process still starting may have no image path yet). Neither call waits.
void read_details(ProcessInfo& process, std::wstring& buffer) {
  if (process.pid == 0) {
    return;
  }
  const Handle handle(OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, static_cast<DWORD>(process.pid)));
  if (!handle.valid()) {
    return;
  }
  DWORD size = static_cast<DWORD>(buffer.size());
  if (QueryFullProcessImageNameW(handle.get(), 0, buffer.data(), &size)) {
    process.exe_path = util::utf8_from_wide(std::wstring_view(buffer.data(), size));
  }
  FILETIME created{};
  FILETIME exited{};
  FILETIME kernel{};
  FILETIME user{};
  if (GetProcessTimes(handle.get(), &created, &exited, &kernel, &user)) {
    process.start_time = (static_cast<std::uint64_t>(created.dwHighDateTime) << 32) | created.dwLowDateTime;
  }
}

// A snapshot of the processes. ERROR_BAD_LENGTH and ERROR_PARTIAL_COPY say
// the list changed while it was copied; Windows asks to try again, which is
// done a few times (the call never waits for anything).
HANDLE take_snapshot() {
  constexpr int k_attempts = 4;
  HANDLE snapshot = INVALID_HANDLE_VALUE;
  for (int attempt = 0; attempt < k_attempts; ++attempt) {
    snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    if (snapshot != INVALID_HANDLE_VALUE) {
      break;
    }
    const DWORD error = GetLastError();
    if (error != ERROR_BAD_LENGTH && error != ERROR_PARTIAL_COPY) {
      break;
    }
  }
  return snapshot;
}

class WindowsProbe final : public ProcessProbe {
public:
  std::optional<std::vector<ProcessInfo>> list(std::string& why_not) const override {
    const Handle snapshot(take_snapshot());
    if (!snapshot.valid()) {
      why_not = "cannot take a process snapshot (CreateToolhelp32Snapshot): " + error_text(GetLastError());
      return std::nullopt;
    }
    PROCESSENTRY32W entry{};
    entry.dwSize = sizeof entry;
    if (!Process32FirstW(snapshot.get(), &entry)) {
      why_not = "cannot read the process snapshot (Process32FirstW): " + error_text(GetLastError());
      return std::nullopt;
    }
    const std::uint64_t self = current_pid();
    bool saw_self = false;
    std::wstring path_buffer(k_max_image_path, L'\0');
    std::vector<ProcessInfo> processes;
    do {
      ProcessInfo process;
      process.pid = entry.th32ProcessID;
      process.parent_pid = entry.th32ParentProcessID;
      process.name = util::utf8_from_wide(
          std::wstring_view(entry.szExeFile, ::wcsnlen(entry.szExeFile, std::size(entry.szExeFile))));
      read_details(process, path_buffer);
      saw_self = saw_self || process.pid == self;
      processes.push_back(std::move(process));
      entry.dwSize = sizeof entry;
    } while (Process32NextW(snapshot.get(), &entry));
    const DWORD last = GetLastError();
    if (last != ERROR_NO_MORE_FILES) {
      why_not = "cannot read the process snapshot (Process32NextW): " + error_text(last);
      return std::nullopt;
    }
    if (!saw_self) {
      why_not = "the process snapshot does not include this process (pid " + std::to_string(self) + ")";
      return std::nullopt;
    }
    return processes;
  }
};

} // namespace

std::unique_ptr<ProcessProbe> make_system_probe() {
  return std::make_unique<WindowsProbe>();
}

} // namespace codexsync::process
