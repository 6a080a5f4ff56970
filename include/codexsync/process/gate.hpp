#pragma once

#include <codexsync/process/probe.hpp>

#include <chrono>
#include <functional>
#include <string>

// The cold precondition: nothing is written while the agent runs.
namespace codexsync::process {

// Waiting, injectable so tests run without sleeping.
class Sleeper {
public:
  virtual ~Sleeper() = default;
  virtual void sleep(std::chrono::milliseconds duration) = 0;
};

// The real one (std::this_thread::sleep_for).
Sleeper& real_sleeper();

struct GateOptions {
  std::chrono::milliseconds grace{2000};     // seen stopped continuously this long (0 = one sample)
  std::chrono::milliseconds interval{250};   // between samples
  bool fail_on_unknown = true;
};

// Returns once the agent has been seen stopped in every sample across the
// grace window. Throws AgentRunningError (exit 3) naming the processes when
// any sample finds it running; throws FailSafeError (exit 5) when the list
// cannot be read and `fail_on_unknown`, else calls `warn` with the reason and
// treats that sample as stopped.
void require_stopped(const ProcessProbe& probe, const MatchRules& rules, const GateOptions& options,
                     Sleeper& sleeper, const std::function<void(const std::string&)>& warn);

// One sample, right before a write: the same outcomes as require_stopped
// without the window.
void check_still_stopped(const ProcessProbe& probe, const MatchRules& rules, bool fail_on_unknown,
                         const std::function<void(const std::string&)>& warn);

} // namespace codexsync::process
