#include "core/event_bus.h"

#include <algorithm>
#include <mutex>

namespace icrm {

uint64_t EventBus::subscribe(Subscriber subscriber) {
  std::unique_lock lock(mutex_);
  uint64_t token = next_token_++;
  subscribers_.emplace_back(token, std::move(subscriber));
  return token;
}

void EventBus::unsubscribe(uint64_t token) {
  std::unique_lock lock(mutex_);
  std::erase_if(subscribers_, [token](const auto& s) { return s.first == token; });
}

void EventBus::publish(const BusMessage& message) const {
  std::shared_lock lock(mutex_);
  for (const auto& [token, subscriber] : subscribers_) subscriber(message);
}

}  // namespace icrm
