#pragma once

#include <array>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace codexsync::util {

// Incremental SHA-256: OpenSSL's libcrypto on POSIX, the OS (CNG) on Windows.
class Sha256 {
public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void update(const void* data, std::size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  // Returns the digest as lower-case hex; the object is then spent.
  std::string finish_hex();

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// Returns the lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

// Hashes a whole file in 1 MiB chunks. Returns "" and sets `ec` on failure.
std::string sha256_file(const std::filesystem::path& path, std::error_code& ec);

} // namespace codexsync::util
