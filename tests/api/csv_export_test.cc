// GET /api/v1/<records>.csv through the whole router on both engines: the
// list's filters and visibility, every page, formula-like cells neutralised,
// quoting that reads back, and the documented columns.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <boost/json/serialize.hpp>

#include "api/csv_export_routes.h"
#include "store/lead_store.h"
#include "tests/api/api_fixture.h"

namespace icrm::api {
namespace {

using testing::Principal;

class CsvExportTest : public testing::ApiTest {};

TEST(CsvSafeCell, FormulaLikeTextGetsAnApostropheNumbersStay) {
  EXPECT_EQ(csv_safe_cell(boost::json::value("=HYPERLINK(\"http://x\")")),
            "'=HYPERLINK(\"http://x\")");
  EXPECT_EQ(csv_safe_cell(boost::json::value("+1")), "'+1");
  EXPECT_EQ(csv_safe_cell(boost::json::value("-2+3")), "'-2+3");
  EXPECT_EQ(csv_safe_cell(boost::json::value("@SUM(A1)")), "'@SUM(A1)");
  EXPECT_EQ(csv_safe_cell(boost::json::value("\tx")), "'\tx");
  EXPECT_EQ(csv_safe_cell(boost::json::value("Ada")), "Ada");
  EXPECT_EQ(csv_safe_cell(boost::json::value(-1250)), "-1250");
  EXPECT_EQ(csv_safe_cell(boost::json::value(nullptr)), "");
}

// Spreadsheets skip leading blanks and read full-width signs as ASCII ones.
TEST(CsvSafeCell, LeadingBlanksAndFullWidthSignsDoNotHideAFormula) {
  for (std::string formula :
       {" =1+1", "  +1", "\n-2+3", " @SUM(A1)", " \t x", "\r\n=1", "\xC2\xA0=1", "\xE3\x80\x80=1",
        "\xEF\xBC\x9D"
        "1+1",
        "\xEF\xBC\x8B"
        "1",
        "\xEF\xBC\x8D"
        "1",
        "\xEF\xBC\xA0"
        "SUM(A1)",
        " \xEF\xB9\xA6"
        "1"}) {
    EXPECT_EQ(csv_safe_cell(boost::json::value(formula)), "'" + formula) << formula;
  }
  for (std::string text : {"", " ", "Ada = Grace", "a+b", "\xEF\xBC\xA1", "'=already"}) {
    EXPECT_EQ(csv_safe_cell(boost::json::value(text)), text) << text;
  }
}

TEST_P(CsvExportTest, SameFiltersAsTheListEveryPageSafeCells) {
  create("/api/v1/customers",
         R"({"name":"=cmd|' /C calc'!A0","email":"a@example.com","country":"DE"})");
  create("/api/v1/customers", R"({"name":"Grace, \"Amazing\" Hopper","country":"US"})");
  for (int i = 0; i < 520; ++i)  // more than one page of the list (500)
    create("/api/v1/customers", R"({"name":"Bulk )" + std::to_string(i) + R"(","country":"FR"})");
  auto r = get(Principal::kManager, "/api/v1/customers.csv?country=DE");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "text/csv; charset=utf-8");
  EXPECT_NE(r.headers.get("Content-Disposition").value_or("").find("customers.csv"),
            std::string::npos);
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
  create("/api/v1/leads",
         R"({"name":"Mine","owner_id":)" + std::to_string(user_id(Principal::kRep)) + "}");
  create("/api/v1/leads",
         R"({"name":"Theirs","owner_id":)" + std::to_string(user_id(Principal::kManager)) + "}");
  create("/api/v1/leads", R"({"name":"Nobody's"})");
  auto rep = get(Principal::kRep, "/api/v1/leads.csv");
  ASSERT_EQ(rep.status, 200) << rep.body;
  EXPECT_NE(rep.body.find("Mine"), std::string::npos);
  EXPECT_NE(rep.body.find("Nobody's"), std::string::npos);
  EXPECT_EQ(rep.body.find("Theirs"), std::string::npos) << rep.body;
  EXPECT_NE(get(Principal::kAdmin, "/api/v1/leads.csv").body.find("Theirs"), std::string::npos);

  int64_t product =
      create("/api/v1/products", R"({"sku":"S-1","name":"Widget","unit_price_minor":250})");
  create("/api/v1/transactions",
         R"({"product_id":)" + std::to_string(product) +
             R"(,"quantity":-2,"unit_price_minor":250,"occurred_at":"2026-11-20T10:00:00Z"})");
  auto sales = get(Principal::kViewer, "/api/v1/transactions.csv");
  ASSERT_EQ(sales.status, 200) << sales.body;
  EXPECT_NE(sales.body.find(",-2,"), std::string::npos) << sales.body;  // numbers as they are
  EXPECT_NE(sales.body.find(",-500,"), std::string::npos) << sales.body;
  EXPECT_NE(get(Principal::kViewer, "/api/v1/products.csv").body.find("S-1,Widget"),
            std::string::npos);
}

// Issue 4: a large export is streamed a page at a time (memory holds one
// page), every record once, in list order, across page boundaries.
TEST_P(CsvExportTest, ALargeExportIsStreamedAPageAtATime) {
  const int kLeads = 2 * static_cast<int>(kCsvExportPageRows) + 7;  // three pages
  {
    auto lease = db().lease();
    ASSERT_TRUE(lease.ok());
    soci::transaction tx(**lease);
    for (int i = 0; i < kLeads; ++i) {
      **lease << "INSERT INTO leads (name, status, currency, attributes, created_at, updated_at) "
                 "VALUES (:n, 'new', 'EUR', '{}', '2026-11-01T00:00:00.000000Z', "
                 "'2026-11-01T00:00:00.000000Z')",
          soci::use("Lead " + std::to_string(i));
    }
    tx.commit();
  }
  api::Request request;
  request.method = Method::kGet;
  ASSERT_TRUE(request.set_target("/api/v1/leads.csv?sort=id").ok());
  request.headers.set("Authorization", "Bearer " + token(Principal::kManager));
  Response r = router().handle(request);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(r.stream);
  EXPECT_TRUE(r.stream->chunked());
  std::vector<std::string> pieces;
  r.stream->open([] {});
  for (bool more = true; more;) {
    std::string piece;
    more = r.stream->take(piece);
    pieces.push_back(std::move(piece));
  }
  EXPECT_TRUE(r.stream->complete());
  ASSERT_EQ(pieces.size(), 3u);  // the header and first page, then one page per take()
  std::string body;
  for (const auto& p : pieces) {
    EXPECT_LE(std::count(p.begin(), p.end(), '\n'), static_cast<long>(kCsvExportPageRows) + 1);
    body += p;
  }
  EXPECT_EQ(std::count(body.begin(), body.end(), '\n'), kLeads + 1);
  std::size_t at = 0;
  for (int i = 0; i < kLeads; ++i) {
    at = body.find(",Lead " + std::to_string(i) + ",", at);
    ASSERT_NE(at, std::string::npos) << "Lead " << i << " missing or out of order";
  }
  // Through the fixture, as a client reads it: the same body.
  EXPECT_EQ(get(Principal::kManager, "/api/v1/leads.csv?sort=id").body, body);
}

using Ends = std::vector<std::pair<int64_t, bool>>;

// A lead export whose first page (`ready`, `records` records) is waiting and
// whose later pages come from `list`; how it ends is told to `ends`.
std::unique_ptr<CsvExportStream<store::Lead>> lead_export(
    std::function<Result<store::Page<store::Lead>>(const store::ListQuery&)> list,
    std::string ready, int64_t records, Ends& ends) {
  auto crud = std::make_shared<Crud<store::Lead>>();
  crud->list = std::move(list);
  auto columns = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"id"});
  store::ListQuery query;
  query.cursor = "next";
  return std::make_unique<CsvExportStream<store::Lead>>(
      crud, columns, query, std::move(ready), records,
      [&ends](int64_t n, bool complete) { ends.emplace_back(n, complete); });
}

// A page that fails after the first ends the body incomplete, so the server
// leaves out the last chunk and the client sees a cut download.
TEST(CsvExportStream, AFailedPageEndsTheBodyIncomplete) {
  int calls = 0;
  Ends ends;
  auto stream = lead_export(
      [&calls](const store::ListQuery&) -> Result<store::Page<store::Lead>> {
        ++calls;
        return Error::unavailable("the database went away");
      },
      "id\n1\n", 1, ends);
  std::string out;
  EXPECT_TRUE(stream->take(out));
  EXPECT_EQ(out, "id\n1\n");
  EXPECT_FALSE(stream->take(out));
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(stream->complete());
  stream->close();
  // Its audit entry is told once: one record sent, the body cut short.
  EXPECT_EQ(ends, (Ends{{1, false}}));
}

// A client that leaves before the end (close() while pages remain) is an
// incomplete export in the audit log, with the records it was sent.
TEST(CsvExportStream, AClientLeavingEarlyEndsItIncomplete) {
  Ends ends;
  auto stream = lead_export(
      [](const store::ListQuery&) -> Result<store::Page<store::Lead>> {
        return store::Page<store::Lead>{};
      },
      "id\n1\n2\n", 2, ends);
  std::string out;
  EXPECT_TRUE(stream->take(out));
  stream->close();
  stream.reset();
  EXPECT_EQ(ends, (Ends{{2, false}}));
}

// Issue "Trust": every export is in the audit log with who, how many records
// and which parameters, never the records or the parameters' values.
TEST_P(CsvExportTest, EveryExportIsAuditedWithItsCountNotItsData) {
  create("/api/v1/customers", R"({"name":"Ada Secretvalue","country":"DE"})");
  create("/api/v1/customers", R"({"name":"Grace Secretvalue","country":"DE"})");
  create("/api/v1/customers", R"({"name":"Linus","country":"FI"})");
  auto r = get(Principal::kManager, "/api/v1/customers.csv?country=DE&q=secretvalue");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(std::count(r.body.begin(), r.body.end(), '\n'), 3) << r.body;
  ASSERT_EQ(get(Principal::kAdmin, "/api/v1/leads.csv").status, 200);

  auto log = get(Principal::kAdmin, "/api/v1/audit-log?action=export&sort=id");
  ASSERT_EQ(log.status, 200) << log.body;
  auto items = json(log).at("items").as_array();
  ASSERT_EQ(items.size(), 2u) << log.body;
  const auto& customers = items[0].as_object();
  EXPECT_EQ(customers.at("entity").as_string(), "customers");
  EXPECT_EQ(customers.at("user_id").as_int64(), user_id(Principal::kManager));
  const auto& after = customers.at("after").as_object();
  EXPECT_EQ(after.at("records").as_int64(), 2);
  EXPECT_EQ(after.at("complete").as_bool(), true);
  EXPECT_EQ(after.at("format").as_string(), "csv");
  EXPECT_EQ(after.at("route").as_string(), "/api/v1/customers.csv");
  EXPECT_EQ(boost::json::serialize(after.at("query_parameters")), R"(["country","q"])");
  EXPECT_EQ(log.body.find("ecretvalue"), std::string::npos) << "data or search text in the log";
  EXPECT_EQ(items[1].as_object().at("entity").as_string(), "leads");
  EXPECT_EQ(items[1].as_object().at("after").as_object().at("records").as_int64(), 0);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(CsvExportTest);

}  // namespace
}  // namespace icrm::api
