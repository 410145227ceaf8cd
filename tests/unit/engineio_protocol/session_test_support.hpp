#pragma once
// A fake clock and helpers for driving SessionMachine in tests.

#include <chrono>
#include <vector>

#include "engineio/protocol/session_machine.hpp"

namespace engineio::protocol::testing {

using namespace std::chrono_literals;
using Kind = Action::Kind;

struct FakeClock {
    SessionMachine::TimePoint now{std::chrono::hours(1000)};
    void advance(std::chrono::milliseconds d) { now += d; }
};

inline SessionMachine::Config test_config() {
    return {.ping_interval = 300ms,
            .ping_timeout = 200ms,
            .upgrade_timeout = 1000ms,
            .max_payload = 1000};
}

/// Takes the actions out of the machine.
inline std::vector<Action> drain(SessionMachine& m) {
    std::vector<Action> out = std::move(m.actions());
    m.actions().clear();
    return out;
}

/// Advances the clock to the machine's deadline and fires the timer, as the I/O layer does.
inline std::vector<Action> fire_at_deadline(SessionMachine& m, FakeClock& clock) {
    clock.now = *m.next_deadline();
    m.on_timer(clock.now);
    return drain(m);
}

}  // namespace engineio::protocol::testing
