#include "ingest/event_type_catalog.h"

namespace icrm::ingest {

Result<std::unique_ptr<EventTypeCatalog>> EventTypeCatalog::load(store::Database& db) {
  store::EventTypeStore store(db);
  auto stored = store.list();
  if (!stored) return stored.error();
  auto registry = std::make_shared<ingest::EventTypeRegistry>();
  for (const store::EventTypeRecord& t : *stored) {
    auto id = registry->register_type(t.name);
    if (!id) {
      return Error::internal("stored event type '" + t.name +
                             "' is invalid: " + id.error().message);
    }
  }
  return std::unique_ptr<EventTypeCatalog>(new EventTypeCatalog(db, std::move(registry)));
}

std::shared_ptr<const ingest::EventTypeRegistry> EventTypeCatalog::snapshot() const {
  std::lock_guard lock(snapshot_mutex_);
  return registry_;
}

Result<store::EventTypeRecord> EventTypeCatalog::register_type(const std::string& name,
                                                               const std::string& description,
                                                               std::optional<int64_t> created_by,
                                                               Timestamp at) {
  std::lock_guard registering(register_mutex_);
  auto current = snapshot();
  if (current->find(name)) {
    return Error::conflict("event type '" + name + "' already exists", "name");
  }
  auto next = std::make_shared<ingest::EventTypeRegistry>(*current);
  auto id = next->register_type(name);
  if (!id) {
    Error e = id.error();
    e.field = "name";
    return e;
  }
  auto stored = store_.create(name, description, created_by, at);
  if (!stored) return stored.error();
  std::lock_guard lock(snapshot_mutex_);
  registry_ = std::move(next);
  return stored;
}

Result<std::vector<store::EventTypeRecord>> EventTypeCatalog::custom_types() {
  return store_.list();
}

}  // namespace icrm::ingest
