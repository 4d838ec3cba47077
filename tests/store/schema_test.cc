// The records' field tables (store/schema/): every entity has one in its
// slot, its name reads back, each field's limits are usable, and each
// repository's list filters and sorts are the ones its table marks.
#include <gtest/gtest.h>

#include <algorithm>

#include "store/activity_store.h"
#include "store/communication_store.h"
#include "store/customer_store.h"
#include "store/lead_store.h"
#include "store/product_store.h"
#include "store/schema/fields.h"
#include "store/transaction_store.h"

namespace icrm::store {
namespace {

using schema::Field;
using schema::FieldType;

ListCapabilities capabilities_of(Entity e) {
  switch (e) {
    case Entity::kCustomers:
      return CustomerStore::list_capabilities();
    case Entity::kLeads:
      return LeadStore::list_capabilities();
    case Entity::kProducts:
      return ProductStore::list_capabilities();
    case Entity::kTransactions:
      return TransactionStore::list_capabilities();
    case Entity::kActivities:
      return ActivityStore::list_capabilities();
    case Entity::kCommunications:
      return CommunicationStore::list_capabilities();
  }
  return {};
}

bool has(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

TEST(EntityTest, EveryNameReadsBackAndAnUnknownOneIsNamed) {
  for (Entity e : kAllEntities) {
    auto back = parse_entity(entity_name(e));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, e);
    EXPECT_EQ(schema::schema_of(e).entity, e);
  }
  auto bad = parse_entity("gadgets");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "kind");
  EXPECT_NE(bad.error().message.find("unknown kind 'gadgets' (customers, leads"),
            std::string::npos);
  EXPECT_EQ(parse_entity("Customers", "entity").error().field, "entity");
}

TEST(SchemaTest, EveryFieldHasWhatItsTypeNeeds) {
  for (Entity e : kAllEntities) {
    const auto& s = schema::schema_of(e);
    ASSERT_FALSE(s.fields.empty());
    EXPECT_EQ(s.fields.front().name, "id") << s.noun;
    std::vector<std::string_view> names, files;
    for (const Field& f : s.fields) {
      SCOPED_TRACE(std::string(s.noun) + "." + std::string(f.name));
      names.push_back(f.name);
      if (f.in_files()) files.push_back(f.file.name);
      if (f.type == FieldType::kText || f.type == FieldType::kEmail) {
        EXPECT_GT(f.max_bytes, 0u);
      } else {
        EXPECT_EQ(f.max_bytes, 0u);
      }
      if (f.type == FieldType::kInteger || f.type == FieldType::kMoney) EXPECT_LT(f.min, f.max);
      EXPECT_EQ(f.type == FieldType::kChoice, !f.choices.empty());
      EXPECT_EQ(f.is_link(), !f.file.link_key.empty());
      if (f.is_link()) EXPECT_EQ(f.type, FieldType::kId);
      if (f.required) EXPECT_FALSE(f.nullable);
    }
    std::sort(names.begin(), names.end());
    EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end()) << "a name twice";
    std::sort(files.begin(), files.end());
    EXPECT_EQ(std::adjacent_find(files.begin(), files.end()), files.end()) << "a column twice";
  }
}

TEST(SchemaTest, ListFiltersAndSortsAreTheOnesTheTableMarks) {
  for (Entity e : kAllEntities) {
    auto caps = capabilities_of(e);
    for (const Field& f : schema::schema_of(e).fields) {
      SCOPED_TRACE(std::string(entity_name(e)) + "." + std::string(f.name));
      EXPECT_EQ(has(caps.filters, f.name), f.filterable);
      EXPECT_EQ(has(caps.sorts, f.name), f.sortable);
    }
  }
}

}  // namespace
}  // namespace icrm::store
