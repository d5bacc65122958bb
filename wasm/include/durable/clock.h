// Time as the engine sees it: the host's wall clock plus a durable offset.
//
// Skipping time (as Temporal's test server does) only grows the offset, so a
// restored engine continues on the same timeline. Every timestamp in history
// and every timer deadline comes from VirtualClock::Now().
#pragma once

#include "durable/types.h"

namespace durable {

class WallClock {
 public:
  virtual ~WallClock() = default;
  virtual TimePoint Now() const = 0;
};

// std::chrono::system_clock (native) or Date.now() (WebAssembly).
WallClock& SystemWallClock();

// A wall clock that moves only when told to: tests and benchmarks.
class ManualWallClock final : public WallClock {
 public:
  explicit ManualWallClock(TimePoint start) : now_(start) {}
  TimePoint Now() const override { return now_; }
  void Advance(Duration d) { now_ += d; }
  void Set(TimePoint t) { now_ = t; }

 private:
  TimePoint now_;
};

class VirtualClock {
 public:
  explicit VirtualClock(const WallClock& wall) : wall_(&wall) {}
  TimePoint Now() const { return wall_->Now() + offset_; }
  Duration offset() const { return offset_; }
  void set_offset(Duration offset) { offset_ = offset; }
  // Moves virtual time forward; a negative duration is ignored.
  void Skip(Duration d) {
    if (d.count() > 0) offset_ += d;
  }

 private:
  const WallClock* wall_;
  Duration offset_{0};
};

}  // namespace durable
