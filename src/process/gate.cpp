#include <codexsync/process/gate.hpp>

#include <codexsync/core/error.hpp>

#include <algorithm>
#include <set>
#include <thread>

namespace codexsync::process {
namespace {

class RealSleeper final : public Sleeper {
public:
  void sleep(std::chrono::milliseconds duration) override { std::this_thread::sleep_for(duration); }
};

bool background_only(const std::vector<Match>& matches) {
  return std::all_of(matches.begin(), matches.end(), [](const Match& match) { return match.background; });
}

[[noreturn]] void refuse_running(const std::vector<Match>& matches) {
  std::string message = "the agent is running: " + describe(matches);
  if (background_only(matches)) {
    message += " (only the agent's background helpers are left; they end once the agent has fully closed)";
  }
  message += "; close it and run again";
  throw AgentRunningError(message);
}

// Turns one observation into the gate's outcome: returns for stopped (or an
// unknown sample that may only be warned about), throws otherwise. `warned`
// keeps one warning per distinct reason within one gate check.
void settle(const Observation& observation, bool fail_on_unknown,
            const std::function<void(const std::string&)>& warn, std::set<std::string>& warned) {
  if (observation.state == AgentState::stopped) {
    return;
  }
  if (observation.state == AgentState::running) {
    refuse_running(observation.matches);
  }
  const std::string what = "cannot tell whether the agent is running: " + observation.error;
  if (fail_on_unknown) {
    throw FailSafeError(what + "; nothing was written. Run again later, or set fail_on_unknown = false in "
                               "[safety] to go on with only a warning");
  }
  if (warned.insert(observation.error).second && warn) {
    warn(what + "; going on anyway because fail_on_unknown = false in [safety]");
  }
}

} // namespace

Sleeper& real_sleeper() {
  static RealSleeper sleeper;
  return sleeper;
}

// Samples at 0, interval, 2*interval, ... and a last time at exactly `grace`:
// ceil(grace / interval) + 1 samples in all, with sleeps adding up to `grace`
// (the last one shortened when `interval` does not divide it). A grace of 0
// (or below) takes one sample; an interval of 0 (or below) samples at 0 and
// at `grace`.
void require_stopped(const ProcessProbe& probe, const MatchRules& rules, const GateOptions& options,
                     Sleeper& sleeper, const std::function<void(const std::string&)>& warn) {
  using std::chrono::milliseconds;
  const milliseconds grace = std::max(options.grace, milliseconds{0});
  const milliseconds interval = options.interval > milliseconds{0} ? options.interval : grace;
  std::set<std::string> warned;
  milliseconds waited{0};
  for (;;) {
    settle(observe(probe, rules), options.fail_on_unknown, warn, warned);
    if (waited >= grace) {
      return;
    }
    const milliseconds step = std::min(interval, grace - waited);
    sleeper.sleep(step);
    waited += step;
  }
}

void check_still_stopped(const ProcessProbe& probe, const MatchRules& rules, bool fail_on_unknown,
                         const std::function<void(const std::string&)>& warn) {
  std::set<std::string> warned;
  settle(observe(probe, rules), fail_on_unknown, warn, warned);
}

} // namespace codexsync::process
