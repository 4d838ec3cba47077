// EventBus: how live news (alerts, score changes, the stream's per-second
// summary) travels from the stages that produce it to the API's server-sent
// event stream, without ingest/ or stream/ calling into api/ (ARCHITECTURE.md:
// nothing calls back leftwards). A message is a topic and its data as JSON text.
//
// Thread-safety: any thread may publish, subscribe or unsubscribe. Subscribers
// run on the publisher's thread, under a shared lock: they must return quickly
// (queue, don't write to sockets) and must not subscribe or unsubscribe.
#pragma once

#include <cstdint>
#include <functional>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

namespace icrm {

struct BusMessage {
  std::string topic;  // "alert", "score", "summary"
  std::string data;   // a JSON object
};

class EventBus {
 public:
  using Subscriber = std::function<void(const BusMessage&)>;

  // Returns a token for unsubscribe().
  uint64_t subscribe(Subscriber subscriber);
  void unsubscribe(uint64_t token);
  void publish(const BusMessage& message) const;

 private:
  mutable std::shared_mutex mutex_;
  std::vector<std::pair<uint64_t, Subscriber>> subscribers_;  // GUARDED_BY(mutex_)
  uint64_t next_token_ = 1;                                   // GUARDED_BY(mutex_)
};

}  // namespace icrm
