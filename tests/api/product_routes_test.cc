// /api/v1/products and /api/v1/transactions through the whole router, on
// both engines.
#include "api/product_routes.h"

#include <gtest/gtest.h>

#include "api/resource_routes.h"
#include "tests/api/api_fixture.h"

namespace icrm::api {
namespace {

using testing::Principal;

class ProductRoutesTest : public testing::ApiTest {};

TEST_P(ProductRoutesTest, ProductsAreWrittenByManagersAndReadByEveryone) {
  auto created =
      post(Principal::kManager, "/api/v1/products",
           R"({"sku":"SKU-1","name":"Widget","unit_price_minor":1250,"currency":"USD"})");
  ASSERT_EQ(created.status, 201) << created.body;
  int64_t id = json(created).at("id").as_int64();
  EXPECT_EQ(get(Principal::kRep, "/api/v1/products/" + std::to_string(id)).status, 200);
  EXPECT_EQ(
      post(Principal::kRep, "/api/v1/products", R"({"sku":"S2","name":"x","unit_price_minor":1})")
          .status,
      403);
  auto duplicate = post(Principal::kAdmin, "/api/v1/products",
                        R"({"sku":"SKU-1","name":"Other","unit_price_minor":1})");
  ASSERT_EQ(duplicate.status, 409);
  EXPECT_NE(duplicate.body.find("product " + std::to_string(id)), std::string::npos)
      << duplicate.body;
  auto priced = patch(Principal::kManager, "/api/v1/products/" + std::to_string(id),
                      R"({"unit_price_minor":1300})");
  ASSERT_EQ(priced.status, 200) << priced.body;
  EXPECT_EQ(json(priced).at("name").as_string(), "Widget");
  EXPECT_EQ(json(priced).at("currency").as_string(), "USD");
  auto bad = post(Principal::kAdmin, "/api/v1/products",
                  R"({"sku":"","name":" ","unit_price_minor":-1,"currency":"usd"})");
  ASSERT_EQ(bad.status, 400);
  auto problem = json(bad);
  std::vector<std::string> fields;
  for (const auto& e : problem.at("errors").as_array())
    fields.emplace_back(e.as_object().at("field").as_string());
  EXPECT_EQ(fields, (std::vector<std::string>{"unit_price_minor"})) << "the API's own bound first";
  auto blank = json(post(Principal::kAdmin, "/api/v1/products",
                         R"({"sku":"","name":" ","unit_price_minor":1,"currency":"usd"})"));
  fields.clear();
  for (const auto& e : blank.at("errors").as_array())
    fields.emplace_back(e.as_object().at("field").as_string());
  EXPECT_EQ(fields, (std::vector<std::string>{"sku", "name", "currency"}));
}

TEST_P(ProductRoutesTest, TransactionsComputeTheAmountAndKeepReferencesTrue) {
  int64_t product = create("/api/v1/products", R"({"sku":"P","name":"P","unit_price_minor":250})");
  int64_t customer = create("/api/v1/customers", R"({"name":"Buyer"})");
  auto sale =
      post(Principal::kManager, "/api/v1/transactions",
           R"({"external_id":"INV-1","customer_id":)" + std::to_string(customer) +
               R"(,"product_id":)" + std::to_string(product) +
               R"(,"quantity":-3,"unit_price_minor":250,"occurred_at":"2026-11-20T10:00:00Z"})");
  ASSERT_EQ(sale.status, 201) << sale.body;
  auto t = json(sale);
  EXPECT_EQ(t.at("amount_minor").as_int64(), -750);
  EXPECT_EQ(t.at("line_no").as_int64(), 1);
  auto again = post(
      Principal::kManager, "/api/v1/transactions",
      R"({"external_id":"INV-1","quantity":1,"unit_price_minor":1,"occurred_at":"2026-11-20T10:00:00Z"})");
  EXPECT_EQ(again.status, 409) << again.body;
  auto missing = post(
      Principal::kManager, "/api/v1/transactions",
      R"({"customer_id":424242,"quantity":1,"unit_price_minor":1,"occurred_at":"2026-11-20T10:00:00Z"})");
  EXPECT_EQ(missing.status, 400) << missing.body;
  auto wrong =
      post(Principal::kManager, "/api/v1/transactions",
           R"({"quantity":0,"unit_price_minor":1,"occurred_at":"yesterday","amount_minor":5})");
  ASSERT_EQ(wrong.status, 400);
  EXPECT_NE(wrong.body.find("occurred_at"), std::string::npos);
  EXPECT_NE(wrong.body.find("amount_minor"), std::string::npos);
  auto changed =
      patch(Principal::kManager, "/api/v1/transactions/" + std::to_string(t.at("id").as_int64()),
            R"({"quantity":2})");
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(json(changed).at("amount_minor").as_int64(), 500);
  EXPECT_EQ(del(Principal::kAdmin, "/api/v1/products/" + std::to_string(product)).status, 409);
  EXPECT_EQ(del(Principal::kViewer, "/api/v1/transactions/" + std::to_string(t.at("id").as_int64()))
                .status,
            403);
  auto listed =
      get(Principal::kRep, "/api/v1/transactions?customer_id=" + std::to_string(customer));
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(json(listed).at("items").as_array().size(), 1u);
}

TEST_P(ProductRoutesTest, QuantityAndLineNumberStopAtTheirLimits) {
  auto line = [&](int64_t quantity, int64_t line_no) {
    return post(Principal::kManager, "/api/v1/transactions",
                R"({"external_id":"INV-L)" + std::to_string(line_no) + R"(","line_no":)" +
                    std::to_string(line_no) + R"(,"quantity":)" + std::to_string(quantity) +
                    R"(,"unit_price_minor":1,"occurred_at":"2026-11-20T10:00:00Z"})");
  };
  EXPECT_EQ(line(kMaxQuantity, kMaxLineNo).status, 201);
  EXPECT_EQ(line(-kMaxQuantity, 1).status, 201);
  auto past = line(kMaxQuantity + 1, kMaxLineNo + 1);
  ASSERT_EQ(past.status, 400) << past.body;
  EXPECT_EQ(error_fields(json(past)), (std::vector<std::string>{"line_no", "quantity"}));
  EXPECT_EQ(line(-kMaxQuantity - 1, 2).status, 400);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(ProductRoutesTest);

}  // namespace
}  // namespace icrm::api
