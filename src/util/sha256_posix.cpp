#include <codexsync/core/error.hpp>
#include <codexsync/util/sha256.hpp>

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <vector>

namespace codexsync::util {
namespace {

constexpr std::size_t k_file_chunk = std::size_t{1024} * 1024;

std::string to_hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(k_digits[bytes[i] >> 4U]);
    out.push_back(k_digits[bytes[i] & 0xfU]);
  }
  return out;
}

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
  EVP_MD_CTX* ctx = nullptr;

  Impl() : ctx(EVP_MD_CTX_new()) {
    if (ctx == nullptr || EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1) {
      EVP_MD_CTX_free(ctx);
      throw RuntimeError("OpenSSL could not start a SHA-256 hash; check the libcrypto installation");
    }
  }
  ~Impl() { EVP_MD_CTX_free(ctx); }
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
  if (size != 0 && EVP_DigestUpdate(m_impl->ctx, data, size) != 1) {
    throw RuntimeError("OpenSSL failed to update a SHA-256 hash");
  }
}

std::string Sha256::finish_hex() {
  if (!m_impl) {
    throw std::logic_error("Sha256::finish_hex on a finished or moved-from hash");
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const int ok = EVP_DigestFinal_ex(m_impl->ctx, digest, &length);
  m_impl.reset();
  if (ok != 1) {
    throw RuntimeError("OpenSSL failed to finish a SHA-256 hash");
  }
  return to_hex(digest, length);
}

std::string sha256_file(const std::filesystem::path& path, std::error_code& ec) {
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
  return hash.finish_hex();
}

} // namespace codexsync::util
