// Entity: the kinds of record the CRM keeps, by value instead of by name.
// Its text is the table's name ("customers", "leads", ...), which is also the
// entity an audit entry or a score names and the `kind` of an import or
// export; entity_name and parse_entity are the one place that spells it.
#pragma once

#include <array>
#include <string_view>

#include "core/result.h"

namespace icrm::store {

enum class Entity { kCustomers, kLeads, kProducts, kTransactions, kActivities, kCommunications };

inline constexpr std::array<Entity, 6> kAllEntities = {
    Entity::kCustomers,    Entity::kLeads,      Entity::kProducts,
    Entity::kTransactions, Entity::kActivities, Entity::kCommunications};

inline constexpr std::array<std::string_view, kAllEntities.size()> kEntityNames = {
    "customers", "leads", "products", "transactions", "activities", "communications"};

// "customers", "leads", "products", "transactions", "activities", "communications".
constexpr std::string_view entity_name(Entity entity) {
  return kEntityNames[static_cast<std::size_t>(entity)];
}
// The entity named `name`; invalid argument naming `field` (and listing
// every name) otherwise.
Result<Entity> parse_entity(std::string_view name, std::string_view field = "kind");

}  // namespace icrm::store
