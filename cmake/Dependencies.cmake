# Every dependency comes from the platform's package manager (apt, brew, vcpkg)
# and is found here with find_package. Nothing is vendored or downloaded.
if(WIN32)
  # Boost.Process v2 and Asio are header-only; codexsync uses no compiled Boost.
  find_package(Boost 1.80 REQUIRED)
else()
  find_package(Boost 1.80 REQUIRED COMPONENTS filesystem)   # Process v2 is header-only
endif()
find_package(tomlplusplus 3 REQUIRED)
if(WIN32)
  # A static libzip names ZLIB::ZLIB without finding it.
  find_package(ZLIB REQUIRED)
endif()
find_package(libzip REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
if(NOT WIN32)
  # On Windows SHA-256 comes from the OS (CNG), behind util/sha256.hpp.
  find_package(OpenSSL REQUIRED COMPONENTS Crypto)
endif()
find_package(Threads REQUIRED)

add_library(codexsync_deps INTERFACE)
if(CODEXSYNC_HEADER_ONLY_INCLUDE)
  # Cross-building for Windows (cmake/toolchains/mingw-w64-x86_64.cmake): the
  # packages above are the build machine's, found for their versions; their
  # targets name Linux libraries (Debian builds toml++ and fmt as shared
  # libraries) and /usr/include, so their headers are used header-only, from
  # a folder that holds only them.
  add_library(codexsync_header_only INTERFACE)
  target_include_directories(codexsync_header_only SYSTEM INTERFACE "${CODEXSYNC_HEADER_ONLY_INCLUDE}")
  target_compile_definitions(codexsync_header_only INTERFACE
    TOML_HEADER_ONLY=1 FMT_HEADER_ONLY=1 SPDLOG_FMT_EXTERNAL=1)
  target_link_libraries(codexsync_deps INTERFACE codexsync_header_only libzip::zip Threads::Threads)
else()
  if(WIN32)
    target_link_libraries(codexsync_deps INTERFACE Boost::headers)
  else()
    target_link_libraries(codexsync_deps INTERFACE Boost::filesystem Boost::headers)
  endif()
  target_link_libraries(codexsync_deps INTERFACE
    tomlplusplus::tomlplusplus
    libzip::zip
    spdlog::spdlog fmt::fmt
    CLI11::CLI11
    nlohmann_json::nlohmann_json
    Threads::Threads)
endif()

# Header-only targets the tests link directly (Catch2, nlohmann_json): in the
# cross-build for Windows their include folder becomes the headers-only one.
function(codexsync_use_header_only_include)
  if(CODEXSYNC_HEADER_ONLY_INCLUDE)
    foreach(target IN LISTS ARGN)
      set_target_properties(${target} PROPERTIES
        INTERFACE_INCLUDE_DIRECTORIES "${CODEXSYNC_HEADER_ONLY_INCLUDE}")
    endforeach()
  endif()
endfunction()
codexsync_use_header_only_include(nlohmann_json::nlohmann_json)

if(NOT WIN32)
  target_link_libraries(codexsync_deps INTERFACE OpenSSL::Crypto)
else()
  # bcrypt: SHA-256 (CNG); user32: closing the agent politely (WM_CLOSE) and its dialog;
  # ws2_32, mswsock: Asio (Boost.Process v2).
  target_link_libraries(codexsync_deps INTERFACE bcrypt user32 ws2_32 mswsock)
endif()
# Boost.Process v2 (header-only in 1.81) uses std::filesystem instead of Boost's.
target_compile_definitions(codexsync_deps INTERFACE BOOST_PROCESS_USE_STD_FS=1)
