#include "store/schema/fields.h"

#include <cstdio>
#include <cstdlib>

namespace icrm::store::schema {
namespace {

std::array<EntitySchema, kAllEntities.size()> make_all() {
  std::array<EntitySchema, kAllEntities.size()> all = {customer_fields(), lead_fields(),
                                                       product_fields(),  transaction_fields(),
                                                       activity_fields(), communication_fields()};
  // The tables are indexed by Entity: each must sit in its own slot.
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].entity != kAllEntities[i]) std::abort();
  }
  return all;
}

}  // namespace

const EntitySchema& schema_of(Entity entity) {
  static const auto all = make_all();
  return all[static_cast<std::size_t>(entity)];
}

const Field* EntitySchema::find(std::string_view name) const {
  for (const Field& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

const Field& EntitySchema::field(std::string_view name) const {
  if (const Field* f = find(name)) return *f;
  std::fprintf(stderr, "schema: %.*s has no field %.*s\n", static_cast<int>(noun.size()),
               noun.data(), static_cast<int>(name.size()), name.data());
  std::abort();
}

}  // namespace icrm::store::schema
