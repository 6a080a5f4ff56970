#include <codexsync/util/self.hpp>

#include <unistd.h>

namespace codexsync::util {

std::optional<unsigned long> current_user_id() { return static_cast<unsigned long>(::getuid()); }

void end_process_now(int exit_code) { ::_exit(exit_code); }

} // namespace codexsync::util
