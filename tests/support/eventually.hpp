// Polls `done` every `every` until it holds or `deadline` passes; the last answer. For conditions another
// thread or process makes true (a job finishing, a webhook arriving), never as a timing assertion.
#pragma once

#include <chrono>
#include <thread>

namespace regscand::testing {

template <class F>
bool eventually(F&& done, std::chrono::milliseconds deadline = std::chrono::seconds(30),
                std::chrono::milliseconds every = std::chrono::milliseconds(20)) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(every);
  }
  return done();
}

}  // namespace regscand::testing
