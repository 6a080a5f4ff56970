#include <codexsync/util/self.hpp>

#include <unistd.h>

namespace codexsync::util {

std::optional<unsigned long> current_user_id() { return static_cast<unsigned long>(::getuid()); }

} // namespace codexsync::util
