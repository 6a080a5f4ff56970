#pragma once

#include <codexsync/util/sha256_digest.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace codexsync::util {

// SHA-256's chaining value after a whole number of 64-byte blocks: enough to
// hash a file that grew (a chat) without reading its start again.
struct Sha256Midstate {
  std::uint64_t bytes = 0;               // the bytes it covers: a multiple of 64
  std::array<std::uint32_t, 8> words{};  // the state after them
  bool operator==(const Sha256Midstate&) const = default;
};

// "<bytes>:<64 hex digits>", and back; nullopt for anything else (a byte count
// that is not a multiple of 64 included).
std::string to_text(const Sha256Midstate& state);
std::optional<Sha256Midstate> parse_midstate(std::string_view text);

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
  // Returns the digest; the object is then spent.
  Sha256Digest finish();
  // finish() as 64 lower-case hex digits.
  std::string finish_hex() { return finish().hex(); }

  // The state after the whole blocks fed so far (the bytes of a last, partial
  // block are not in it). nullopt where the OS's hash cannot tell (Windows'
  // CNG): callers then read the whole file again.
  std::optional<Sha256Midstate> midstate() const;
  // A hash that goes on from `state` as if its bytes had been fed; nullopt
  // where that cannot be done (Windows' CNG).
  static std::optional<Sha256> resume(const Sha256Midstate& state);

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// Returns the lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

// Hashes a whole file in 1 MiB chunks. Returns nullopt and sets `ec` on failure.
std::optional<Sha256Digest> sha256_file(const std::filesystem::path& path, std::error_code& ec);

} // namespace codexsync::util
