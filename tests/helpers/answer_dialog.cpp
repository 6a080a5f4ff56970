// Answers a message box on Windows as a person at the desktop would, for the
// end-to-end tests of the confirmation before an agent is closed:
//   answer_dialog TITLE yes|no [SECONDS]
// Waits up to SECONDS (default 30) for a message box (a dialog of class
// #32770) titled TITLE, prints its text on stdout, then presses its Yes or
// No button. Exit status: 0 answered; 1 no such box within SECONDS; 2 bad
// command line. Elsewhere than on Windows it prints why and exits 77.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#ifdef _WIN32

#include <windows.h>

#include <string>

namespace {

// A message box's text is the static control with this id (Windows and Wine).
constexpr int k_message_box_text_id = 0xFFFF;

std::wstring wide(const char* text) {
  const int units = MultiByteToWideChar(CP_UTF8, 0, text, -1, nullptr, 0);
  std::wstring out(units > 0 ? static_cast<std::size_t>(units) : 1U, L'\0');
  if (units > 0) {
    MultiByteToWideChar(CP_UTF8, 0, text, -1, out.data(), units);
  }
  out.resize(out.empty() ? 0 : out.size() - 1);
  return out;
}

std::string utf8(const std::wstring& text) {
  const int bytes = WideCharToMultiByte(CP_UTF8, 0, text.c_str(), static_cast<int>(text.size()), nullptr, 0,
                                        nullptr, nullptr);
  std::string out(bytes > 0 ? static_cast<std::size_t>(bytes) : 0U, '\0');
  if (bytes > 0) {
    WideCharToMultiByte(CP_UTF8, 0, text.c_str(), static_cast<int>(text.size()), out.data(), bytes, nullptr,
                        nullptr);
  }
  return out;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4 || (std::strcmp(argv[2], "yes") != 0 && std::strcmp(argv[2], "no") != 0)) {
    std::fprintf(stderr, "usage: answer_dialog TITLE yes|no [SECONDS]\n");
    return 2;
  }
  const std::wstring title = wide(argv[1]);
  const int button = std::strcmp(argv[2], "yes") == 0 ? IDYES : IDNO;
  const long seconds = argc > 3 ? std::strtol(argv[3], nullptr, 10) : 30;

  HWND box = nullptr;
  for (long waited_ms = 0; waited_ms < seconds * 1000; waited_ms += 100) {
    box = FindWindowW(L"#32770", title.c_str());
    if (box != nullptr) {
      break;
    }
    Sleep(100);
  }
  if (box == nullptr) {
    std::fprintf(stderr, "answer_dialog: no message box titled %s appeared within %ld s\n", argv[1], seconds);
    return 1;
  }
  wchar_t text[4096] = {};
  GetDlgItemTextW(box, k_message_box_text_id, text, static_cast<int>(sizeof text / sizeof text[0]));
  std::printf("%s\n", utf8(text).c_str());
  std::fflush(stdout);
  // What a click on the button sends to the box.
  PostMessageW(box, WM_COMMAND, MAKEWPARAM(button, BN_CLICKED),
               reinterpret_cast<LPARAM>(GetDlgItem(box, button)));
  return 0;
}

#else

int main(int, char**) {
  std::fprintf(stderr,
               "answer_dialog: presses a button of a Windows message box; this helper is for Windows only\n");
  return 77;
}

#endif
