// A stand-in for an agent's desktop app on Windows, for the end-to-end tests
// of the polite close (WM_CLOSE to the app's top-level windows):
//   fake_window_agent [SECONDS] [ignore-close]
// It makes a visible top-level window and a tool window owned by it, prints
// its Windows pid on stdout, and runs a message loop until SECONDS pass
// (default 60; then it prints "fake agent: time is up" and exits 0).
// On WM_CLOSE to its main window it prints "fake agent: asked to close
// (WM_CLOSE)" to stderr, then "fake agent: closing" and exits 0; with
// `ignore-close` it prints "fake agent: asked to close (WM_CLOSE), ignoring
// it" and goes on, so only a forced end stops it (its exit code is then the
// forcer's). WM_CLOSE to the owned tool window is printed as "fake agent: the
// owned window was sent WM_CLOSE" (a polite close asks the owner only).
// Exit status: 0 as above; 2 bad command line; 3 no window could be made
// (a Wine session without a display: the message says so). Elsewhere than
// on Windows it prints why and exits 77 (a test's "skipped").
#include <cstdio>
#include <cstdlib>
#include <cstring>

#ifdef _WIN32

#include <windows.h>

namespace {

constexpr UINT_PTR k_time_up_timer = 1;

bool g_ignore_close = false;

void say(const char* line) {
  std::fprintf(stderr, "%s\n", line);
  std::fflush(stderr);
}

LRESULT CALLBACK main_window_proc(HWND window, UINT message, WPARAM wparam, LPARAM lparam) {
  switch (message) {
  case WM_CLOSE:
    if (g_ignore_close) {
      say("fake agent: asked to close (WM_CLOSE), ignoring it");
      return 0;
    }
    say("fake agent: asked to close (WM_CLOSE)");
    DestroyWindow(window);
    return 0;
  case WM_TIMER:
    if (wparam == k_time_up_timer) {
      say("fake agent: time is up");
      PostQuitMessage(0);
      return 0;
    }
    break;
  case WM_DESTROY:
    say("fake agent: closing");
    PostQuitMessage(0);
    return 0;
  default:
    break;
  }
  return DefWindowProcW(window, message, wparam, lparam);
}

LRESULT CALLBACK owned_window_proc(HWND window, UINT message, WPARAM wparam, LPARAM lparam) {
  if (message == WM_CLOSE) {
    say("fake agent: the owned window was sent WM_CLOSE");
  }
  return DefWindowProcW(window, message, wparam, lparam);
}

bool register_class(const wchar_t* name, WNDPROC proc) {
  WNDCLASSW window_class{};
  window_class.lpfnWndProc = proc;
  window_class.hInstance = GetModuleHandleW(nullptr);
  window_class.lpszClassName = name;
  window_class.hCursor = LoadCursorW(nullptr, MAKEINTRESOURCEW(32512)); // IDC_ARROW
  window_class.hbrBackground = reinterpret_cast<HBRUSH>(COLOR_WINDOW + 1);
  return RegisterClassW(&window_class) != 0;
}

int no_window(const char* what) {
  std::fprintf(
      stderr,
      "fake_window_agent: %s failed (Windows error %lu): this session cannot make windows. Under Wine "
      "that means no X display: run the Windows stage with scripts/test-windows.sh, which starts Xvfb "
      "and sets CODEXSYNC_WINE_DISPLAY\n",
      what, static_cast<unsigned long>(GetLastError()));
  return 3;
}

} // namespace

int main(int argc, char** argv) {
  if (argc > 3 || (argc == 3 && std::strcmp(argv[2], "ignore-close") != 0)) {
    std::fprintf(stderr, "usage: fake_window_agent [SECONDS] [ignore-close]\n");
    return 2;
  }
  const long seconds = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 60;
  g_ignore_close = argc == 3;

  if (!register_class(L"codexsync_fake_agent", main_window_proc) ||
      !register_class(L"codexsync_fake_agent_tool", owned_window_proc)) {
    return no_window("RegisterClassW");
  }
  const HINSTANCE instance = GetModuleHandleW(nullptr);
  const HWND main_window = CreateWindowExW(0, L"codexsync_fake_agent", L"fake agent", WS_OVERLAPPEDWINDOW, 10,
                                           10, 320, 200, nullptr, nullptr, instance, nullptr);
  if (main_window == nullptr) {
    return no_window("CreateWindowExW (the main window)");
  }
  const HWND owned_window =
      CreateWindowExW(WS_EX_TOOLWINDOW, L"codexsync_fake_agent_tool", L"fake agent tool",
                      WS_OVERLAPPED | WS_CAPTION, 40, 40, 160, 100, main_window, nullptr, instance, nullptr);
  if (owned_window == nullptr) {
    return no_window("CreateWindowExW (the owned window)");
  }
  ShowWindow(main_window, SW_SHOWNOACTIVATE);
  ShowWindow(owned_window, SW_SHOWNOACTIVATE);
  SetTimer(main_window, k_time_up_timer, static_cast<UINT>(seconds) * 1000U, nullptr);

  // Its Windows pid, which the tests cannot see from outside Wine; printed
  // once the windows exist, so a test that reads it can ask them to close.
  std::printf("%lu\n", static_cast<unsigned long>(GetCurrentProcessId()));
  std::fflush(stdout);

  MSG message;
  while (GetMessageW(&message, nullptr, 0, 0) > 0) {
    TranslateMessage(&message);
    DispatchMessageW(&message);
  }
  return 0;
}

#else

int main(int, char**) {
  std::fprintf(stderr,
               "fake_window_agent: a window that answers WM_CLOSE; this helper is for Windows only\n");
  return 77;
}

#endif
