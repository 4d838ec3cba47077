// Working hours: a service time such as "within 4 working hours" turned into
// a due time, counting only Monday to Friday between the day's start and end
// hour (UTC). A time outside working hours starts counting at the next
// working period.
#pragma once

#include "core/time.h"

namespace icrm::decide {

struct WorkingDay {
  int start_hour = 9;  // 0..23
  int end_hour = 17;   // start_hour+1..24
};

// `from` plus `hours` working hours. REQUIRES: hours >= 0, a valid day.
Timestamp add_working_hours(Timestamp from, double hours, const WorkingDay& day);

}  // namespace icrm::decide
