#include <codexsync/util/sha256.hpp>

namespace codexsync::util {

std::string sha256_hex(std::string_view data) {
  Sha256 hash;
  hash.update(data);
  return hash.finish_hex();
}

} // namespace codexsync::util
