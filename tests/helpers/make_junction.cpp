// Makes a junction (an NTFS mount-point reparse point, what `mklink /J` makes)
// for end-to-end tests of how a sync treats one inside an include root:
//   make_junction LINK TARGET
// Creates the folder LINK and points it at the folder TARGET (both absolute
// Windows paths) with DeviceIoControl(FSCTL_SET_REPARSE_POINT). Exits 0 when
// made; 3 when the file system does not support it (Wine 8: the test is then
// skipped, saying so); 1 on another error; 2 on a bad command line. Windows
// only: elsewhere it prints why and exits 77.
#include <cstdio>
#include <cstring>

#ifdef _WIN32

#include <windows.h>
#include <winioctl.h>

#include <string>
#include <vector>

namespace {

std::wstring wide(const char* text) {
  const int units = MultiByteToWideChar(CP_ACP, 0, text, -1, nullptr, 0);
  std::wstring out(units > 0 ? static_cast<std::size_t>(units) : 1U, L'\0');
  if (units > 0) {
    MultiByteToWideChar(CP_ACP, 0, text, -1, out.data(), units);
  }
  out.resize(out.empty() ? 0 : out.size() - 1);
  return out;
}

void put_u16(std::vector<unsigned char>& out, std::size_t at, std::size_t value) {
  out[at] = static_cast<unsigned char>(value & 0xFF);
  out[at + 1] = static_cast<unsigned char>((value >> 8) & 0xFF);
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: make_junction LINK TARGET\n");
    return 2;
  }
  const std::wstring link = wide(argv[1]);
  std::wstring target = wide(argv[2]);
  for (auto& c : target) {
    c = c == L'/' ? L'\\' : c;
  }
  if (!CreateDirectoryW(link.c_str(), nullptr)) {
    std::fprintf(stderr, "make_junction: cannot create the folder %s: Windows error %lu\n", argv[1],
                 static_cast<unsigned long>(GetLastError()));
    return 1;
  }
  const HANDLE dir = CreateFileW(link.c_str(), GENERIC_WRITE, 0, nullptr, OPEN_EXISTING,
                                 FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
  if (dir == INVALID_HANDLE_VALUE) {
    std::fprintf(stderr, "make_junction: cannot open %s: Windows error %lu\n", argv[1],
                 static_cast<unsigned long>(GetLastError()));
    RemoveDirectoryW(link.c_str());
    return 1;
  }
  // REPARSE_DATA_BUFFER, MountPointReparseBuffer: the NT path, then the
  // printable one, each ending in a NUL.
  const std::wstring nt = L"\\??\\" + target;
  const std::size_t names = (nt.size() + 1 + target.size() + 1) * sizeof(wchar_t);
  std::vector<unsigned char> data(16 + names, 0);
  const DWORD tag = IO_REPARSE_TAG_MOUNT_POINT;
  std::memcpy(data.data(), &tag, sizeof tag);
  put_u16(data, 4, data.size() - 8);
  put_u16(data, 8, 0);
  put_u16(data, 10, nt.size() * sizeof(wchar_t));
  put_u16(data, 12, (nt.size() + 1) * sizeof(wchar_t));
  put_u16(data, 14, target.size() * sizeof(wchar_t));
  std::memcpy(data.data() + 16, nt.c_str(), (nt.size() + 1) * sizeof(wchar_t));
  std::memcpy(data.data() + 16 + (nt.size() + 1) * sizeof(wchar_t), target.c_str(),
              (target.size() + 1) * sizeof(wchar_t));
  DWORD returned = 0;
  const bool made = DeviceIoControl(dir, FSCTL_SET_REPARSE_POINT, data.data(), static_cast<DWORD>(data.size()),
                                    nullptr, 0, &returned, nullptr) != 0;
  const DWORD error = made ? 0 : GetLastError();
  CloseHandle(dir);
  if (!made) {
    RemoveDirectoryW(link.c_str());
    std::fprintf(stderr, "make_junction: FSCTL_SET_REPARSE_POINT on %s failed: Windows error %lu\n", argv[1],
                 static_cast<unsigned long>(error));
    return error == ERROR_NOT_SUPPORTED || error == ERROR_INVALID_FUNCTION ? 3 : 1;
  }
  std::printf("junction made\n");
  return 0;
}

#else

int main(int, char**) {
  std::fprintf(stderr, "make_junction: junctions are NTFS reparse points; this helper is for Windows only\n");
  return 77;
}

#endif
