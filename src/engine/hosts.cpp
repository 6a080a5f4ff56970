#include <codexsync/engine/sync_engine.hpp>
#include <codexsync/state/machines.hpp>
#include <codexsync/util/environment.hpp>

#include <algorithm>

namespace codexsync::engine {

std::vector<std::string> known_hosts(const config::Config& cfg) {
  return known_hosts(state::read_machine_records(config::workspace_dir(cfg)).records);
}

std::vector<std::string> known_hosts(const std::vector<state::MachineRecord>& records) {
  std::vector<std::string> names{util::host_name()};
  // The other computers that sync through this workspace, from their records.
  for (const auto& record : records) {
    names.push_back(record.hostname);
  }
  std::vector<std::string> hosts;
  for (auto& name : names) {
    if (name.empty()) {
      continue;
    }
    // A DNS name's first label is the computer's name.
    const auto dot = name.find('.');
    if (dot != std::string::npos && dot > 0) {
      hosts.push_back(name.substr(0, dot));
    }
    hosts.push_back(std::move(name));
  }
  std::sort(hosts.begin(), hosts.end());
  hosts.erase(std::unique(hosts.begin(), hosts.end()), hosts.end());
  return hosts;
}

} // namespace codexsync::engine
