#include "store/schema/entity.h"

#include <string>

namespace icrm::store {
Result<Entity> parse_entity(std::string_view name, std::string_view field) {
  for (Entity e : kAllEntities)
    if (entity_name(e) == name) return e;
  std::string all;
  for (Entity e : kAllEntities) all += (all.empty() ? "" : ", ") + std::string(entity_name(e));
  return Error::invalid(
      "unknown " + std::string(field) + " '" + std::string(name) + "' (" + all + ")",
      std::string(field));
}

}  // namespace icrm::store
