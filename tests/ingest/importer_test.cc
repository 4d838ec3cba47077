#include "ingest/importer.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "ingest/exporter.h"
#include "store/attributes.h"
#include "tests/ingest/import_test_util.h"
#include "tests/support/test_database.h"

namespace icrm::ingest {
namespace {

using testing::export_text;
using testing::read_file;
using testing::TempDir;

class ImporterTest : public icrm::testing::StoreTest {
 protected:
  Result<ImportSummary> import(RecordKind kind, const std::string& name, const std::string& text,
                               ImportOptions o = {}) {
    o.kind = kind;
    o.file = dir_.write(name, text);
    rejected_.clear();
    ImportReporter rep{.progress = {},
                       .rejected = [this](const std::string& e) { rejected_.push_back(e); }};
    return run_import(db(), o, clock_, rep);
  }
  int64_t count(const std::string& table) {
    auto l = db().lease();
    long long n = 0;
    **l << "SELECT COUNT(*) FROM " + table, soci::into(n);
    return n;
  }
  std::string one(const std::string& sql) {
    auto l = db().lease();
    std::string v;
    soci::indicator ind;
    **l << sql, soci::into(v, ind);
    return ind == soci::i_null ? "NULL" : v;
  }
  void add_user(const std::string& email) {
    auto l = db().lease();
    **l << "INSERT INTO users (email, name, role, password_hash, created_at, updated_at) VALUES "
           "(:e, 'Rep', 'rep', 'x', '2024-01-01T00:00:00.000000Z', '2024-01-01T00:00:00.000000Z')",
        soci::use(email);
  }

  TempDir dir_;
  ManualClock clock_{*parse_timestamp("2026-01-02T03:04:05Z")};
  std::vector<std::string> rejected_;
};

constexpr const char* kCustomers =
    "Customer ID,Full Name,E-mail,Country,Status,Plan,Seats\n"
    "C1,Ada Lovelace,ada@example.com,UK,active,pro,5\n"
    "C2,\"Hopper, Grace \"\"Amazing\"\"\",grace@example.com,US,Churned,basic,007\n"
    "C3,Bad Email,not-an-email,FR,,free,1\n"
    "C4,,x@example.com,DE,,free,1\n"
    "C5,Alan Turing,alan@example.com,UK,sleeping,pro,2\n"
    "C6,Same Mail,ADA@example.com,UK,,pro,2\n";

TEST_P(ImporterTest, GoodRowsStoredBadRowsRejectedWithRowColumnAndReason) {
  ImportOptions o;
  o.rejects_path = dir_.path("rejects.csv");
  auto s = import(RecordKind::kCustomers, "c.csv", kCustomers, o);
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(s->rows, 6u);
  EXPECT_EQ(s->imported, 2u);
  EXPECT_EQ(s->rejected, 4u);
  EXPECT_EQ(count("customers"), 2);
  EXPECT_EQ(one("SELECT name FROM customers WHERE external_id = 'C2'"),
            "Hopper, Grace \"Amazing\"");
  EXPECT_EQ(one("SELECT status FROM customers WHERE external_id = 'C2'"), "churned");
  EXPECT_EQ(one("SELECT attributes FROM customers WHERE external_id = 'C1'"),
            R"({"Plan":"pro","Seats":5})");
  EXPECT_EQ(one("SELECT attributes FROM customers WHERE external_id = 'C2'"),
            R"({"Plan":"basic","Seats":"007"})");
  ASSERT_EQ(rejected_.size(), 4u);
  EXPECT_EQ(rejected_[0],
            "row 3 (line 4), column 'E-mail': 'not-an-email' is not an email address");
  EXPECT_EQ(rejected_[1], "row 4 (line 5), column 'Full Name': is required");
  EXPECT_EQ(rejected_[2],
            "row 5 (line 6), column 'Status': 'sleeping' is not one of active, inactive, churned");
  EXPECT_NE(rejected_[3].find("column 'E-mail': ADA@example.com is already the email of customer"),
            std::string::npos);
  std::string rejects = read_file(dir_.path("rejects.csv"));
  EXPECT_EQ(rejects.substr(0, rejects.find('\n')),
            "Customer ID,Full Name,E-mail,Country,Status,Plan,Seats,error");
  EXPECT_NE(rejects.find("C3,Bad Email,not-an-email,FR,,free,1,\"row 3 (line 4), column 'E-mail': "
                         "'not-an-email' is not an email address\""),
            std::string::npos);
  EXPECT_EQ(std::count(rejects.begin(), rejects.end(), '\n'), 5);
  // One audit entry for the import.
  EXPECT_EQ(one("SELECT action FROM audit_log"), "import");
}

TEST_P(ImporterTest, EveryKindOfBadTransactionRowIsLocated) {
  ASSERT_TRUE(import(RecordKind::kCustomers, "c.csv", "external_id,name\nC1,Ada\n"));
  ASSERT_TRUE(import(RecordKind::kProducts, "p.csv",
                     "sku,name,unit_price\nA1,Mug,2.50\nB2,\"Pen, blue\",0.99\n"));
  std::string big(kMaxTextFieldBytes + 1, 'x');
  std::string text =
      "InvoiceNo,StockCode,Quantity,UnitPrice,InvoiceDate,CustomerID\n"
      "I1,A1,2,2.50,2024-01-02 10:00:00,C1\n"  // good
      "I1,B2,1,0.99,2024-01-02 10:00:00,C1\n"  // good, line 2 of I1
      "I2,A1,-1,2.50,2024-01-03T10:00:00Z,\n"  // good: an anonymous return
      "I3,ZZ,1,1,2024-01-03,C1\n"              // unknown product
      "I4,A1,1,1.234,2024-01-03,C1\n"          // sub-cent price
      "I5,A1,1,1,yesterday,C1\n"               // bad date
      "I6,A1,1,1,2024-01-03,C9\n"              // unknown customer
      "I7,A1,one,1,2024-01-03,C1\n"            // not a number
      "I8,A1,0,1,2024-01-03,C1\n"              // zero quantity
      "I9,A1,1,1,2024-01-03\n"                 // too few fields
      "I10,A1,1,1,2024-01-03,C1\n" +           // good
      std::string("I11,A1,1,1,2024-01-03,") +
      big + "\n";  // one byte past the text limit
  auto s = import(RecordKind::kTransactions, "t.csv", text);
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(s->rows, 12u);
  EXPECT_EQ(s->imported, 4u);
  EXPECT_EQ(s->rejected, 8u);
  ASSERT_EQ(rejected_.size(), 8u);
  EXPECT_EQ(rejected_[0], "row 4 (line 5), column 'StockCode': no product with sku 'ZZ'");
  EXPECT_EQ(rejected_[1],
            "row 5 (line 6), column 'UnitPrice': '1.234' has more than 2 decimal places");
  EXPECT_EQ(
      rejected_[2],
      "row 6 (line 7), column 'InvoiceDate': 'yesterday' is not a date/time (ISO-8601 expected)");
  EXPECT_EQ(rejected_[3], "row 7 (line 8), column 'CustomerID': no customer with external id 'C9'");
  EXPECT_EQ(rejected_[4], "row 8 (line 9), column 'Quantity': 'one' is not a whole number");
  EXPECT_EQ(rejected_[5], "row 9 (line 10), column 'Quantity': must not be 0");
  EXPECT_NE(rejected_[6].find("row 10:"), std::string::npos) << rejected_[6];
  EXPECT_NE(rejected_[7].find("column 'CustomerID': longer than 65536 bytes"), std::string::npos);
  EXPECT_EQ(one("SELECT SUM(amount_minor) FROM transactions"), "449");  // 500 + 99 - 250 + 100
  EXPECT_EQ(one("SELECT line_no FROM transactions WHERE external_id = 'I1' AND product_id = "
                "(SELECT id FROM products WHERE sku = 'B2')"),
            "2");
  EXPECT_EQ(one("SELECT customer_id FROM transactions WHERE external_id = 'I2'"), "NULL");
}

// The store's limit of each text field is the importer's (a 300-byte name
// imported under a looser rule could never be changed afterwards), and what
// the store would refuse is a located reject, not a stored row.
TEST_P(ImporterTest, EveryTextColumnStopsAtItsRecordFieldsLimit) {
  int n = 0;
  for (RecordKind kind : {RecordKind::kCustomers, RecordKind::kLeads, RecordKind::kProducts}) {
    for (const FieldSpec& f : kind_spec(kind).fields) {
      if (f.field->type != store::schema::FieldType::kText) continue;
      SCOPED_TRACE(std::string(store::entity_name(kind)) + "." + std::string(f.name));
      ASSERT_EQ(f.max_bytes, f.field->max_bytes);
      // The required columns and this one; the row under test sets it to `value`.
      auto file = [&](const std::string& value) {
        std::string header, row;
        for (const FieldSpec& c : kind_spec(kind).fields) {
          if (!c.required && &c != &f) continue;
          std::string v = &c == &f                 ? value
                          : c.name == "unit_price" ? "1.00"
                          : c.name == "sku"        ? "S" + std::to_string(++n)
                                                   : "x";
          header += (header.empty() ? "" : ",") + std::string(c.name);
          row += (row.empty() ? "" : ",") + v;
        }
        return header + "\n" + row + "\n";
      };
      auto past = import(kind, "past.csv", file(std::string(f.max_bytes + 1, 'a')));
      ASSERT_TRUE(past) << past.error().to_string();
      EXPECT_EQ(past->rejected, 1u);
      ASSERT_EQ(rejected_.size(), 1u);
      EXPECT_EQ(rejected_[0], "row 1 (line 2), column '" + std::string(f.name) + "': longer than " +
                                  std::to_string(f.max_bytes) + " bytes");
      auto at = import(kind, "at.csv", file(std::string(f.max_bytes, 'a')));
      ASSERT_TRUE(at) << at.error().to_string();
      EXPECT_EQ(at->imported, 1u) << (rejected_.empty() ? "" : rejected_[0]);
    }
  }
}

TEST_P(ImporterTest, WhatTheStoreWouldRefuseIsRejectedWithItsColumn) {
  std::string attrs_header, attrs_row;
  for (std::size_t i = 0; i <= store::kMaxAttributes; ++i) {
    attrs_header += ",a" + std::to_string(i);
    attrs_row += ",1";
  }
  auto s = import(RecordKind::kCustomers, "c.csv",
                  "external_id,name,company\n"
                  "C1,Ada,\"Acme\x01Ltd\"\n"  // a control character
                  "C2,Bob,Fine\n");
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(s->imported, 1u);
  ASSERT_EQ(rejected_.size(), 1u);
  EXPECT_EQ(rejected_[0], "row 1 (line 2), column 'company': company contains a control character");
  auto many = import(RecordKind::kCustomers, "many.csv",
                     "external_id,name" + attrs_header + "\nC3,Cy" + attrs_row + "\n");
  ASSERT_TRUE(many) << many.error().to_string();
  ASSERT_EQ(rejected_.size(), 1u);
  EXPECT_NE(rejected_[0].find("column 'attributes': attributes has 51 keys"), std::string::npos)
      << rejected_[0];
  auto lead = import(RecordKind::kLeads, "l.csv", "name,currency\nLou,eur\nMay,EUR\n");
  ASSERT_TRUE(lead) << lead.error().to_string();
  EXPECT_EQ(lead->imported, 1u);
  ASSERT_EQ(rejected_.size(), 1u);
  EXPECT_EQ(rejected_[0],
            "row 1 (line 2), column 'currency': currency must be a three-letter ISO 4217 code "
            "such as EUR");
  ASSERT_TRUE(import(RecordKind::kLeads, "l1.csv", "external_id,name\nL1,Lead\n"));
  auto both = import(RecordKind::kActivities, "a.csv",
                     "kind,subject,lead_external_id,customer_external_id\ncall,Call,L1,C2\n");
  ASSERT_TRUE(both) << both.error().to_string();
  EXPECT_EQ(both->imported, 0u);
  ASSERT_EQ(rejected_.size(), 1u);
  EXPECT_EQ(rejected_[0],
            "row 1 (line 2), column 'lead_external_id': an activity belongs to a lead_external_id "
            "or a customer_external_id, not both");
}

TEST_P(ImporterTest, DuplicatesSkipUpdateOrError) {
  ASSERT_TRUE(import(RecordKind::kCustomers, "a.csv",
                     "external_id,name,email,tier\nC1,Ada,ada@example.com,gold\n"));
  std::string again = "external_id,name,country\nC1,Ada L.,UK\nC2,Bob,\n";
  ImportOptions o;
  o.on_duplicate = OnDuplicate::kSkip;
  auto s = import(RecordKind::kCustomers, "b.csv", again, o);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->skipped, 1u);
  EXPECT_EQ(s->imported, 1u);
  EXPECT_EQ(one("SELECT name FROM customers WHERE external_id = 'C1'"), "Ada");

  o.on_duplicate = OnDuplicate::kError;
  s = import(RecordKind::kCustomers, "c.csv", again, o);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->rejected, 2u);
  EXPECT_NE(rejected_[0].find("column 'external_id': duplicate: customer"), std::string::npos)
      << rejected_[0];

  o.on_duplicate = OnDuplicate::kUpdate;
  s = import(RecordKind::kCustomers, "d.csv", again, o);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->updated, 2u);
  EXPECT_EQ(one("SELECT name FROM customers WHERE external_id = 'C1'"), "Ada L.");
  EXPECT_EQ(one("SELECT country FROM customers WHERE external_id = 'C1'"), "UK");
  // What the file does not carry is kept.
  EXPECT_EQ(one("SELECT email FROM customers WHERE external_id = 'C1'"), "ada@example.com");
  EXPECT_EQ(one("SELECT attributes FROM customers WHERE external_id = 'C1'"), R"({"tier":"gold"})");
  EXPECT_EQ(count("customers"), 2);

  // By email.
  o.key = DuplicateKey::kEmail;
  o.on_duplicate = OnDuplicate::kUpdate;
  s = import(RecordKind::kCustomers, "e.csv", "name,email\nAda Byron,ADA@example.com\n", o);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->updated, 1u);
  EXPECT_EQ(one("SELECT name FROM customers WHERE external_id = 'C1'"), "Ada Byron");
}

TEST_P(ImporterTest, AtomicStoresAllOrNothing) {
  ImportOptions o;
  o.atomic = true;
  o.batch_rows = 1;
  auto s = import(RecordKind::kCustomers, "c.csv", kCustomers, o);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->rejected, 4u);
  EXPECT_EQ(s->imported, 0u);
  EXPECT_EQ(count("customers"), 0);
  s = import(RecordKind::kCustomers, "ok.csv", "external_id,name\nA,a\nB,b\n", o);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->imported, 2u);
  EXPECT_EQ(count("customers"), 2);
}

TEST_P(ImporterTest, DryRunStoresNothing) {
  ImportOptions o;
  o.dry_run = true;
  auto s = import(RecordKind::kCustomers, "c.csv", kCustomers, o);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->imported, 2u);
  EXPECT_EQ(s->rejected, 4u);
  EXPECT_EQ(count("customers"), 0);
  EXPECT_EQ(count("audit_log"), 0);
}

TEST_P(ImporterTest, SmallBatchesCommitAsTheyGo) {
  ImportOptions o;
  o.batch_rows = 2;
  std::string text = "sku,name,unit_price\n";
  for (int i = 0; i < 7; ++i) text += "S" + std::to_string(i) + ",n," + std::to_string(i) + "\n";
  auto s = import(RecordKind::kProducts, "p.csv", text, o);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->imported, 7u);
  s = import(RecordKind::kProducts, "p2.csv", text, o);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->skipped, 7u);
  EXPECT_EQ(count("products"), 7);
}

TEST_P(ImporterTest, LeadsLinkCustomersAndOwners) {
  add_user("rep@example.com");
  ASSERT_TRUE(import(RecordKind::kCustomers, "c.csv", "external_id,name\nC1,Acme\n"));
  auto s = import(RecordKind::kLeads, "l.csv",
                  "external_id,name,email,status,owner,customer_external_id,expected_value,source\n"
                  "L1,Lead One,l1@example.com,converted,rep@example.com,C1,1200.50,web\n"
                  "L2,Lead Two,l2@example.com,new,nobody@example.com,,,web\n"
                  "L3,Lead Three,,qualified,,C404,,\n"
                  "L4,Lead Four,,lost,,,-5,\n");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->imported, 1u);
  ASSERT_EQ(rejected_.size(), 3u);
  EXPECT_EQ(rejected_[0], "row 2 (line 3), column 'owner': no user with email nobody@example.com");
  EXPECT_EQ(rejected_[1],
            "row 3 (line 4), column 'customer_external_id': no customer with external id 'C404'");
  EXPECT_EQ(rejected_[2], "row 4 (line 5), column 'expected_value': must not be negative");
  EXPECT_EQ(one("SELECT expected_value_minor FROM leads"), "120050");
  EXPECT_EQ(one("SELECT converted_at FROM leads"), "2026-01-02T03:04:05.000000Z");
  EXPECT_EQ(one("SELECT to_status FROM lead_status_changes"), "converted");
}

TEST_P(ImporterTest, RoundTripEveryKindThroughCsvAndJsonl) {
  add_user("rep@example.com");
  ASSERT_TRUE(import(
      RecordKind::kCustomers, "c.csv",
      "external_id,name,email,phone,company,country,status,owner_email,vip,score\n"
      "C1,\"Ada, Countess\",ada@example.com,+44 1,Analytical,UK,active,rep@example.com,true,1.5\n"
      "C2,\"Multi\nLine \"\"Quoted\"\"\",,,,,churned,,false,\n"));
  ASSERT_TRUE(import(RecordKind::kProducts, "p.csv",
                     "sku,name,category,unit_price\nA1,Mug,kitchen,2.5\nB2,Pen,,0\n"));
  ASSERT_TRUE(
      import(RecordKind::kLeads, "l.csv",
             "external_id,name,status,customer_external_id,expected_value,currency,channel_note\n"
             "L1,Lead,qualified,C1,10.00,GBP,x\nL2,Other,new,,,,\n"));
  ASSERT_TRUE(
      import(RecordKind::kTransactions, "t.csv",
             "external_id,sku,quantity,unit_price,occurred_at,customer_external_id,currency\n"
             "I1,A1,3,2.50,2024-05-01T10:00:00Z,C1,GBP\nI1,B2,1,0,2024-05-01T10:00:00Z,,GBP\n"
             "C9,A1,-1,2.50,2024-05-02T10:00:00Z,C1,GBP\n"));
  ASSERT_TRUE(
      import(RecordKind::kActivities, "a.csv",
             "kind,subject,due_at,status,owner_email,lead_external_id,customer_external_id\n"
             "call,Call back,2024-06-01T09:00:00Z,open,rep@example.com,L1,\nemail,Send "
             "offer,,done,,,C1\n"));
  ASSERT_TRUE(import(RecordKind::kCommunications, "m.csv",
                     "customer_external_id,direction,channel,subject,body,occurred_at\n"
                     "C1,in,email,Hi,\"Question, please\",2024-06-01T09:00:00Z\n"
                     "C1,out,email,Re: Hi,Answer,2024-06-01T10:30:00Z\n"));
  EXPECT_EQ(one("SELECT response_seconds FROM communications WHERE direction = 'out'"), "5400");

  for (ExportFormat f : {ExportFormat::kCsv, ExportFormat::kJsonl}) {
    std::string ext = f == ExportFormat::kCsv ? ".csv" : ".jsonl";
    std::string kinds[] = {"customers",    "products",   "leads",
                           "transactions", "activities", "communications"};
    std::vector<std::string> before;
    for (const auto& k : kinds) before.push_back(export_text(db(), *store::parse_entity(k), f));
    std::string why;
    auto other = icrm::testing::TestDatabase::create(GetParam(), &why);
    ASSERT_TRUE(other) << why;
    {
      auto l = other->db().lease();
      **l << "INSERT INTO users (email, name, role, password_hash, created_at, updated_at) VALUES "
             "('rep@example.com', 'Rep', 'rep', 'x', '2024-01-01T00:00:00.000000Z', "
             "'2024-01-01T00:00:00.000000Z')";
    }
    for (std::size_t i = 0; i < 6; ++i) {
      ImportOptions o;
      o.kind = *store::parse_entity(kinds[i]);
      o.file = dir_.write(kinds[i] + ext, before[i]);
      auto s = run_import(other->db(), o, clock_);
      ASSERT_TRUE(s) << s.error().to_string();
      EXPECT_EQ(s->rejected, 0u) << kinds[i] << ext;
      EXPECT_EQ(export_text(other->db(), o.kind, f), before[i]) << kinds[i] << ext;
    }
  }
}

// `insightcrm export` (export_records) guards formula-like text as the API's
// CSV export does; numbers and JSONL stay as they are.
TEST_P(ImporterTest, CsvExportNeutralisesFormulaLikeText) {
  ASSERT_TRUE(import(RecordKind::kCustomers, "c.csv",
                     "external_id,name,company,seats\n"
                     "C1,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\", @evil,-5\n"
                     "C2,\xEF\xBC\x9D"
                     "1+1,Plain,3\n"));
  std::string csv = export_text(db(), RecordKind::kCustomers);
  EXPECT_NE(csv.find(R"x("'=HYPERLINK(""http://x"",""y"")")x"), std::string::npos) << csv;
  EXPECT_EQ(csv.find(",=HYPERLINK"), std::string::npos) << csv;
  EXPECT_NE(csv.find("'\xEF\xBC\x9D"
                     "1+1"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find(",'@evil"), std::string::npos) << csv;
  std::string jsonl = export_text(db(), RecordKind::kCustomers, ExportFormat::kJsonl);
  EXPECT_NE(jsonl.find(R"x("name":"=HYPERLINK(\"http://x\",\"y\")")x"), std::string::npos) << jsonl;
}

TEST_P(ImporterTest, ReimportingActivitiesAndCommunicationsStoresNothingTwice) {
  ASSERT_TRUE(import(RecordKind::kCustomers, "c.csv", "external_id,name\nC1,Ada\n"));
  ASSERT_TRUE(import(RecordKind::kLeads, "l.csv", "external_id,name\nL1,Lead\n"));
  const std::string activities =
      "kind,subject,due_at,status,lead_external_id,customer_external_id\n"
      "call,Call back,2024-06-01T09:00:00Z,open,L1,\n"
      "email,Send offer,,open,,C1\n"
      "email,Send offer,,open,,C1\n";  // the same activity twice in one file
  auto first = import(RecordKind::kActivities, "a.csv", activities);
  ASSERT_TRUE(first) << first.error().to_string();
  EXPECT_EQ(first->imported, 2u);
  EXPECT_EQ(first->skipped, 1u);
  auto again = import(RecordKind::kActivities, "a.csv", activities);
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_EQ(again->imported, 0u);
  EXPECT_EQ(again->skipped, 3u);
  EXPECT_EQ(count("activities"), 2);

  // The same activity with a new status is updated, not added.
  ImportOptions update;
  update.on_duplicate = OnDuplicate::kUpdate;
  auto done = import(RecordKind::kActivities, "a2.csv",
                     "kind,subject,due_at,status,completed_at,lead_external_id\n"
                     "call,Call back,2024-06-01T09:00:00Z,done,2024-06-01T09:30:00Z,L1\n"
                     "call,Call back,2024-06-02T09:00:00Z,open,,L1\n",  // another day: another call
                     update);
  ASSERT_TRUE(done) << done.error().to_string();
  EXPECT_EQ(done->updated, 1u);
  EXPECT_EQ(done->imported, 1u);
  EXPECT_EQ(count("activities"), 3);
  EXPECT_EQ(one("SELECT status FROM activities WHERE due_at LIKE '2024-06-01%'"), "done");
  ImportOptions error;
  error.on_duplicate = OnDuplicate::kError;
  auto refused = import(RecordKind::kActivities, "a.csv", activities, error);
  ASSERT_TRUE(refused) << refused.error().to_string();
  EXPECT_EQ(refused->rejected, 3u);
  ASSERT_FALSE(rejected_.empty());
  EXPECT_NE(rejected_[0].find("duplicate: activity"), std::string::npos) << rejected_[0];

  const std::string messages =
      "customer_external_id,lead_external_id,direction,channel,subject,body,occurred_at\n"
      "C1,,in,email,Hi,Question,2024-06-01T09:00:00Z\n"
      "C1,,out,email,Re: Hi,Answer,2024-06-01T10:30:00Z\n"
      ",L1,out,call,,,2024-06-01T10:30:00Z\n";
  auto m1 = import(RecordKind::kCommunications, "m.csv", messages);
  ASSERT_TRUE(m1) << m1.error().to_string();
  EXPECT_EQ(m1->imported, 3u);
  auto m2 = import(RecordKind::kCommunications, "m.csv", messages);
  ASSERT_TRUE(m2) << m2.error().to_string();
  EXPECT_EQ(m2->skipped, 3u);
  EXPECT_EQ(count("communications"), 3);
  EXPECT_EQ(one("SELECT response_seconds FROM communications WHERE direction = 'out' AND channel = "
                "'email'"),
            "5400");
  auto m3 = import(RecordKind::kCommunications, "m3.csv",
                   "customer_external_id,direction,channel,subject,body,occurred_at\n"
                   "C1,out,email,Re: Hi,Better answer,2024-06-01T10:30:00Z\n",
                   update);
  ASSERT_TRUE(m3) << m3.error().to_string();
  EXPECT_EQ(m3->updated, 1u);
  EXPECT_EQ(count("communications"), 3);
  EXPECT_EQ(one("SELECT body FROM communications WHERE direction = 'out' AND channel = 'email'"),
            "Better answer");
}

TEST_P(ImporterTest, Latin1FilesAreReadAsWindows1252UnlessUtf8IsDemanded) {
  std::string text = "external_id,name,note\nE1,Caf\xE9 Z\xFCrich,\x80 5\nE2,Plain,\xA3 3\n";
  auto s = import(RecordKind::kCustomers, "latin1.csv", text);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->imported, 2u);
  EXPECT_EQ(one("SELECT name FROM customers WHERE external_id = 'E1'"),
            "Caf\xC3\xA9 Z\xC3\xBCrich");
  EXPECT_EQ(one("SELECT attributes FROM customers WHERE external_id = 'E2'"),
            "{\"note\":\"\xC2\xA3 3\"}");
  ImportOptions o;
  o.encoding = CsvEncoding::kUtf8;
  s = import(RecordKind::kCustomers, "latin1b.csv", "external_id,name\nE3,Caf\xE9\nE4,ok\n", o);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->rejected, 1u);
  EXPECT_EQ(s->imported, 1u);
  // A BOM and CRLF line ends.
  s = import(RecordKind::kCustomers, "bom.csv",
             "\xEF\xBB\xBF"
             "external_id,name\r\nE5,Bom\r\n");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->imported, 1u);
  EXPECT_EQ(one("SELECT name FROM customers WHERE external_id = 'E5'"), "Bom");
}

TEST_P(ImporterTest, JsonlRowsAndTheirErrors) {
  std::string big(kMaxJsonLineBytes, 'x');
  auto s = import(RecordKind::kCustomers, "c.jsonl",
                  "{\"external_id\":\"J1\",\"name\":\"Json\",\"age\":41,\"vip\":true}\n"
                  "not json\n"
                  "[1,2]\n"
                  "\n"
                  "{\"external_id\":\"J2\",\"name\":\"" +
                      big + "\"}\n");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->imported, 1u);
  EXPECT_EQ(s->rejected, 3u);
  EXPECT_EQ(one("SELECT attributes FROM customers"), R"({"age":41,"vip":true})");
  EXPECT_NE(rejected_[0].find("line 2: not valid JSON"), std::string::npos) << rejected_[0];
  EXPECT_NE(rejected_[1].find("line 3: not a JSON object"), std::string::npos);
  EXPECT_NE(rejected_[2].find("longer than"), std::string::npos);
}

TEST_P(ImporterTest, UnusableFilesAreErrorsNotRejects) {
  ImportOptions o;
  o.kind = RecordKind::kTransactions;
  o.file = dir_.path("missing.csv");
  EXPECT_FALSE(run_import(db(), o, clock_));
  auto s = import(RecordKind::kTransactions, "t.csv", "InvoiceNo,Quantity\n1,2\n");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("no column for required field(s) sku"), std::string::npos);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(ImporterTest);

}  // namespace
}  // namespace icrm::ingest
