#include <codexsync/engine/sync_engine.hpp>
#include <codexsync/util/environment.hpp>

namespace codexsync::engine {

std::vector<std::string> known_hosts(const config::Config& cfg) {
  (void)cfg; // peers' host names (state/machines) are to come
  std::vector<std::string> hosts;
  auto name = util::host_name();
  if (name.empty()) {
    return hosts;
  }
  const auto dot = name.find('.');
  if (dot != std::string::npos && dot > 0) {
    hosts.push_back(name.substr(0, dot));
  }
  hosts.push_back(std::move(name));
  return hosts;
}

} // namespace codexsync::engine
