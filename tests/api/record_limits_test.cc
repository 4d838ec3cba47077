// Every text field's limit, from the records' field tables, through the whole
// router on both engines: one past it is 400 naming the field on POST and on
// PATCH alike, and a value stored under an older, looser rule (an old import
// of a 300-byte name) does not block a PATCH that leaves it alone.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <boost/json/serialize.hpp>

#include "store/schema/fields.h"
#include "tests/api/api_fixture.h"

namespace icrm::api {
namespace {

using store::Entity;
using store::schema::Access;
using store::schema::Field;
using store::schema::FieldType;
using testing::Principal;

class RecordLimitsTest : public testing::ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    customer_ = create("/api/v1/customers", R"({"name":"Party"})");
  }

  static std::string collection(Entity e) {
    return "/api/v1/" + std::string(store::entity_name(e));
  }

  // A valid create body, `n` keeping unique keys unique.
  boost::json::object minimal(Entity e, int n) const {
    switch (e) {
      case Entity::kCustomers:
      case Entity::kLeads:
        return {{"name", "x"}};
      case Entity::kProducts:
        return {{"sku", "S" + std::to_string(n)}, {"name", "x"}, {"unit_price_minor", 1}};
      case Entity::kTransactions:
        return {{"quantity", 1}, {"unit_price_minor", 1}, {"occurred_at", kTime}};
      case Entity::kActivities:
        return {{"subject", "x"}, {"customer_id", customer_}};
      case Entity::kCommunications:
        return {{"customer_id", customer_}, {"occurred_at", kTime}};
    }
    return {};
  }
  int64_t create_minimal(Entity e, int n) {
    return create(collection(e), boost::json::serialize(minimal(e, n)));
  }
  static std::string with(boost::json::object body, const Field& f, const std::string& value) {
    body[f.name] = value;
    return boost::json::serialize(body);
  }
  static constexpr const char* kTime = "2026-01-01T00:00:00Z";

  // A value one byte past the field's limit (an e-mail keeps its shape).
  static std::string past_limit(const Field& f) {
    if (f.type == FieldType::kEmail) return std::string(f.max_bytes - 11, 'e') + "@example.com";
    return std::string(f.max_bytes + 1, 'x');
  }

  // The record's text fields a client writes.
  static std::vector<const Field*> text_fields(Entity e) {
    std::vector<const Field*> out;
    for (const Field& f : store::schema::schema_of(e).fields) {
      if ((f.type == FieldType::kText || f.type == FieldType::kEmail) &&
          f.access == Access::kWritable)
        out.push_back(&f);
    }
    return out;
  }

  // Stores `value` in the field's column as an older rule would have let it.
  void store_legacy(Entity e, int64_t id, const Field& f, const std::string& value) {
    auto lease = db().lease();
    **lease << "UPDATE " + std::string(store::entity_name(e)) + " SET " + std::string(f.column()) +
                   " = :v WHERE id = :id",
        soci::use(value), soci::use(id);
  }

  int64_t customer_ = 0;
};

TEST_P(RecordLimitsTest, OnePastAFieldsLimitIs400NamingItOnPostAndOnPatch) {
  int n = 0;
  for (Entity e : store::kAllEntities) {
    for (const Field* f : text_fields(e)) {
      SCOPED_TRACE(std::string(store::entity_name(e)) + "." + std::string(f->name));
      auto posted =
          post(Principal::kAdmin, collection(e), with(minimal(e, ++n), *f, past_limit(*f)));
      ASSERT_EQ(posted.status, 400) << posted.body.substr(0, 300);
      EXPECT_EQ(error_fields(json(posted)), std::vector<std::string>{std::string(f->name)});

      int64_t id = create_minimal(e, ++n);
      auto patched = patch(Principal::kAdmin, collection(e) + "/" + std::to_string(id),
                           with({}, *f, past_limit(*f)));
      ASSERT_EQ(patched.status, 400) << patched.body.substr(0, 300);
      EXPECT_EQ(error_fields(json(patched)), std::vector<std::string>{std::string(f->name)});

      // At the limit both succeed.
      std::string at(f->type == FieldType::kEmail ? past_limit(*f).substr(1)
                                                  : std::string(f->max_bytes, 'x'));
      auto fits =
          patch(Principal::kAdmin, collection(e) + "/" + std::to_string(id), with({}, *f, at));
      EXPECT_EQ(fits.status, 200) << fits.body.substr(0, 300);
    }
  }
}

TEST_P(RecordLimitsTest, AnOverLongStoredFieldDoesNotBlockAPatchThatLeavesItAlone) {
  int n = 0;
  for (Entity e : store::kAllEntities) {
    for (const Field* f : text_fields(e)) {
      SCOPED_TRACE(std::string(store::entity_name(e)) + "." + std::string(f->name));
      int64_t id = create_minimal(e, ++n);
      std::string item = collection(e) + "/" + std::to_string(id);
      store_legacy(e, id, *f, past_limit(*f));

      auto untouched = patch(Principal::kAdmin, item, "{}");
      ASSERT_EQ(untouched.status, 200) << untouched.body.substr(0, 300);
      EXPECT_EQ(json(untouched).at(f->name).as_string(), past_limit(*f));
      // Changing it means meeting today's limit, with the same 400 as a create.
      auto changed = patch(Principal::kAdmin, item, with({}, *f, past_limit(*f) + "x"));
      ASSERT_EQ(changed.status, 400) << changed.body.substr(0, 300);
      EXPECT_EQ(error_fields(json(changed)), std::vector<std::string>{std::string(f->name)});
    }
  }
}

TEST_P(RecordLimitsTest, ACustomerImportedWithALongNameTakesAStatusChange) {
  int64_t id = create("/api/v1/customers", R"({"name":"Short"})");
  store_legacy(Entity::kCustomers, id, store::schema::field_of(Entity::kCustomers, "name"),
               std::string(300, 'n'));
  auto churned = patch(Principal::kManager, "/api/v1/customers/" + std::to_string(id),
                       R"({"status":"churned"})");
  ASSERT_EQ(churned.status, 200) << churned.body.substr(0, 300);
  EXPECT_EQ(json(churned).at("status").as_string(), "churned");
  EXPECT_EQ(json(churned).at("name").as_string().size(), 300u);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(RecordLimitsTest);

}  // namespace
}  // namespace icrm::api
