#include "durable/status.h"

#include <gtest/gtest.h>

#include "durable/clock.h"

namespace durable {
namespace {

TEST(StatusTest, NamesRoundTrip) {
  for (Code code : {Code::kOk, Code::kNotFound, Code::kAlreadyExists, Code::kInvalidArgument,
                    Code::kFailedPrecondition, Code::kDeadlineExceeded, Code::kResourceExhausted}) {
    EXPECT_EQ(CodeFromName(CodeName(code)), code);
  }
  EXPECT_EQ(CodeFromName("NO_SUCH_CODE"), std::nullopt);
}

TEST(StatusTest, ToStringNamesCodeAndMessage) {
  EXPECT_EQ(Status::Ok().ToString(), "OK");
  EXPECT_EQ(NotFound("workflow not found").ToString(), "NOT_FOUND: workflow not found");
}

TEST(StatusOrTest, HoldsValueOrError) {
  StatusOr<int> value = 7;
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, 7);
  StatusOr<int> error = InvalidArgument("bad");
  EXPECT_FALSE(error.ok());
  EXPECT_EQ(error.status().code(), Code::kInvalidArgument);
}

TEST(VirtualClockTest, SkipsForwardOnly) {
  ManualWallClock wall(TimePoint{std::chrono::seconds(100)});
  VirtualClock clock(wall);
  clock.Skip(std::chrono::seconds(5));
  clock.Skip(std::chrono::seconds(-3));
  EXPECT_EQ(clock.Now(), TimePoint{std::chrono::seconds(105)});
  wall.Advance(std::chrono::seconds(1));
  EXPECT_EQ(clock.Now(), TimePoint{std::chrono::seconds(106)});
}

}  // namespace
}  // namespace durable
