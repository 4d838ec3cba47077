// Service times in working hours (Monday to Friday, 9 to 17 UTC by default).
#include "decide/working_hours.h"

#include <gtest/gtest.h>

namespace icrm::decide {
namespace {

Timestamp at(const char* iso) { return *parse_timestamp(iso); }

TEST(WorkingHoursTest, CountsOnlyTheWorkingDay) {
  WorkingDay day;
  // Monday 2026-11-23.
  EXPECT_EQ(add_working_hours(at("2026-11-23T10:00:00Z"), 4, day), at("2026-11-23T14:00:00Z"));
  // Runs past 17:00 into Tuesday morning.
  EXPECT_EQ(add_working_hours(at("2026-11-23T15:00:00Z"), 4, day), at("2026-11-24T11:00:00Z"));
  // Exactly at the close: done at 17:00, not the next morning.
  EXPECT_EQ(add_working_hours(at("2026-11-23T13:00:00Z"), 4, day), at("2026-11-23T17:00:00Z"));
  // Before opening: counting starts at 9:00.
  EXPECT_EQ(add_working_hours(at("2026-11-23T06:00:00Z"), 1.5, day), at("2026-11-23T10:30:00Z"));
  // Friday afternoon into Monday; a Saturday request starts on Monday.
  EXPECT_EQ(add_working_hours(at("2026-11-27T16:00:00Z"), 2, day), at("2026-11-30T10:00:00Z"));
  EXPECT_EQ(add_working_hours(at("2026-11-28T12:00:00Z"), 4, day), at("2026-11-30T13:00:00Z"));
  // Two working days.
  EXPECT_EQ(add_working_hours(at("2026-11-23T10:00:00Z"), 16, day), at("2026-11-25T10:00:00Z"));
}

TEST(WorkingHoursTest, AnotherWorkingDay) {
  WorkingDay day{8, 12};
  EXPECT_EQ(add_working_hours(at("2026-11-23T11:00:00Z"), 2, day), at("2026-11-24T09:00:00Z"));
}

}  // namespace
}  // namespace icrm::decide
