# Every dependency comes from the platform's package manager (apt, brew, vcpkg)
# and is found here with find_package. Nothing is vendored or downloaded.
find_package(Boost 1.80 REQUIRED COMPONENTS filesystem)   # Process v2 is header-only
find_package(tomlplusplus 3 REQUIRED)
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
target_link_libraries(codexsync_deps INTERFACE
  Boost::filesystem Boost::headers
  tomlplusplus::tomlplusplus
  libzip::zip
  spdlog::spdlog fmt::fmt
  CLI11::CLI11
  nlohmann_json::nlohmann_json
  Threads::Threads)
if(NOT WIN32)
  target_link_libraries(codexsync_deps INTERFACE OpenSSL::Crypto)
else()
  # bcrypt: SHA-256 (CNG); user32: closing the agent politely (WM_CLOSE) and its dialog.
  target_link_libraries(codexsync_deps INTERFACE bcrypt user32)
endif()
# Boost.Process v2 (header-only in 1.81) uses std::filesystem instead of Boost's.
target_compile_definitions(codexsync_deps INTERFACE BOOST_PROCESS_USE_STD_FS=1)
