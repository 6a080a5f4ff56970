#include <codexsync/core/error.hpp>
#include <codexsync/util/sha256.hpp>

// The low-level SHA256_* calls are deprecated in OpenSSL 3 in favour of EVP,
// whose context is opaque; only they let a hash be saved and resumed (the
// midstate of a chat that grows). They run the same block code as EVP.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <fcntl.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <vector>

namespace codexsync::util {
namespace {

constexpr std::size_t k_file_chunk = std::size_t{1024} * 1024;

// Closes a descriptor on every path out of a scope.
class FdGuard {
public:
  explicit FdGuard(int fd) : m_fd(fd) {}
  ~FdGuard() { ::close(m_fd); }
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  int get() const { return m_fd; }

private:
  int m_fd;
};

} // namespace

struct Sha256::Impl {
  SHA256_CTX ctx{};

  Impl() {
    if (SHA256_Init(&ctx) != 1) {
      throw RuntimeError("OpenSSL could not start a SHA-256 hash; check the libcrypto installation");
    }
  }
};

Sha256::Sha256() : m_impl(std::make_unique<Impl>()) {}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(const void* data, std::size_t size) {
  if (!m_impl) {
    throw std::logic_error("Sha256::update on a finished or moved-from hash");
  }
  if (size != 0 && SHA256_Update(&m_impl->ctx, data, size) != 1) {
    throw RuntimeError("OpenSSL failed to update a SHA-256 hash");
  }
}

Sha256Digest Sha256::finish() {
  if (!m_impl) {
    throw std::logic_error("Sha256::finish on a finished or moved-from hash");
  }
  static_assert(SHA256_DIGEST_LENGTH == Sha256Digest::k_size);
  Sha256Digest digest;
  const int ok = SHA256_Final(digest.bytes.data(), &m_impl->ctx);
  m_impl.reset();
  if (ok != 1) {
    throw RuntimeError("OpenSSL failed to finish a SHA-256 hash");
  }
  return digest;
}

std::optional<Sha256Midstate> Sha256::midstate() const {
  if (!m_impl) {
    throw std::logic_error("Sha256::midstate on a finished or moved-from hash");
  }
  const auto& c = m_impl->ctx;
  const auto bits = (std::uint64_t{c.Nh} << 32U) | c.Nl;
  Sha256Midstate state;
  state.bytes = bits / 8 - c.num;  // the bytes of a partial block wait in c.data
  for (std::size_t i = 0; i < state.words.size(); ++i) {
    state.words[i] = static_cast<std::uint32_t>(c.h[i]);
  }
  return state;
}

std::optional<Sha256> Sha256::resume(const Sha256Midstate& state) {
  if (state.bytes % SHA256_CBLOCK != 0) {
    return std::nullopt;
  }
  Sha256 hash;
  auto& c = hash.m_impl->ctx;
  for (std::size_t i = 0; i < state.words.size(); ++i) {
    c.h[i] = state.words[i];
  }
  const auto bits = state.bytes * 8;
  c.Nl = static_cast<SHA_LONG>(bits & 0xffffffffU);
  c.Nh = static_cast<SHA_LONG>(bits >> 32U);
  c.num = 0;
  return hash;
}

std::optional<Sha256Digest> sha256_file(const std::filesystem::path& path, std::error_code& ec) {
  ec.clear();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    ec = std::error_code(errno, std::generic_category());
    return {};
  }
  const FdGuard guard(fd);
  Sha256 hash;
  std::vector<unsigned char> buffer(k_file_chunk);
  for (;;) {
    const auto got = ::read(guard.get(), buffer.data(), buffer.size());
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      ec = std::error_code(errno, std::generic_category());
      return {};
    }
    if (got == 0) {
      break;
    }
    hash.update(buffer.data(), static_cast<std::size_t>(got));
  }
  return hash.finish();
}

} // namespace codexsync::util
