#include "notify/webhook_message.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace icrm::notify {

std::string make_event_id(Timestamp at, uint64_t sequence) {
  return "evt_" + std::to_string(to_unix_micros(at)) + "_" + std::to_string(sequence);
}

Result<std::string> make_webhook_body(std::string_view topic, std::string_view event_id,
                                      std::string_view data, Timestamp at) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(data, ec);
  if (ec) return Error::invalid("message data is not JSON: " + ec.message(), "data");
  boost::json::object envelope{{"id", event_id},
                               {"topic", topic},
                               {"created_at", format_timestamp(at)},
                               {"data", std::move(parsed)}};
  return boost::json::serialize(envelope);
}

}  // namespace icrm::notify
