#include "store/communication_store.h"

#include <gtest/gtest.h>

#include <set>

#include "store/audit_log.h"
#include "store/bulk_writer.h"
#include "store/customer_store.h"
#include "store/lead_store.h"
#include "store/validation.h"
#include "tests/store/store_fixtures.h"
#include "tests/support/test_database.h"

namespace icrm::store {
namespace {

using icrm::testing::add_user;
using icrm::testing::count_rows;
using icrm::testing::test_time;

class CommunicationStoreTest : public icrm::testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    rep_ = Actor::user(add_user(db(), "rep@example.com"));
    Lead l;
    l.name = "Grace";
    lead_ = LeadStore(db(), clock_).create(rep_, l)->id;
    Customer c;
    c.name = "Ada";
    customer_ = CustomerStore(db(), clock_).create(rep_, c)->id;
  }
  // A message of the customer at "2026-03-01T<hhmm>" ("09:00").
  Communication message(Direction direction, const std::string& hhmm,
                        std::optional<std::string> subject = "Hello") {
    Communication c;
    c.customer_id = customer_;
    c.direction = direction;
    c.channel = Channel::kEmail;
    c.subject = std::move(subject);
    c.body = "Body";
    c.occurred_at = test_time(("2026-03-01T" + hhmm + ":00Z").c_str());
    return c;
  }
  // Stores a message and returns its id.
  int64_t add(CommunicationStore& store, Direction direction, const std::string& hhmm) {
    auto r = store.create(rep_, message(direction, hhmm));
    EXPECT_TRUE(r.ok()) << r.error().to_string();
    return r.ok() ? r->id : 0;
  }
  std::optional<int64_t> response(CommunicationStore& store, int64_t id) {
    return store.get(id)->response_seconds;
  }
  ManualClock clock_{test_time("2026-03-02T08:00:00Z")};
  Actor rep_;
  int64_t lead_ = 0, customer_ = 0;
};

constexpr auto kIn = Direction::kIn;
constexpr auto kOut = Direction::kOut;

TEST_P(CommunicationStoreTest, StoresEveryFieldAndReadsItBack) {
  CommunicationStore store(db(), clock_);
  Communication c = message(kIn, "09:00", "  Question about my invoice ");
  c.channel = Channel::kChat;
  c.body = "Line one\n\n  indented line two\n";
  c.response_seconds = 42;  // ignored: derived
  auto created = store.create(rep_, c);
  ASSERT_TRUE(created.ok()) << created.error().to_string();
  auto read = store.get(created->id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->customer_id, customer_);
  EXPECT_FALSE(read->lead_id.has_value());
  EXPECT_EQ(read->direction, kIn);
  EXPECT_EQ(read->channel, Channel::kChat);
  EXPECT_EQ(read->subject, "Question about my invoice");
  EXPECT_EQ(read->body, "Line one\n\n  indented line two\n");  // kept as written
  EXPECT_EQ(read->occurred_at, test_time("2026-03-01T09:00:00Z"));
  EXPECT_FALSE(read->response_seconds.has_value());
  EXPECT_EQ(read->created_at, clock_.now());
  EXPECT_EQ(count_rows(db(), "audit_log", "entity = 'communications' AND action = 'create'"), 1);
}

TEST_P(CommunicationStoreTest, AnOutboundReplyRecordsSecondsSinceTheLatestUnansweredInbound) {
  CommunicationStore store(db(), clock_);
  int64_t opener = add(store, kOut, "08:00");  // nothing to answer
  add(store, kIn, "09:00");
  add(store, kIn, "09:30");  // the latest unanswered one
  int64_t reply = add(store, kOut, "10:15");
  int64_t follow_up = add(store, kOut, "11:00");  // already answered
  add(store, kIn, "12:00");
  int64_t second = add(store, kOut, "12:00");  // same minute, stored later: after it
  EXPECT_FALSE(response(store, opener).has_value());
  EXPECT_EQ(response(store, reply), 45 * 60);
  EXPECT_FALSE(response(store, follow_up).has_value());
  EXPECT_EQ(response(store, second), 0);

  // Conversations of other parties do not mix: a lead's inbound message
  // leaves the customer's next reply unanswered.
  Communication lead_in = message(kIn, "12:30");
  lead_in.customer_id.reset();
  lead_in.lead_id = lead_;
  ASSERT_TRUE(store.create(rep_, lead_in).ok());
  int64_t unprompted = add(store, kOut, "13:00");
  EXPECT_FALSE(response(store, unprompted).has_value());
  Communication lead_out = message(kOut, "12:40");
  lead_out.customer_id.reset();
  lead_out.lead_id = lead_;
  EXPECT_EQ(store.create(rep_, lead_out)->response_seconds, 10 * 60);
}

TEST_P(CommunicationStoreTest, BackfillsUpdatesAndRemovesReDeriveTheNextMessage) {
  CommunicationStore store(db(), clock_);
  add(store, kIn, "09:00");
  int64_t reply = add(store, kOut, "10:00");
  EXPECT_EQ(response(store, reply), 3600);

  // A later-found inbound message between them: the reply answered that one.
  int64_t late_in = add(store, kIn, "09:45");
  EXPECT_EQ(response(store, reply), 15 * 60);
  // A backfilled outbound message answered it first.
  int64_t early_out = add(store, kOut, "09:50");
  EXPECT_EQ(response(store, early_out), 5 * 60);
  EXPECT_FALSE(response(store, reply).has_value());

  // Moving that message after the reply restores the reply's response time.
  Communication moved = *store.get(early_out);
  moved.occurred_at = test_time("2026-03-01T10:30:00Z");
  auto updated = store.update(rep_, moved);
  ASSERT_TRUE(updated.ok()) << updated.error().to_string();
  EXPECT_FALSE(updated->response_seconds.has_value());
  EXPECT_EQ(response(store, reply), 15 * 60);

  // Removing the inbound message it answered: the 09:00 one is the latest.
  ASSERT_TRUE(store.remove(rep_, late_in).ok());
  EXPECT_EQ(response(store, reply), 3600);

  // Turning the reply inbound makes the moved message answer it.
  Communication flipped = *store.get(reply);
  flipped.direction = kIn;
  ASSERT_TRUE(store.update(rep_, flipped).ok());
  EXPECT_FALSE(response(store, reply).has_value());
  EXPECT_EQ(response(store, early_out), 30 * 60);

  AuditLog audit(db(), clock_);
  auto entries = audit.list({.filters = {{"entity", "communications"}, {"action", "update"}}});
  ASSERT_EQ(entries->items.size(), 2u);
  EXPECT_EQ(entries->items[0].before.at("direction"), "out");
  EXPECT_EQ(entries->items[0].after.at("direction"), "in");
  EXPECT_EQ(count_rows(db(), "audit_log", "entity = 'communications' AND action = 'delete'"), 1);
}

TEST_P(CommunicationStoreTest, TheImportPathDerivesResponseTimesByTheSameRule) {
  CommunicationStore store(db(), clock_);
  int64_t reply = add(store, kOut, "10:00");
  {
    auto writer = BulkWriter::open(db());
    ASSERT_TRUE(writer.ok()) << writer.error().to_string();
    ASSERT_TRUE((*writer)->begin().ok());
    CommunicationRow in;
    in.customer_id = customer_;
    in.direction = "in";
    in.channel = "email";
    in.occurred_at = in.created_at = "2026-03-01T09:20:00.000000Z";
    auto id = (*writer)->insert_communication(in);
    ASSERT_TRUE(id.ok()) << id.error().to_string();
    CommunicationRow bad = in;
    bad.channel = "pigeon";
    EXPECT_EQ((*writer)->insert_communication(bad).error().field, "channel");
    ASSERT_TRUE((*writer)->commit().ok());
  }
  EXPECT_EQ(response(store, reply), 40 * 60);
}

TEST_P(CommunicationStoreTest, BelongsToExactlyOneLeadOrCustomerThatExists) {
  CommunicationStore store(db(), clock_);
  Communication both = message(kIn, "09:00");
  both.lead_id = lead_;
  EXPECT_EQ(store.create(rep_, both).error().field, "lead_id");
  Communication neither = message(kIn, "09:00");
  neither.customer_id.reset();
  EXPECT_EQ(store.create(rep_, neither).error().field, "lead_id");
  Communication ghost = message(kIn, "09:00");
  ghost.customer_id = 5050;
  auto r = store.create(rep_, ghost);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "customer_id");
  ghost.customer_id.reset();
  ghost.lead_id = 5050;
  EXPECT_EQ(store.create(rep_, ghost).error().field, "lead_id");
  EXPECT_EQ(count_rows(db(), "communications"), 0);
  EXPECT_EQ(count_rows(db(), "audit_log", "entity = 'communications'"), 0);
}

TEST_P(CommunicationStoreTest, HostileTextIsStoredVerbatimOrRefusedNamingTheField) {
  CommunicationStore store(db(), clock_);
  Communication quoted = message(kIn, "09:00", "Re: \"your\" offer'); DROP TABLE communications;");
  quoted.body = std::string("Müller's reply \\ 東京 \"quoted\"\n\ttabbed");
  auto q = store.create(rep_, quoted);
  ASSERT_TRUE(q.ok()) << q.error().to_string();
  EXPECT_EQ(store.get(q->id)->subject, *quoted.subject);
  EXPECT_EQ(store.get(q->id)->body, *quoted.body);

  Communication nul = message(kIn, "09:00");
  nul.body = std::string("before\0after", 12);
  EXPECT_EQ(store.create(rep_, nul).error().field, "body");
  Communication huge = message(kIn, "09:00");
  huge.body = std::string(1 << 20, 'b');  // 1 MB
  auto r = store.create(rep_, huge);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(r.error().field, "body");
  Communication at_limit = message(kIn, "09:00");
  at_limit.body = std::string(kMaxBodyLength, 'b');
  auto stored = store.create(rep_, at_limit);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(store.get(stored->id)->body->size(), kMaxBodyLength);
  at_limit.body->push_back('b');
  EXPECT_EQ(store.create(rep_, at_limit).error().code, ErrorCode::kTooLarge);
  Communication long_subject = message(kIn, "09:00", std::string(kMaxSubjectLength + 1, 's'));
  EXPECT_EQ(store.create(rep_, long_subject).error().field, "subject");
  Communication broken = message(kIn, "09:00", std::string("\xFF\xFE", 2));
  EXPECT_EQ(store.create(rep_, broken).error().field, "subject");
  Communication ancient = message(kIn, "09:00");
  ancient.occurred_at = kMinRecordTime - std::chrono::microseconds(1);
  EXPECT_EQ(store.create(rep_, ancient).error().field, "occurred_at");
  EXPECT_EQ(count_rows(db(), "communications"), 2);
}

TEST_P(CommunicationStoreTest, ListsByPartyDirectionChannelTimeAndResponseTime) {
  CommunicationStore store(db(), clock_);
  add(store, kIn, "09:00");
  int64_t fast = add(store, kOut, "09:05");
  add(store, kIn, "10:00");
  int64_t slow = add(store, kOut, "12:00");
  Communication sms = message(kIn, "13:00", "Call me");
  sms.channel = Channel::kSms;
  sms.customer_id.reset();
  sms.lead_id = lead_;
  ASSERT_TRUE(store.create(rep_, sms).ok());

  auto ids = [](const Result<Page<Communication>>& page) {
    std::vector<int64_t> out;
    EXPECT_TRUE(page.ok()) << page.error().to_string();
    if (page.ok()) {
      for (const auto& c : page->items) out.push_back(c.id);
    }
    return out;
  };
  auto all = store.list({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->items.size(), 5u);
  EXPECT_EQ(all->items[0].channel, Channel::kSms);  // newest first
  EXPECT_EQ(store.list({.filters = {{"lead_id", std::to_string(lead_)}}})->items.size(), 1u);
  EXPECT_EQ(store.list({.filters = {{"customer_id", std::to_string(customer_)}}})->items.size(),
            4u);
  EXPECT_EQ(store.list({.filters = {{"direction", "out"}}})->items.size(), 2u);
  EXPECT_EQ(store.list({.filters = {{"channel", "sms"}}})->items.size(), 1u);
  EXPECT_EQ(ids(store.list({.filters = {{"response_seconds_from", "3600"}}})),
            std::vector<int64_t>{slow});
  EXPECT_EQ(ids(store.list({.filters = {{"direction", "out"}}, .sort = "-response_seconds"})),
            (std::vector<int64_t>{slow, fast}));
  EXPECT_EQ(store
                .list({.filters = {{"occurred_at_from", "2026-03-01T09:30:00Z"},
                                   {"occurred_at_to", "2026-03-01T12:00:00Z"}}})
                ->items.size(),
            1u);
  EXPECT_EQ(store.list({.q = "call ME"})->items.size(), 1u);
  EXPECT_EQ(store.list({.filters = {{"channel", "fax"}}}).error().field, "channel");
  EXPECT_EQ(store.list({.filters = {{"occurred_at_to", "2026-03-01T24:00:00Z"}}}).error().field,
            "occurred_at_to");
}

// A message is seen as the lead it is about: visible_to_owner keeps the
// messages about the user's own and unassigned leads and about customers,
// in pages, counts and searches alike.
TEST_P(CommunicationStoreTest, VisibleToOwnerHidesMessagesAboutSomeoneElsesLeads) {
  int64_t me = add_user(db(), "me@example.com");
  int64_t other = add_user(db(), "other@example.com");
  CommunicationStore store(db(), clock_);
  auto on_lead = [&](int64_t lead, const std::string& hhmm, const std::string& body) {
    Communication c = message(kIn, hhmm);
    c.customer_id.reset();
    c.lead_id = lead;
    c.body = body;
    return store.create(rep_, c)->id;
  };
  int64_t mine = on_lead(testing::add_lead(db(), me), "09:00", "secret plan");
  int64_t free = on_lead(lead_, "09:01", "secret plan");
  int64_t others = on_lead(testing::add_lead(db(), other), "09:02", "secret plan");
  int64_t customer = add(store, kIn, "09:03");
  auto ids = [](const Result<Page<Communication>>& page) {
    std::set<int64_t> out;
    EXPECT_TRUE(page.ok()) << page.error().to_string();
    if (page.ok())
      for (const auto& c : page->items) out.insert(c.id);
    return out;
  };
  EXPECT_EQ(ids(store.list({.visible_to_owner = me})), (std::set<int64_t>{mine, free, customer}));
  EXPECT_EQ(ids(store.list({.q = "secret", .visible_to_owner = me})),
            (std::set<int64_t>{mine, free}));
  EXPECT_EQ(ids(store.list({.visible_to_owner = other})),
            (std::set<int64_t>{others, free, customer}));
  // A page of one ends where the visible rows end: no cursor past them.
  auto first = store.list({.limit = 3, .q = "secret", .visible_to_owner = me});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->items.size(), 2u);
  EXPECT_TRUE(first->next_cursor.empty());
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(CommunicationStoreTest);

}  // namespace
}  // namespace icrm::store
