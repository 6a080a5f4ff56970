#include <codexsync/core/error.hpp>
#include <codexsync/util/fs.hpp>
#include <codexsync/util/sha256.hpp>

// clang-format off
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#include <bcrypt.h>
// clang-format on

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <vector>

namespace codexsync::util {
namespace {

constexpr std::size_t k_file_chunk = std::size_t{1024} * 1024;
constexpr ULONG k_digest_size = Sha256Digest::k_size;

bool nt_success(NTSTATUS status) { return status >= 0; }

// The SHA-256 provider, opened once per process and never closed (CNG
// providers are costly to open and safe to share between threads).
BCRYPT_ALG_HANDLE sha256_provider() {
  static const BCRYPT_ALG_HANDLE provider = [] {
    BCRYPT_ALG_HANDLE handle = nullptr;
    if (!nt_success(BCryptOpenAlgorithmProvider(&handle, BCRYPT_SHA256_ALGORITHM, nullptr, 0))) {
      return static_cast<BCRYPT_ALG_HANDLE>(nullptr);
    }
    return handle;
  }();
  if (provider == nullptr) {
    throw RuntimeError("Windows CNG could not open its SHA-256 provider (BCryptOpenAlgorithmProvider)");
  }
  return provider;
}

// Closes a handle on every path out of a scope.
class HandleGuard {
public:
  explicit HandleGuard(HANDLE handle) : m_handle(handle) {}
  ~HandleGuard() { CloseHandle(m_handle); }
  HandleGuard(const HandleGuard&) = delete;
  HandleGuard& operator=(const HandleGuard&) = delete;
  HANDLE get() const { return m_handle; }

private:
  HANDLE m_handle;
};

} // namespace

struct Sha256::Impl {
  BCRYPT_HASH_HANDLE hash = nullptr;

  Impl() {
    // A null object buffer lets CNG allocate the hash object itself (Windows 7+).
    if (!nt_success(BCryptCreateHash(sha256_provider(), &hash, nullptr, 0, nullptr, 0, 0))) {
      throw RuntimeError("Windows CNG could not start a SHA-256 hash (BCryptCreateHash)");
    }
  }
  ~Impl() { BCryptDestroyHash(hash); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
};

Sha256::Sha256() : m_impl(std::make_unique<Impl>()) {}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(const void* data, std::size_t size) {
  if (!m_impl) {
    throw std::logic_error("Sha256::update on a finished or moved-from hash");
  }
  // BCryptHashData takes a ULONG length: feed larger buffers in pieces.
  auto* bytes = static_cast<PUCHAR>(const_cast<void*>(data));
  while (size > 0) {
    const auto piece =
        static_cast<ULONG>((std::min)(size, static_cast<std::size_t>((std::numeric_limits<ULONG>::max)())));
    if (!nt_success(BCryptHashData(m_impl->hash, bytes, piece, 0))) {
      throw RuntimeError("Windows CNG failed to update a SHA-256 hash (BCryptHashData)");
    }
    bytes += piece;
    size -= piece;
  }
}

Sha256Digest Sha256::finish() {
  if (!m_impl) {
    throw std::logic_error("Sha256::finish on a finished or moved-from hash");
  }
  Sha256Digest digest;
  const NTSTATUS status = BCryptFinishHash(m_impl->hash, digest.bytes.data(), k_digest_size, 0);
  m_impl.reset();
  if (!nt_success(status)) {
    throw RuntimeError("Windows CNG failed to finish a SHA-256 hash (BCryptFinishHash)");
  }
  return digest;
}

// CNG keeps its state to itself: no midstate, no resume (callers read the
// whole file again).
std::optional<Sha256Midstate> Sha256::midstate() const { return std::nullopt; }

std::optional<Sha256> Sha256::resume(const Sha256Midstate& /*state*/) { return std::nullopt; }

std::optional<Sha256Digest> sha256_file(const std::filesystem::path& path, std::error_code& ec) {
  ec.clear();
  const HANDLE handle =
      CreateFileW(os_long_path(path).c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                  OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, nullptr);
  if (handle == INVALID_HANDLE_VALUE) {
    ec = std::error_code(static_cast<int>(GetLastError()), std::system_category());
    return {};
  }
  const HandleGuard guard(handle);
  Sha256 hash;
  std::vector<unsigned char> buffer(k_file_chunk);
  for (;;) {
    DWORD got = 0;
    if (!ReadFile(guard.get(), buffer.data(), static_cast<DWORD>(buffer.size()), &got, nullptr)) {
      ec = std::error_code(static_cast<int>(GetLastError()), std::system_category());
      return {};
    }
    if (got == 0) {
      break;
    }
    hash.update(buffer.data(), got);
  }
  return hash.finish();
}

} // namespace codexsync::util
