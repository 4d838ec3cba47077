// The behaviour stream's routes through the whole router, on both engines:
// a batch with every kind of bad event rejected one by one (located by index
// and field) while its good neighbours are stored, each limit one past its
// edge, NDJSON, duplicates, late events, entity references in both forms,
// listing with filters and cursor, stats, custom event types, and alerts.
#include "api/event_routes.h"

#include <gtest/gtest.h>

#include <string>

#include "ingest/event.h"
#include "ingest/event_reader.h"
#include "store/event_store.h"
#include "tests/api/api_fixture.h"

namespace icrm::api {
namespace {

using testing::Principal;

class EventRoutesTest : public testing::ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    lead_ = create("/api/v1/leads", R"({"name":"Ada","external_id":"crm-7"})");
    ASSERT_GT(lead_, 0);
  }
  // The clock's time `seconds` from now, as ISO-8601 text.
  std::string at(int64_t seconds) {
    return format_timestamp(clock().now() + std::chrono::seconds(seconds));
  }
  std::string event(const std::string& entity, const std::string& type, const std::string& ts,
                    const std::string& extra = "") {
    return R"({"entity":")" + entity + R"(","type":")" + type + R"(","ts":")" + ts + "\"" + extra +
           "}";
  }
  std::string lead() const { return "lead:" + std::to_string(lead_); }
  Response send(const std::string& body, Principal as = Principal::kRep) {
    return post(as, "/api/v1/events", body);
  }
  // The rejections of a 202 as "index:field".
  std::vector<std::string> rejected(const Response& r) {
    std::vector<std::string> out;
    auto body = json(r);
    for (const auto& v : body.at("rejected").as_array()) {
      const auto& o = v.as_object();
      out.push_back(
          std::to_string(o.at("index").as_int64()) + ":" +
          (o.at("field").is_null() ? std::string() : std::string(o.at("field").as_string())));
    }
    return out;
  }
  int64_t stored() { return *store::EventStore(db()).count(); }

  int64_t lead_ = 0;
};

TEST_P(EventRoutesTest, EveryKindOfBadEventIsRejectedAloneAndTheRestStored) {
  std::string too_long_entity = "lead:ext:" + std::string(ingest::kMaxEntityBytes - 8, 'x');
  std::string big_attrs = R"(,"attrs":{"k":")" + std::string(ingest::kMaxAttrsBytes, 'a') + "\"}";
  std::string many_keys = R"(,"attrs":{)";
  for (size_t i = 0; i <= ingest::kMaxAttrKeys; ++i)
    many_keys += (i ? "," : "") + ("\"k" + std::to_string(i) + "\":1");
  many_keys += "}";
  std::string body =
      "[" + event(lead(), "page_view", at(-60)) + "," +               // 0 good
      event(lead(), "teleport", at(-60)) + "," +                      // 1 unknown type
      event("lead:999999", "page_view", at(-60)) + "," +              // 2 unknown entity
      event("visitor:ext:abc", "page_view", at(-60)) + "," +          // 3 visitors not enabled
      event(lead(), "page_view", at(5 * 60 + 1)) + "," +              // 4 one second too far ahead
      event(lead(), "purchase", at(-50), R"(,"value":"12")") + "," +  // 5 value not a number
      event(lead(), "purchase", at(-50), R"(,"value":1e10)") + "," +  // 6 value past the bound
      event(lead(), "page_view", at(-50), big_attrs) + "," +          // 7 attrs one byte too big
      event(lead(), "page_view", at(-50), many_keys) + "," +          // 8 one attr key too many
      event(too_long_entity, "page_view", at(-50)) + "," +            // 9 entity one byte too long
      event(lead(), "page_view", "2026-11-23T09:00:00") + "," +       // 10 no zone
      event(lead(), "page_view", at(-50), R"(,"valeu":3)") + "," +    // 11 unknown field
      event(lead(), "page_view", at(-50),
            R"(,"id":")" + std::string(ingest::kMaxEventIdBytes + 1, 'i') + "\"") +
      "," +                                           // 12 id too long
      R"("not an object")" + "," +                    // 13 not an object
      event("lead", "page_view", at(-50)) + "," +     // 14 malformed reference
      event(lead(), "page_view", at(5 * 60)) + "," +  // 15 good: exactly at the skew limit
      event(lead(), "purchase", at(-40),
            R"(,"value":1e9,"attrs":{"sku":"A1"})") +  // 16 good: at the bound
      "]";
  // A manager: a rep's batch naming a lead that does not exist is refused
  // whole (ARepsBatchIsRefusedWholeForALeadItMayNotSeeOrWrite).
  auto r = send(body, Principal::kManager);
  ASSERT_EQ(r.status, 202) << r.body;
  auto o = json(r);
  EXPECT_EQ(o.at("received").as_int64(), 17);
  EXPECT_EQ(o.at("accepted").as_int64(), 3);
  EXPECT_EQ(o.at("rejected_count").as_int64(), 14);
  EXPECT_EQ(rejected(r),
            (std::vector<std::string>{"1:type", "2:entity", "3:entity", "4:ts", "5:value",
                                      "6:value", "7:attrs", "8:attrs", "9:entity", "10:ts",
                                      "11:valeu", "12:id", "13:", "14:entity"}));
  for (const auto& v : o.at("rejected").as_array())
    EXPECT_FALSE(v.as_object().at("reason").as_string().empty());
  EXPECT_EQ(stored(), 3);
}

TEST_P(EventRoutesTest, AnAcknowledgedEventIsStoredOnceEvenWhenSentAgain) {
  std::string body = "[" + event(lead(), "email_open", at(-10), R"(,"id":"m-1")") + "," +
                     event(lead(), "email_click", at(-9)) + "]";
  auto first = send(body);
  ASSERT_EQ(first.status, 202) << first.body;
  EXPECT_EQ(json(first).at("accepted").as_int64(), 2);
  auto again = send(body);
  ASSERT_EQ(again.status, 202) << again.body;
  EXPECT_EQ(json(again).at("accepted").as_int64(), 0);
  EXPECT_EQ(json(again).at("duplicates").as_int64(), 2);
  EXPECT_EQ(stored(), 2);
}

TEST_P(EventRoutesTest, NdjsonLinesAreLocatedAndExternalIdsResolveToOneEntity) {
  std::string body = event("lead:ext:crm-7", "page_view", at(-30)) + "\n{broken\n" +
                     event(lead(), "page_view", at(-20)) + "\n";
  auto r = call(Principal::kManager, Method::kPost, "/api/v1/events", body,
                {{"Content-Type", "application/x-ndjson"}});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(json(r).at("accepted").as_int64(), 2);
  EXPECT_EQ(rejected(r), (std::vector<std::string>{"1:"}));
  // Both forms of the reference landed on the canonical key.
  auto page = json(get(Principal::kViewer, "/api/v1/events?entity=lead:ext:crm-7"));
  ASSERT_EQ(page.at("items").as_array().size(), 2u);
  for (const auto& e : page.at("items").as_array())
    EXPECT_EQ(e.as_object().at("entity").as_string(), lead());
}

TEST_P(EventRoutesTest, WholeBodyFaultsAreRefusedWhole) {
  // One event past the limit: 413, nothing stored.
  std::string body = "[";
  for (size_t i = 0; i <= ingest::kMaxEventsPerRequest; ++i)
    body += (i ? "," : "") +
            event(lead(), "page_view", at(-100), R"(,"id":"e)" + std::to_string(i) + "\"");
  body += "]";
  EXPECT_EQ(send(body).status, 413);
  EXPECT_EQ(stored(), 0);
  EXPECT_EQ(send("[" + event(lead(), "call", at(-5)) + ",").status, 400);  // malformed array
  auto wrong = call(Principal::kRep, Method::kPost, "/api/v1/events", "[]",
                    {{"Content-Type", "text/plain"}});
  EXPECT_EQ(wrong.status, 415);
  EXPECT_EQ(send("[]", Principal::kViewer).status, 403);
  EXPECT_EQ(stored(), 0);
}

TEST_P(EventRoutesTest, ExactlyTheLimitIsAccepted) {
  std::string body = "[";
  for (size_t i = 0; i < ingest::kMaxEventsPerRequest; ++i)
    body += (i ? "," : "") +
            event(lead(), "page_view", at(-100), R"(,"id":"e)" + std::to_string(i) + "\"");
  body += "]";
  auto r = send(body);
  ASSERT_EQ(r.status, 202);
  EXPECT_EQ(json(r).at("accepted").as_int64(), static_cast<int64_t>(ingest::kMaxEventsPerRequest));
  EXPECT_EQ(stored(), static_cast<int64_t>(ingest::kMaxEventsPerRequest));
}

TEST_P(EventRoutesTest, LateEventsAreStoredButFlagged) {
  // The watermark moves to now; an event two hours older is past the 1 h lateness.
  ASSERT_EQ(send("[" + event(lead(), "page_view", at(0)) + "]").status, 202);
  auto late = send("[" + event(lead(), "page_view", at(-2 * 3600)) + "," +
                   event(lead(), "page_view", at(-1800)) + "]");
  ASSERT_EQ(late.status, 202) << late.body;
  EXPECT_EQ(json(late).at("accepted").as_int64(), 2);
  EXPECT_EQ(json(late).at("too_late").as_int64(), 1);
  auto page =
      json(get(Principal::kAdmin, "/api/v1/events?from=" + at(-3 * 3600) + "&to=" + at(-3600)));
  ASSERT_EQ(page.at("items").as_array().size(), 1u);
  EXPECT_TRUE(page.at("items").as_array()[0].as_object().at("too_late").as_bool());
}

TEST_P(EventRoutesTest, ListingFiltersAndPagesWithACursor) {
  std::string body = "[";
  for (int i = 0; i < 5; ++i)
    body += (i ? "," : "") + event(lead(), i % 2 ? "call" : "meeting", at(-100 + i));
  body += "]";
  ASSERT_EQ(send(body).status, 202);
  auto calls = json(get(Principal::kRep, "/api/v1/events?type=call"));
  EXPECT_EQ(calls.at("items").as_array().size(), 2u);
  std::vector<int64_t> seqs;
  std::string cursor;
  for (int pages = 0; pages < 5; ++pages) {
    auto page = json(get(Principal::kRep,
                         "/api/v1/events?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor)));
    for (const auto& e : page.at("items").as_array())
      seqs.push_back(e.as_object().at("seq").as_int64());
    if (page.at("next_cursor").is_null()) break;
    cursor = std::string(page.at("next_cursor").as_string());
  }
  ASSERT_EQ(seqs.size(), 5u);
  EXPECT_TRUE(std::is_sorted(seqs.rbegin(), seqs.rend()));
  EXPECT_EQ(get(Principal::kRep, "/api/v1/events?type=teleport").status, 400);
  EXPECT_EQ(get(Principal::kRep, "/api/v1/events?entity=lead:424242").status, 400);
  EXPECT_EQ(get(Principal::kRep, "/api/v1/events?from=yesterday").status, 400);
  EXPECT_EQ(get(Principal::kRep, "/api/v1/events?limit=501").status, 400);
  EXPECT_EQ(get(Principal::kRep, "/api/v1/events?limit=500").status, 200);
}

// Each event says who sent it (events.submitted_by, migration 0015).
TEST_P(EventRoutesTest, EachEventRecordsTheUserWhoSentIt) {
  ASSERT_EQ(send("[" + event(lead(), "page_view", at(-5)) + "]", Principal::kRep).status, 202);
  ASSERT_EQ(send("[" + event(lead(), "email_open", at(-4)) + "]", Principal::kManager).status, 202);
  auto page = json(get(Principal::kViewer, "/api/v1/events"));
  const auto& items = page.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  // Newest first.
  EXPECT_EQ(items[0].as_object().at("submitted_by").as_int64(), user_id(Principal::kManager));
  EXPECT_EQ(items[1].as_object().at("submitted_by").as_int64(), user_id(Principal::kRep));
  auto logged = store::EventStore(db()).read_after(0, 10);
  ASSERT_TRUE(logged.ok());
  ASSERT_EQ(logged->size(), 2u);
  EXPECT_EQ((*logged)[0].submitted_by, user_id(Principal::kRep));
}

// A rep sends events as it writes their entity: a lead it may not see
// refuses the whole batch with 404, worded as for a lead that does not exist
// (nothing of the batch is stored: a purchase there would count as that
// lead's conversion); a customer it reads but may not change with 403.
TEST_P(EventRoutesTest, ARepsBatchIsRefusedWholeForALeadItMayNotSeeOrWrite) {
  int64_t others = create("/api/v1/leads", R"({"name":"Bo","owner_id":)" +
                                               std::to_string(user_id(Principal::kManager)) + "}");
  int64_t customer = create("/api/v1/customers", R"({"name":"Cy"})");
  const std::string theirs = "lead:" + std::to_string(others);
  auto hidden = send("[" + event(lead(), "page_view", at(-5)) + "," +
                     event(theirs, "purchase", at(-4), R"(,"value":500)") + "]");
  ASSERT_EQ(hidden.status, 404) << hidden.body;
  EXPECT_EQ(json(hidden).at("detail").as_string(), "event 1: no such record: '" + theirs + "'");
  auto absent = send("[" + event(lead(), "page_view", at(-5)) + "," +
                     event("lead:999999", "purchase", at(-4)) + "]");
  ASSERT_EQ(absent.status, 404) << absent.body;
  EXPECT_EQ(json(absent).at("detail").as_string(), "event 1: no such record: 'lead:999999'");
  auto read_only =
      send("[" + event("customer:" + std::to_string(customer), "purchase", at(-4)) + "]");
  EXPECT_EQ(read_only.status, 403) << read_only.body;
  EXPECT_EQ(stored(), 0);
  // The manager writes every lead and customer.
  auto managed = send("[" + event(theirs, "purchase", at(-4)) + "," +
                          event("customer:" + std::to_string(customer), "purchase", at(-3)) + "]",
                      Principal::kManager);
  ASSERT_EQ(managed.status, 202) << managed.body;
  EXPECT_EQ(json(managed).at("accepted").as_int64(), 2);
  // The rep's lists leave the hidden lead's events out.
  auto page = json(get(Principal::kRep, "/api/v1/events"));
  ASSERT_EQ(page.at("items").as_array().size(), 1u);
  EXPECT_EQ(page.at("items").as_array()[0].as_object().at("entity").as_string(),
            "customer:" + std::to_string(customer));
}

TEST_P(EventRoutesTest, StatsCountByTypeAndTheLastMinute) {
  ASSERT_EQ(send("[" + event(lead(), "purchase", at(-5), R"(,"value":20)") + "," +
                 event(lead(), "purchase", at(-4), R"(,"value":30)") + "," +
                 event(lead(), "form_submit", at(-3)) + "]")
                .status,
            202);
  events().worker().flush();
  auto s = json(get(Principal::kViewer, "/api/v1/events/stats"));
  EXPECT_EQ(s.at("total").as_int64(), 3);
  EXPECT_EQ(s.at("by_type").as_object().at("purchase").as_int64(), 2);
  EXPECT_EQ(s.at("by_type").as_object().at("form_submit").as_int64(), 1);
  EXPECT_EQ(s.at("last_minute").as_int64(), 3);
  clock().advance(std::chrono::seconds(61));
  events().worker().flush();
  EXPECT_EQ(json(get(Principal::kViewer, "/api/v1/events/stats")).at("last_minute").as_int64(), 0);
}

TEST_P(EventRoutesTest, AnAdminRegistersACustomTypeAndItIsAcceptedAtOnce) {
  EXPECT_EQ(send("[" + event(lead(), "webinar", at(-5)) + "]").status, 202);
  EXPECT_EQ(stored(), 0);
  auto made = post(Principal::kAdmin, "/api/v1/event-types",
                   R"({"name":"webinar","description":"joined a webinar"})");
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(post(Principal::kAdmin, "/api/v1/event-types", R"({"name":"webinar"})").status, 409);
  EXPECT_EQ(post(Principal::kAdmin, "/api/v1/event-types", R"({"name":"page_view"})").status, 409);
  EXPECT_EQ(post(Principal::kAdmin, "/api/v1/event-types", R"({"name":"Bad Name"})").status, 400);
  EXPECT_EQ(post(Principal::kAdmin, "/api/v1/event-types",
                 R"({"name":")" + std::string(ingest::kMaxEventTypeNameBytes + 1, 'a') + "\"}")
                .status,
            400);
  EXPECT_EQ(post(Principal::kManager, "/api/v1/event-types", R"({"name":"other"})").status, 403);
  auto r = send("[" + event(lead(), "webinar", at(-5)) + "]");
  ASSERT_EQ(r.status, 202);
  EXPECT_EQ(json(r).at("accepted").as_int64(), 1);
  auto list = json(get(Principal::kRep, "/api/v1/event-types"));
  const auto& types = list.at("items").as_array();
  ASSERT_EQ(types.size(), ingest::kBuiltinTypeCount + 1);
  EXPECT_EQ(types.back().as_object().at("name").as_string(), "webinar");
  EXPECT_FALSE(types.back().as_object().at("builtin").as_bool());
  // A settings change: audited, once (the refused ones are not).
  auto audit = json(get(Principal::kAdmin, "/api/v1/audit-log?entity=event_types"));
  const auto& entries = audit.at("items").as_array();
  ASSERT_EQ(entries.size(), 1u) << audit;
  const auto& entry = entries[0].as_object();
  EXPECT_EQ(entry.at("action").as_string(), "create");
  EXPECT_EQ(entry.at("user_id").as_int64(), user_id(Principal::kAdmin));
  EXPECT_EQ(entry.at("after").as_object().at("name").as_string(), "webinar");
}

TEST_P(EventRoutesTest, AlertsListIsEmptyOnASteadyStreamAndValidatesItsFilters) {
  ASSERT_EQ(send("[" + event(lead(), "page_view", at(-5)) + "]").status, 202);
  events().worker().flush();
  auto page = json(get(Principal::kViewer, "/api/v1/alerts"));
  EXPECT_TRUE(page.at("items").as_array().empty());
  EXPECT_EQ(get(Principal::kViewer, "/api/v1/alerts?limit=0").status, 400);
  EXPECT_EQ(get(Principal::kViewer, "/api/v1/alerts?entity=nobody").status, 400);
}

// A cold lead visits once a day for two weeks, then twelve times in one
// hour: one burst alert is stored, with what was expected and what was seen,
// and listed; the steady days before it raised nothing.
TEST_P(EventRoutesTest, APlantedBurstIsStoredAsAnAlertAndListed) {
  const int64_t day = 24 * 3600;
  std::string body = "[";
  bool first = true;
  auto add = [&](int64_t seconds_ago) {
    body += (first ? "" : ",") + event(lead(), "page_view", at(-seconds_ago));
    first = false;
  };
  for (int d = 14; d >= 1; --d) add(d * day);
  ASSERT_EQ(send(body + "]").status, 202);
  events().worker().flush();
  EXPECT_TRUE(json(get(Principal::kViewer, "/api/v1/alerts")).at("items").as_array().empty());
  body = "[";
  first = true;
  for (int i = 0; i < 12; ++i) add(3600 - i * 60);
  auto r = send(body + "]");
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(json(r).at("accepted").as_int64(), 12);
  events().worker().flush();
  auto page = json(get(Principal::kViewer, "/api/v1/alerts?entity=lead:ext:crm-7"));
  const auto& alerts = page.at("items").as_array();
  ASSERT_EQ(alerts.size(), 1u);
  const auto& a = alerts[0].as_object();
  EXPECT_EQ(a.at("kind").as_string(), "entity_burst");
  EXPECT_GT(a.at("seen").to_number<double>(), a.at("expected").to_number<double>());
  EXPECT_EQ(json(get(Principal::kViewer, "/api/v1/events/stats")).at("alerts").as_int64(), 1);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(EventRoutesTest);

}  // namespace
}  // namespace icrm::api
