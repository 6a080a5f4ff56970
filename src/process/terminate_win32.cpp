#include "terminate_detail.hpp"

#include <codexsync/util/text.hpp>

#include <windows.h>

#include <tlhelp32.h>

#include <algorithm>
#include <cwchar>
#include <string>
#include <vector>

namespace codexsync::process {
namespace detail {
namespace {

// The top-level windows of one process.
struct WindowSearch {
  DWORD pid = 0;
  std::vector<HWND> windows;
};

BOOL CALLBACK collect_window(HWND window, LPARAM data) {
  auto* search = reinterpret_cast<WindowSearch*>(data);
  DWORD owner = 0;
  GetWindowThreadProcessId(window, &owner);
  // Owned windows (dialogs, tool windows) close with their owner.
  if (owner == search->pid && GetWindow(window, GW_OWNER) == nullptr) {
    search->windows.push_back(window);
  }
  return TRUE;
}

bool may_signal(std::uint64_t pid) { return !is_protected_pid(pid) && pid <= MAXDWORD; }

constexpr const wchar_t* k_box_title = L"codexsync";

// Closes this thread's message box (a dialog of class #32770) with "No".
BOOL CALLBACK answer_no(HWND window, LPARAM) {
  wchar_t class_name[8] = {};
  if (GetClassNameW(window, class_name, 8) > 0 && std::wcscmp(class_name, L"#32770") == 0) {
    EndDialog(window, IDNO);
  }
  return TRUE;
}

// The thread timer of show_message_box: its time is up.
VOID CALLBACK end_message_box(HWND, UINT, UINT_PTR, DWORD) {
  EnumThreadWindows(GetCurrentThreadId(), answer_no, 0);
}

// True when this process's window station is shown on a screen, so a
// message box can be answered (not a service or a non-interactive task).
bool has_visible_desktop() {
  HWINSTA station = GetProcessWindowStation();
  if (station == nullptr) {
    return false;
  }
  USEROBJECTFLAGS flags{};
  DWORD needed = 0;
  if (!GetUserObjectInformationW(station, UOI_FLAGS, &flags, sizeof flags, &needed)) {
    return false;
  }
  return (flags.dwFlags & WSF_VISIBLE) != 0;
}

std::uint64_t read_parent_pid() {
  HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (snapshot == INVALID_HANDLE_VALUE) {
    return 0;
  }
  const DWORD self = GetCurrentProcessId();
  std::uint64_t parent = 0;
  PROCESSENTRY32W entry{};
  entry.dwSize = sizeof entry;
  for (BOOL more = Process32FirstW(snapshot, &entry); more; more = Process32NextW(snapshot, &entry)) {
    if (entry.th32ProcessID == self) {
      parent = entry.th32ParentProcessID;
      break;
    }
  }
  CloseHandle(snapshot);
  return parent;
}

} // namespace

// A Windows process never changes its parent id, so one look is enough.
std::uint64_t parent_pid() {
  static const std::uint64_t parent = read_parent_pid();
  return parent;
}

DialogAnswer show_message_box(const std::string& message, std::chrono::milliseconds timeout) {
  const std::wstring text = util::wide_from_utf8(message);
  // A message box waits for its answer as long as it takes: a thread timer,
  // run by the box's own message loop, answers "No" for whoever is not there.
  const auto wait_ms =
      std::clamp<std::chrono::milliseconds::rep>(timeout.count(), USER_TIMER_MINIMUM, USER_TIMER_MAXIMUM);
  const UINT_PTR timer = SetTimer(nullptr, 0, static_cast<UINT>(wait_ms), end_message_box);
  // "No" is the default button.
  const int choice = MessageBoxW(nullptr, text.c_str(), k_box_title,
                                 MB_YESNO | MB_ICONWARNING | MB_TOPMOST | MB_DEFBUTTON2 | MB_SETFOREGROUND);
  const DWORD error = GetLastError();
  if (timer != 0) {
    KillTimer(nullptr, timer);
  }
  if (choice == IDYES) {
    return DialogAnswer{DialogAnswer::Kind::yes, {}};
  }
  if (choice == IDNO) {
    return DialogAnswer{DialogAnswer::Kind::no, {}};
  }
  return DialogAnswer{DialogAnswer::Kind::unavailable,
                      "the message box could not be shown (error " + std::to_string(error) + ")"};
}

DialogAnswer ask_with_dialog(const std::string& message, const util::Environment& env) {
  (void)env;
  if (!has_visible_desktop()) {
    return DialogAnswer{DialogAnswer::Kind::unavailable, "this session has no desktop to show a dialog on"};
  }
  return show_message_box(message, k_dialog_timeout);
}

} // namespace detail

bool ask_to_close(const ProcessInfo& process) {
  if (!detail::may_signal(process.pid)) {
    return false;
  }
  detail::WindowSearch search;
  search.pid = static_cast<DWORD>(process.pid);
  EnumWindows(detail::collect_window, reinterpret_cast<LPARAM>(&search));
  bool posted = false;
  for (HWND window : search.windows) {
    if (PostMessageW(window, WM_CLOSE, 0, 0)) {
      posted = true;
    }
  }
  return posted;
}

bool force_end(const ProcessInfo& process) {
  if (!detail::may_signal(process.pid)) {
    return false;
  }
  HANDLE handle = OpenProcess(PROCESS_TERMINATE, FALSE, static_cast<DWORD>(process.pid));
  if (handle == nullptr) {
    return false;
  }
  const BOOL ended = TerminateProcess(handle, 1);
  CloseHandle(handle);
  return ended != FALSE;
}

} // namespace codexsync::process
