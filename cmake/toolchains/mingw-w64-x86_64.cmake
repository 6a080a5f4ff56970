# Cross-compiles codexsync for 64-bit Windows with Debian's mingw-w64, posix
# threads model (std::thread, std::mutex and std::async need it).
# scripts/build-windows.sh uses it; by hand:
#
#   cmake -S . -B build-windows -G Ninja \
#     -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/mingw-w64-x86_64.cmake \
#     -DCODEXSYNC_WINDOWS_DEPS=<prefix holding the cross-built libzip>
#
# Libraries come only from the mingw-w64 prefixes: /usr/x86_64-w64-mingw32
# (zlib: libz-mingw-w64-dev) and CODEXSYNC_WINDOWS_DEPS (libzip, which Debian
# does not package for mingw). The header-only packages (Boost, toml++, CLI11,
# nlohmann_json, spdlog, fmt, Catch2) are the build machine's own: their CMake
# packages are found where Debian installs them, and their include folder is
# swapped for build-windows/host-headers, which holds only their headers, so no
# Linux header (glibc, Linux libzip's zipconf.h) and no Linux library can reach
# the Windows build (cmake/Dependencies.cmake does the swap).
#
# Everything links statically: the .exe needs no DLL but Windows' own.
# Tests run under Wine through scripts/wine-run.sh (CMAKE_CROSSCOMPILING_EMULATOR).

set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(_codexsync_triple x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${_codexsync_triple}-gcc-posix)
set(CMAKE_CXX_COMPILER ${_codexsync_triple}-g++-posix)
set(CMAKE_RC_COMPILER ${_codexsync_triple}-windres)

set(CODEXSYNC_WINDOWS_DEPS "" CACHE PATH
    "Install prefix of the libraries cross-built for Windows (libzip)")
# try_compile projects read the toolchain file again; hand them the prefix too.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES CODEXSYNC_WINDOWS_DEPS)

set(CMAKE_FIND_ROOT_PATH /usr/${_codexsync_triple})
if(CODEXSYNC_WINDOWS_DEPS)
  list(PREPEND CMAKE_FIND_ROOT_PATH "${CODEXSYNC_WINDOWS_DEPS}")
endif()
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Static zlib (libz-mingw-w64-dev ships an import library for zlib1.dll too).
set(ZLIB_USE_STATIC_LIBS ON)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")

# The header-only packages of the build machine, by the names find_package
# uses, each with the folders under /usr/include that make up its headers.
set(CODEXSYNC_HEADER_ONLY_PACKAGES Boost boost_headers tomlplusplus CLI11 nlohmann_json fmt spdlog Catch2)
set(_codexsync_header_folders boost toml++ CLI nlohmann fmt spdlog catch2)

# <Pkg>_DIR for each: find_package uses it as given, outside the find root.
foreach(_pkg IN LISTS CODEXSYNC_HEADER_ONLY_PACKAGES)
  if(NOT ${_pkg}_DIR)
    file(GLOB _found LIST_DIRECTORIES true
         "/usr/lib/cmake/${_pkg}" "/usr/share/cmake/${_pkg}"
         "/usr/lib/*-linux-gnu*/cmake/${_pkg}" "/usr/lib/*-linux-gnu*/cmake/${_pkg}-[0-9]*")
    if(_found)
      list(GET _found 0 _first)
      set(${_pkg}_DIR "${_first}" CACHE PATH "The build machine's header-only ${_pkg}" FORCE)
    endif()
  endif()
endforeach()

# build-windows/host-headers/<folder> -> /usr/include/<folder>, for those only.
if(NOT CMAKE_IN_TRY_COMPILE)
  set(CODEXSYNC_HEADER_ONLY_INCLUDE "${CMAKE_BINARY_DIR}/host-headers")
  foreach(_folder IN LISTS _codexsync_header_folders)
    if(EXISTS "/usr/include/${_folder}" AND NOT EXISTS "${CODEXSYNC_HEADER_ONLY_INCLUDE}/${_folder}")
      file(MAKE_DIRECTORY "${CODEXSYNC_HEADER_ONLY_INCLUDE}")
      file(CREATE_LINK "/usr/include/${_folder}" "${CODEXSYNC_HEADER_ONLY_INCLUDE}/${_folder}" SYMBOLIC)
    endif()
  endforeach()

  # Boost 1.81's Process v2 includes <Windows.h>, which only a case-blind file
  # system finds; mingw-w64 names it windows.h.
  if(NOT EXISTS "${CODEXSYNC_HEADER_ONLY_INCLUDE}/Windows.h")
    file(WRITE "${CODEXSYNC_HEADER_ONLY_INCLUDE}/Windows.h" "#pragma once\n#include <windows.h>\n")
  endif()

  # Tests run under Wine, in a prefix of their own beside the build, where the
  # build machine's / is drive Z: (tests/CMakeLists.txt turns paths into Z:/...).
  set(CODEXSYNC_HOST_ROOT_ON_TARGET "Z:")
  get_filename_component(_codexsync_wine_run "${CMAKE_CURRENT_LIST_DIR}/../../scripts/wine-run.sh" ABSOLUTE)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${_codexsync_wine_run};${CMAKE_BINARY_DIR}/wine-prefix")
endif()
