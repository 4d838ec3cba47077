#include "ingest/dataset_loader.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <cstdlib>
#include <filesystem>

#include "tests/ingest/import_test_util.h"
#include "tests/support/test_database.h"

namespace icrm::ingest {
namespace {

using testing::micros_text;
using testing::read_file;
using testing::TempDir;

std::filesystem::path datasets_dir() {
  if (const char* env = std::getenv("ICRM_DATASETS")) return env;
  return std::filesystem::path(ICRM_SOURCE_DIR) / ".." / "shared" / "datasets";
}

TEST(UkLocalTime, GmtInWinterBstInSummer) {
  EXPECT_EQ(format_timestamp(*uk_local_to_utc("2010-12-01 08:26:00")),
            "2010-12-01T08:26:00.000000Z");
  // 2011-03-27 is the last Sunday of March: BST from 01:00 GMT.
  EXPECT_EQ(format_timestamp(*uk_local_to_utc("2011-03-26 10:16:00")),
            "2011-03-26T10:16:00.000000Z");
  EXPECT_EQ(format_timestamp(*uk_local_to_utc("2011-03-27 10:16:00")),
            "2011-03-27T09:16:00.000000Z");
  EXPECT_EQ(format_timestamp(*uk_local_to_utc("2011-10-29 12:00:00")),
            "2011-10-29T11:00:00.000000Z");
  EXPECT_EQ(format_timestamp(*uk_local_to_utc("2011-10-30 12:00:00")),
            "2011-10-30T12:00:00.000000Z");
  // The autumn change repeats 01:00-02:00: read as BST, the first of the two.
  EXPECT_EQ(format_timestamp(*uk_local_to_utc("2011-10-30 01:30:00")),
            "2011-10-30T00:30:00.000000Z");
  EXPECT_EQ(format_timestamp(*uk_local_to_utc("2011-10-30 02:30:00")),
            "2011-10-30T02:30:00.000000Z");
  EXPECT_FALSE(uk_local_to_utc("2011-13-01 00:00:00"));
}

class DatasetTest : public icrm::testing::StoreTest {
 protected:
  Result<ImportSummary> load(Dataset d, const std::string& file, std::string events = {},
                             std::size_t batch = kDefaultBatchRows) {
    rejected_.clear();
    DatasetOptions o{
        .dataset = d, .file = file, .events_path = std::move(events), .batch_rows = batch};
    ImportReporter rep{.progress = {},
                       .rejected = [this](const std::string& e) { rejected_.push_back(e); }};
    return load_dataset(db(), o, clock_, rep);
  }
  std::string one(const std::string& sql) {
    auto l = db().lease();
    std::string v;
    soci::indicator ind;
    **l << sql, soci::into(v, ind);
    return ind == soci::i_null ? "NULL" : v;
  }
  TempDir dir_;
  ManualClock clock_{*parse_timestamp("2026-01-02T03:04:05Z")};
  std::vector<std::string> rejected_;
};

// ----------------------------------------------------------- generated samples
TEST_P(DatasetTest, OnlineRetailSample) {
  std::string csv =
      "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
      "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850,United "
      "Kingdom\n"
      "536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850,United Kingdom\n"
      "536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850,United Kingdom\n"
      "C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527,United Kingdom\n"
      "547834,22622,\"BOX, VINTAGE \"\"ALPHABET\"\" BLOCKS \",24,2011-03-27 10:16:00,8.5,,United "
      "Kingdom\n"
      "550193,PADS,PADS TO MATCH ALL CUSHIONS,1,2011-04-15 09:27:00,0.001,13952,France\n"
      "550194,PADS,PADS TO MATCH ALL CUSHIONS,3,2011-04-15 09:20:00,0.001,13952,France\n"
      "A563185,B,Adjust bad debt,1,2011-08-12 14:50:00,11062.06,,United Kingdom\n"
      "BAD,85123A,x,many,2011-08-12 14:50:00,1,,United Kingdom\n";
  auto file = dir_.write("retail.csv", csv);
  auto events = dir_.path("events.jsonl");
  auto s = load(Dataset::kOnlineRetail, file, events, 3);
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(s->rows, 9u);
  EXPECT_EQ(s->imported, 8u);
  EXPECT_EQ(s->rejected, 1u);
  ASSERT_EQ(rejected_.size(), 1u);
  EXPECT_EQ(rejected_[0], "row 9 (line 10): Quantity: 'many' is not a whole number");
  EXPECT_EQ(one("SELECT COUNT(*) FROM products"), "6");
  EXPECT_EQ(one("SELECT COUNT(*) FROM customers"), "3");
  EXPECT_EQ(one("SELECT country FROM customers WHERE external_id = '13952'"), "France");
  // Duplicated lines are kept as separate lines of their invoice.
  EXPECT_EQ(one("SELECT COUNT(*) FROM transactions WHERE external_id = '536365'"), "3");
  EXPECT_EQ(one("SELECT SUM(amount_minor) FROM transactions WHERE external_id = '536365'"), "5598");
  EXPECT_EQ(one("SELECT amount_minor FROM transactions WHERE external_id = 'C536379'"), "-2750");
  EXPECT_EQ(one("SELECT customer_id FROM transactions WHERE external_id = '547834'"), "NULL");
  // UK summer time began at 01:00 UTC that day: 10:16 local is 09:16 UTC.
  EXPECT_EQ(one("SELECT occurred_us FROM transactions WHERE external_id = '547834'"),
            micros_text("2011-03-27T09:16:00Z"));
  EXPECT_EQ(one("SELECT name FROM products WHERE sku = '22622'"),
            "BOX, VINTAGE \"ALPHABET\" BLOCKS");
  // Sub-penny prices round half-even: 1 x 0.001 -> 0, 3 x 0.001 -> 0.
  EXPECT_EQ(one("SELECT SUM(amount_minor) FROM transactions WHERE external_id LIKE '55019%'"), "0");
  EXPECT_EQ(one("SELECT unit_price_minor FROM products WHERE sku = 'B'"), "1106206");
  EXPECT_EQ(one("SELECT currency FROM transactions WHERE external_id = 'A563185'"), "GBP");

  std::string stream = read_file(events);
  EXPECT_EQ(std::count(stream.begin(), stream.end(), '\n'), 8);
  // Time-ordered: 550194 (09:20) comes before 550193 (09:27) although it follows it in the file.
  EXPECT_LT(stream.find("550194"), stream.find("550193"));
  EXPECT_NE(stream.find(R"("type":"return")"), std::string::npos);
  EXPECT_NE(stream.find(R"("customer_external_id":null)"), std::string::npos);

  // A re-run stores nothing twice.
  s = load(Dataset::kOnlineRetail, file);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->imported, 0u);
  EXPECT_EQ(s->skipped, 8u);
  EXPECT_EQ(one("SELECT COUNT(*) FROM transactions"), "8");
}

TEST_P(DatasetTest, BankMarketingSample) {
  std::string csv =
      "\"age\";\"job\";\"duration\";\"campaign\";\"emp.var.rate\";\"y\"\r\n"
      "56;\"housemaid\";261;1;1.1;\"no\"\r\n"
      "41;\"blue-collar\";1575;1;-0.1;\"yes\"\r\n"
      "30;\"student\";100;2;1.4;\"maybe\"\r\n";
  auto s = load(Dataset::kBankMarketing, dir_.write("bank.csv", csv));
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(s->imported, 2u);
  EXPECT_EQ(s->rejected, 1u);
  EXPECT_EQ(rejected_[0], "row 3 (line 4): y: 'maybe' is neither yes nor no");
  EXPECT_EQ(one("SELECT status FROM leads WHERE external_id = 'bank-marketing:1'"), "lost");
  EXPECT_EQ(one("SELECT status FROM leads WHERE external_id = 'bank-marketing:2'"), "converted");
  EXPECT_EQ(
      one("SELECT attributes FROM leads WHERE external_id = 'bank-marketing:1'"),
      R"({"age":56,"job":"housemaid","duration":261,"campaign":1,"emp.var.rate":1.1,"_known_after_outcome":"duration"})");
  EXPECT_EQ(one("SELECT source FROM leads WHERE external_id = 'bank-marketing:2'"),
            "bank-marketing");
}

TEST_P(DatasetTest, TelcoChurnSample) {
  std::string csv =
      "customerID,gender,SeniorCitizen,tenure,MonthlyCharges,TotalCharges,Churn\r\n"
      "7590-VHVEG,Female,0,1,29.85,29.85,No\r\n"
      "4472-LVYGI,Female,0,0,52.55, ,No\r\n"
      "3668-QPYBK,Male,0,2,53.85,108.15,Yes\r\n";
  auto s = load(Dataset::kTelcoChurn, dir_.write("telco.csv", csv));
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(s->imported, 3u);
  EXPECT_EQ(one("SELECT status FROM customers WHERE external_id = '3668-QPYBK'"), "churned");
  EXPECT_EQ(one("SELECT attributes FROM customers WHERE external_id = '4472-LVYGI'"),
            R"({"gender":"Female","SeniorCitizen":0,"tenure":0,"MonthlyCharges":52.55})");
}

// ----------------------------------------------------------- the real files
TEST_P(DatasetTest, BankMarketingRealFile) {
  auto path = datasets_dir() / "bank-marketing" / "bank-additional-full.csv";
  if (!std::filesystem::exists(path))
    GTEST_SKIP() << "no " << path << " (the samples above cover the adapter)";
  auto s = load(Dataset::kBankMarketing, path.string());
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(s->rows, 41188u);
  EXPECT_EQ(s->imported, 41188u);
  EXPECT_EQ(s->rejected, 0u);
  EXPECT_EQ(one("SELECT COUNT(*) FROM leads WHERE status = 'converted'"), "4640");
  EXPECT_EQ(one("SELECT COUNT(*) FROM leads WHERE status = 'lost'"), "36548");
  std::string first = one("SELECT attributes FROM leads WHERE external_id = 'bank-marketing:1'");
  EXPECT_NE(first.find(R"("age":56,"job":"housemaid")"), std::string::npos) << first;
  EXPECT_NE(first.find(R"("duration":261)"), std::string::npos);
  EXPECT_NE(first.find(R"("_known_after_outcome":"duration")"), std::string::npos);
}

TEST_P(DatasetTest, TelcoChurnRealFile) {
  auto path = datasets_dir() / "telco-churn" / "telco-churn.csv";
  if (!std::filesystem::exists(path))
    GTEST_SKIP() << "no " << path << " (the samples above cover the adapter)";
  auto s = load(Dataset::kTelcoChurn, path.string());
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(s->rows, 7043u);
  EXPECT_EQ(s->imported, 7043u);
  EXPECT_EQ(one("SELECT COUNT(*) FROM customers WHERE status = 'churned'"), "1869");
  EXPECT_EQ(one("SELECT COUNT(*) FROM customers WHERE attributes NOT LIKE '%TotalCharges%'"), "11");
  std::string a = one("SELECT attributes FROM customers WHERE external_id = '7590-VHVEG'");
  EXPECT_NE(a.find(R"("tenure":1,)"), std::string::npos) << a;
  EXPECT_NE(a.find(R"("Contract":"Month-to-month")"), std::string::npos) << a;
}

// The one full load of the 541,909 lines (on SQLite only, to keep the suite quick).
TEST_P(DatasetTest, OnlineRetailRealFile) {
  auto path = datasets_dir() / "online-retail" / "online-retail.csv";
  if (!std::filesystem::exists(path))
    GTEST_SKIP() << "no " << path << " (the sample above covers the adapter)";
  if (GetParam() != store::Engine::kSqlite) GTEST_SKIP() << "the full load runs once, on SQLite";
  auto events = dir_.path("retail.jsonl");
  auto s = load(Dataset::kOnlineRetail, path.string(), events);
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(s->rows, 541909u);
  EXPECT_EQ(s->imported, 541909u);
  EXPECT_EQ(s->rejected, 0u);
  EXPECT_EQ(one("SELECT COUNT(*) FROM transactions"), "541909");
  EXPECT_EQ(one("SELECT COUNT(*) FROM products"), "4070");
  EXPECT_EQ(one("SELECT COUNT(*) FROM customers"), "4372");
  EXPECT_EQ(one("SELECT COUNT(DISTINCT external_id) FROM transactions"), "25900");
  EXPECT_EQ(one("SELECT SUM(quantity) FROM transactions"), "5176450");
  EXPECT_EQ(one("SELECT SUM(amount_minor) FROM transactions"), "974774793");  // £9,747,747.93
  EXPECT_EQ(one("SELECT SUM(amount_minor) FROM transactions WHERE external_id = '536365'"),
            "13912");
  EXPECT_EQ(one("SELECT SUM(amount_minor) FROM transactions WHERE external_id = '581587'"),
            "24945");
  EXPECT_EQ(one("SELECT COUNT(*) FROM transactions WHERE external_id LIKE 'C%'"), "9288");
  EXPECT_EQ(one("SELECT COUNT(*) FROM transactions WHERE customer_id IS NULL"), "135080");
  EXPECT_EQ(one("SELECT MIN(occurred_us) FROM transactions"), micros_text("2010-12-01T08:26:00Z"));
  EXPECT_EQ(one("SELECT MAX(occurred_us) FROM transactions"), micros_text("2011-12-09T12:50:00Z"));
  EXPECT_EQ(one("SELECT country FROM customers WHERE external_id = '17850'"), "United Kingdom");
  std::string stream = read_file(events);
  EXPECT_EQ(std::count(stream.begin(), stream.end(), '\n'), 541909);
  // Time order, checked on the "at" fields.
  std::string previous;
  std::size_t pos = 0, out_of_order = 0;
  while ((pos = stream.find("\"at\":\"", pos)) != std::string::npos) {
    std::string at = stream.substr(pos + 6, 27);
    if (at < previous) ++out_of_order;
    previous = at;
    pos += 6;
  }
  EXPECT_EQ(out_of_order, 0u);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(DatasetTest);

}  // namespace
}  // namespace icrm::ingest
