// Alerts in words and in JSON: an anomaly the stream found becomes an
// AlertRecord with a sentence an operator can read, and every alert has one
// JSON form, used alike by GET /api/v1/alerts and the live event stream.
#pragma once

#include <boost/json/object.hpp>
#include <string_view>

#include "core/time.h"
#include "store/alert_store.h"
#include "stream/anomaly.h"

namespace icrm::stream {

// `type_name` names anomaly.type ("" for whole-stream anomalies); `gamma`
// and `bucket` are what the rule used (the rate bucket per entity, the
// monitor's bucket for the whole stream).
store::AlertRecord alert_from_anomaly(const Anomaly& anomaly, std::string_view type_name,
                                      double gamma, std::chrono::microseconds bucket,
                                      Timestamp now);

boost::json::object alert_to_json(const store::AlertRecord& alert);

}  // namespace icrm::stream
