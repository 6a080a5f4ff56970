// Holds a file open the way a virus scanner, an indexer or a cloud client
// does on Windows, for end-to-end tests of what a sync does meanwhile:
//   hold_file PATH [none|read] [SECONDS]
// Opens PATH (which must exist) with CreateFileW and the given share mode
// (none: share mode 0, no other program may open, rename or replace it; read:
// others may read it but not write, rename or replace it; default none),
// prints "held" on stdout, and keeps it open until its stdin reaches end of
// file or SECONDS pass (default 60). Exits 0 after closing it; 1 when PATH
// cannot be opened; 2 on a bad command line. POSIX has no mandatory share
// modes, so elsewhere it prints why and exits 77 (a test's "skipped").
#include <cstdio>
#include <cstdlib>
#include <cstring>

#ifdef _WIN32

#include <windows.h>

#include <string>

namespace {

DWORD WINAPI wait_for_stdin_end(LPVOID) {
  const HANDLE input = GetStdHandle(STD_INPUT_HANDLE);
  char buffer[256];
  DWORD got = 0;
  while (input != nullptr && input != INVALID_HANDLE_VALUE &&
         ReadFile(input, buffer, sizeof buffer, &got, nullptr) && got > 0) {
  }
  return 0;
}

std::wstring wide(const char* text) {
  const int units = MultiByteToWideChar(CP_ACP, 0, text, -1, nullptr, 0);
  std::wstring out(units > 0 ? static_cast<std::size_t>(units) : 1U, L'\0');
  if (units > 0) {
    MultiByteToWideChar(CP_ACP, 0, text, -1, out.data(), units);
  }
  out.resize(out.empty() ? 0 : out.size() - 1);
  return out;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    std::fprintf(stderr, "usage: hold_file PATH [none|read] [SECONDS]\n");
    return 2;
  }
  const char* mode = argc > 2 ? argv[2] : "none";
  if (std::strcmp(mode, "none") != 0 && std::strcmp(mode, "read") != 0) {
    std::fprintf(stderr, "hold_file: the share mode is none or read, not %s\n", mode);
    return 2;
  }
  const long seconds = argc > 3 ? std::strtol(argv[3], nullptr, 10) : 60;
  const DWORD share = std::strcmp(mode, "read") == 0 ? FILE_SHARE_READ : 0;
  const HANDLE file =
    CreateFileW(wide(argv[1]).c_str(), GENERIC_READ, share, nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (file == INVALID_HANDLE_VALUE) {
    std::fprintf(stderr, "hold_file: cannot open %s: Windows error %lu\n", argv[1],
                 static_cast<unsigned long>(GetLastError()));
    return 1;
  }
  std::printf("held\n");
  std::fflush(stdout);
  const HANDLE waiter = CreateThread(nullptr, 0, wait_for_stdin_end, nullptr, 0, nullptr);
  if (waiter != nullptr) {
    WaitForSingleObject(waiter, static_cast<DWORD>(seconds) * 1000U);
    CloseHandle(waiter);
  } else {
    Sleep(static_cast<DWORD>(seconds) * 1000U);
  }
  CloseHandle(file);
  std::printf("released\n");
  std::fflush(stdout);
  return 0;
}

#else

int main(int, char**) {
  std::fprintf(stderr, "hold_file: POSIX has no mandatory share modes; this helper is for Windows only\n");
  return 77;
}

#endif
