// GET /api/v1/<records>.csv through the whole router on both engines: the
// list's filters and visibility, every page, formula-like cells neutralised,
// quoting that reads back, and the documented columns.
#include <gtest/gtest.h>

#include "api/csv_export_routes.h"
#include "tests/api/api_fixture.h"

namespace icrm::api {
namespace {

using testing::Principal;

class CsvExportTest : public testing::ApiTest {};

TEST(CsvSafeCell, FormulaLikeTextGetsAnApostropheNumbersStay) {
  EXPECT_EQ(csv_safe_cell(boost::json::value("=HYPERLINK(\"http://x\")")), "'=HYPERLINK(\"http://x\")");
  EXPECT_EQ(csv_safe_cell(boost::json::value("+1")), "'+1");
  EXPECT_EQ(csv_safe_cell(boost::json::value("-2+3")), "'-2+3");
  EXPECT_EQ(csv_safe_cell(boost::json::value("@SUM(A1)")), "'@SUM(A1)");
  EXPECT_EQ(csv_safe_cell(boost::json::value("\tx")), "'\tx");
  EXPECT_EQ(csv_safe_cell(boost::json::value("Ada")), "Ada");
  EXPECT_EQ(csv_safe_cell(boost::json::value(-1250)), "-1250");
  EXPECT_EQ(csv_safe_cell(boost::json::value(nullptr)), "");
}

TEST_P(CsvExportTest, SameFiltersAsTheListEveryPageSafeCells) {
  create("/api/v1/customers", R"({"name":"=cmd|' /C calc'!A0","email":"a@example.com","country":"DE"})");
  create("/api/v1/customers", R"({"name":"Grace, \"Amazing\" Hopper","country":"US"})");
  for (int i = 0; i < 520; ++i)  // more than one page of the list (500)
    create("/api/v1/customers", R"({"name":"Bulk )" + std::to_string(i) + R"(","country":"FR"})");
  auto r = get(Principal::kManager, "/api/v1/customers.csv?country=DE");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "text/csv; charset=utf-8");
  EXPECT_NE(r.headers.get("Content-Disposition").value_or("").find("customers.csv"), std::string::npos);
  EXPECT_EQ(r.body.substr(0, 3), "id,");
  EXPECT_EQ(std::count(r.body.begin(), r.body.end(), '\n'), 2) << r.body;
  EXPECT_NE(r.body.find(",'=cmd|' /C calc'!A0,"), std::string::npos) << r.body;

  r = get(Principal::kManager, "/api/v1/customers.csv?country=US");
  EXPECT_NE(r.body.find(R"("Grace, ""Amazing"" Hopper")"), std::string::npos) << r.body;

  r = get(Principal::kManager, "/api/v1/customers.csv?country=FR");
  EXPECT_EQ(std::count(r.body.begin(), r.body.end(), '\n'), 521);

  EXPECT_EQ(get(Principal::kManager, "/api/v1/customers.csv?sort=nonsense").status, 400);
  EXPECT_EQ(get(Principal::kNone, "/api/v1/customers.csv").status, 401);
}

TEST_P(CsvExportTest, ARepExportsOnlyTheLeadsTheyMaySee) {
  create("/api/v1/leads", R"({"name":"Mine","owner_id":)" + std::to_string(user_id(Principal::kRep)) + "}");
  create("/api/v1/leads", R"({"name":"Theirs","owner_id":)" + std::to_string(user_id(Principal::kManager)) + "}");
  create("/api/v1/leads", R"({"name":"Nobody's"})");
  auto rep = get(Principal::kRep, "/api/v1/leads.csv");
  ASSERT_EQ(rep.status, 200) << rep.body;
  EXPECT_NE(rep.body.find("Mine"), std::string::npos);
  EXPECT_NE(rep.body.find("Nobody's"), std::string::npos);
  EXPECT_EQ(rep.body.find("Theirs"), std::string::npos) << rep.body;
  EXPECT_NE(get(Principal::kAdmin, "/api/v1/leads.csv").body.find("Theirs"), std::string::npos);

  int64_t product = create("/api/v1/products", R"({"sku":"S-1","name":"Widget","unit_price_minor":250})");
  create("/api/v1/transactions", R"({"product_id":)" + std::to_string(product) +
                                     R"(,"quantity":-2,"unit_price_minor":250,"occurred_at":"2026-11-20T10:00:00Z"})");
  auto sales = get(Principal::kViewer, "/api/v1/transactions.csv");
  ASSERT_EQ(sales.status, 200) << sales.body;
  EXPECT_NE(sales.body.find(",-2,"), std::string::npos) << sales.body;  // numbers as they are
  EXPECT_NE(sales.body.find(",-500,"), std::string::npos) << sales.body;
  EXPECT_NE(get(Principal::kViewer, "/api/v1/products.csv").body.find("S-1,Widget"), std::string::npos);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(CsvExportTest);

}  // namespace
}  // namespace icrm::api
