#include "durable/clock.h"

namespace durable {
namespace {

// Under Emscripten, system_clock reads Date.now(), so this one clock serves
// native builds, browsers and Node alike.
class SystemClock final : public WallClock {
 public:
  TimePoint Now() const override {
    return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
  }
};

}  // namespace

WallClock& SystemWallClock() {
  static SystemClock clock;
  return clock;
}

}  // namespace durable
