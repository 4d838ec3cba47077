#include "store/activity_store.h"

#include <gtest/gtest.h>

#include "store/audit_log.h"
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
using std::chrono::hours;

class ActivityStoreTest : public icrm::testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    rep_ = add_user(db(), "rep@example.com");
    other_rep_ = add_user(db(), "other@example.com");
    Lead l;
    l.name = "Grace";
    lead_ = LeadStore(db(), clock_).create(Actor::user(rep_), l)->id;
    Customer c;
    c.name = "Ada";
    customer_ = CustomerStore(db(), clock_).create(Actor::user(rep_), c)->id;
  }
  Activity draft(std::string subject, ActivityKind kind = ActivityKind::kCall) {
    Activity a;
    a.kind = kind;
    a.subject = std::move(subject);
    a.lead_id = lead_;
    a.owner_id = rep_;
    return a;
  }
  Actor rep() { return Actor::user(rep_); }
  ManualClock clock_{test_time("2026-03-02T08:00:00Z")};
  int64_t rep_ = 0, other_rep_ = 0, lead_ = 0, customer_ = 0;
};

TEST_P(ActivityStoreTest, StoresEveryFieldAndWhoCreatedIt) {
  ActivityStore store(db(), clock_);
  Activity a = draft("  Call Grace about the pilot ", ActivityKind::kMeeting);
  a.due_at = test_time("2026-03-03T15:00:00Z");
  a.created_by_system = true;  // ignored: comes from the Actor
  auto created = store.create(rep(), a);
  ASSERT_TRUE(created.ok()) << created.error().to_string();
  auto read = store.get(created->id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->kind, ActivityKind::kMeeting);
  EXPECT_EQ(read->subject, "Call Grace about the pilot");
  EXPECT_EQ(read->due_at, test_time("2026-03-03T15:00:00Z"));
  EXPECT_EQ(read->status, ActivityStatus::kOpen);
  EXPECT_EQ(read->owner_id, rep_);
  EXPECT_EQ(read->lead_id, lead_);
  EXPECT_FALSE(read->customer_id.has_value());
  EXPECT_EQ(read->created_by_user_id, rep_);
  EXPECT_FALSE(read->created_by_system);
  EXPECT_FALSE(read->completed_at.has_value());
  EXPECT_EQ(read->created_at, clock_.now());

  Activity nudge = draft("Send the case study", ActivityKind::kNurture);
  nudge.lead_id.reset();
  nudge.customer_id = customer_;
  nudge.owner_id.reset();
  auto by_system = store.create(Actor::system(), nudge);
  ASSERT_TRUE(by_system.ok()) << by_system.error().to_string();
  EXPECT_TRUE(store.get(by_system->id)->created_by_system);
  EXPECT_FALSE(store.get(by_system->id)->created_by_user_id.has_value());
  EXPECT_EQ(count_rows(db(), "audit_log", "entity = 'activities' AND user_id IS NULL"), 1);
}

TEST_P(ActivityStoreTest, BelongsToExactlyOneLeadOrCustomerThatExists) {
  ActivityStore store(db(), clock_);
  Activity both = draft("Both");
  both.customer_id = customer_;
  auto r = store.create(rep(), both);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "lead_id");
  Activity neither = draft("Neither");
  neither.lead_id.reset();
  EXPECT_EQ(store.create(rep(), neither).error().field, "lead_id");
  Activity ghost = draft("Ghost lead");
  ghost.lead_id = 4040;
  EXPECT_EQ(store.create(rep(), ghost).error().field, "lead_id");
  ghost.lead_id.reset();
  ghost.customer_id = 4040;
  EXPECT_EQ(store.create(rep(), ghost).error().field, "customer_id");
  Activity owner = draft("Ghost owner");
  owner.owner_id = 4040;
  EXPECT_EQ(store.create(rep(), owner).error().field, "owner_id");
  EXPECT_EQ(count_rows(db(), "activities"), 0);
  EXPECT_EQ(count_rows(db(), "audit_log", "entity = 'activities'"), 0);
}

TEST_P(ActivityStoreTest, HostileSubjectsAndTimesAreStoredVerbatimOrRefusedNamingTheField) {
  ActivityStore store(db(), clock_);
  std::string quoted = "Ask O'Neil about \"the deal\"; DROP TABLE activities; --";
  auto q = store.create(rep(), draft(quoted));
  ASSERT_TRUE(q.ok()) << q.error().to_string();
  EXPECT_EQ(store.get(q->id)->subject, quoted);
  EXPECT_EQ(store.create(rep(), draft(std::string("a\0b", 3))).error().field, "subject");
  EXPECT_EQ(store.create(rep(), draft("\t ")).error().field, "subject");
  auto huge = store.create(rep(), draft(std::string(1 << 20, 's')));
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(huge.error().field, "subject");
  EXPECT_TRUE(store.create(rep(), draft(std::string(kMaxSubjectLength, 's'))).ok());
  EXPECT_EQ(store.create(rep(), draft(std::string(kMaxSubjectLength + 1, 's'))).error().code,
            ErrorCode::kTooLarge);
  Activity far = draft("Far future");
  far.due_at = kMaxRecordTime + std::chrono::seconds(1);
  EXPECT_EQ(store.create(rep(), far).error().field, "due_at");
  EXPECT_EQ(count_rows(db(), "activities"), 2);
}

TEST_P(ActivityStoreTest, DoneAndCancelledStampCompletedAtAndReopeningClearsIt) {
  ActivityStore store(db(), clock_);
  auto a = store.create(rep(), draft("Call"));
  ASSERT_TRUE(a.ok());
  clock_.advance(hours(3));
  auto done = store.set_status(rep(), a->id, ActivityStatus::kDone);
  ASSERT_TRUE(done.ok()) << done.error().to_string();
  EXPECT_EQ(done->status, ActivityStatus::kDone);
  EXPECT_EQ(done->completed_at, clock_.now());
  EXPECT_EQ(store.get(a->id)->completed_at, clock_.now());

  // Editing the subject of a done activity keeps when it was done.
  clock_.advance(hours(1));
  Activity edit = *done;
  edit.subject = "Call (left a voicemail)";
  auto edited = store.update(rep(), edit);
  ASSERT_TRUE(edited.ok());
  EXPECT_EQ(edited->completed_at, clock_.now() - hours(1));

  auto reopened = store.set_status(rep(), a->id, ActivityStatus::kOpen);
  ASSERT_TRUE(reopened.ok());
  EXPECT_FALSE(store.get(a->id)->completed_at.has_value());
  clock_.advance(hours(1));
  auto cancelled = store.set_status(rep(), a->id, ActivityStatus::kCancelled);
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(store.get(a->id)->completed_at, clock_.now());
  EXPECT_EQ(store.set_status(rep(), 999, ActivityStatus::kDone).error().code, ErrorCode::kNotFound);

  // Created done (an import of past work): completed_at given, or now.
  Activity past = draft("Met at the fair", ActivityKind::kMeeting);
  past.status = ActivityStatus::kDone;
  past.completed_at = test_time("2026-02-01T12:00:00Z");
  EXPECT_EQ(store.create(rep(), past)->completed_at, test_time("2026-02-01T12:00:00Z"));
  past.completed_at.reset();
  EXPECT_EQ(store.create(rep(), past)->completed_at, clock_.now());
  Activity open = draft("Open");
  open.completed_at = clock_.now();
  EXPECT_FALSE(store.create(rep(), open)->completed_at.has_value());

  AuditLog audit(db(), clock_);
  auto updates = audit.list({.filters = {{"entity", "activities"}, {"action", "update"}}});
  ASSERT_EQ(updates->items.size(), 4u);
  EXPECT_EQ(updates->items.back().before.at("status"), "open");
  EXPECT_EQ(updates->items.back().after.at("status"), "done");
}

TEST_P(ActivityStoreTest, UpdateChecksLikeCreateAndChangesNothingWhenRefused) {
  ActivityStore store(db(), clock_);
  auto a = store.create(rep(), draft("Call"));
  ASSERT_TRUE(a.ok());
  Activity changed = *a;
  changed.kind = ActivityKind::kOffer;
  changed.lead_id.reset();
  changed.customer_id = customer_;
  changed.owner_id = other_rep_;
  auto moved = store.update(rep(), changed);
  ASSERT_TRUE(moved.ok()) << moved.error().to_string();
  EXPECT_EQ(store.get(a->id)->customer_id, customer_);
  EXPECT_EQ(store.get(a->id)->kind, ActivityKind::kOffer);
  EXPECT_EQ(store.get(a->id)->created_by_user_id, rep_);  // not editable
  changed.owner_id = 5050;
  EXPECT_EQ(store.update(rep(), changed).error().field, "owner_id");
  changed.owner_id = rep_;
  changed.lead_id = lead_;
  EXPECT_EQ(store.update(rep(), changed).error().field, "lead_id");
  EXPECT_EQ(store.get(a->id)->owner_id, other_rep_);
  changed.id = 999;
  changed.lead_id.reset();
  EXPECT_EQ(store.update(rep(), changed).error().code, ErrorCode::kNotFound);

  ASSERT_TRUE(store.remove(rep(), a->id).ok());
  EXPECT_EQ(store.get(a->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store.remove(rep(), a->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(count_rows(db(), "audit_log", "entity = 'activities' AND action = 'delete'"), 1);
}

TEST_P(ActivityStoreTest, ListsByKindStatusOwnerPartyAndDueRangeSoonestFirst) {
  ActivityStore store(db(), clock_);
  auto add = [&](std::string subject, ActivityKind kind, std::optional<const char*> due,
                 std::optional<int64_t> owner, bool customer = false) {
    Activity a = draft(std::move(subject), kind);
    if (due) a.due_at = test_time(*due);
    a.owner_id = owner;
    if (customer) {
      a.lead_id.reset();
      a.customer_id = customer_;
    }
    auto r = store.create(rep(), a);
    EXPECT_TRUE(r.ok()) << r.error().to_string();
    return r.ok() ? r->id : 0;
  };
  add("No date", ActivityKind::kTask, std::nullopt, rep_);
  int64_t later = add("Later", ActivityKind::kCall, "2026-03-10T09:00:00Z", rep_);
  add("Soon", ActivityKind::kEmail, "2026-03-03T09:00:00Z", other_rep_, true);
  add("Unassigned", ActivityKind::kCall, "2026-03-05T09:00:00Z", std::nullopt);
  ASSERT_TRUE(store.set_status(rep(), later, ActivityStatus::kDone).ok());

  auto subjects = [](const Result<Page<Activity>>& page) {
    std::vector<std::string> out;
    EXPECT_TRUE(page.ok()) << page.error().to_string();
    if (page.ok()) {
      for (const auto& a : page->items) out.push_back(a.subject);
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(subjects(store.list({})), (V{"Soon", "Unassigned", "Later", "No date"}));
  EXPECT_EQ(subjects(store.list({.sort = "-due_at"})),
            (V{"No date", "Later", "Unassigned", "Soon"}));
  EXPECT_EQ(subjects(store.list({.filters = {{"kind", "call"}}})), (V{"Unassigned", "Later"}));
  EXPECT_EQ(subjects(store.list({.filters = {{"status", "open"}}})),
            (V{"Soon", "Unassigned", "No date"}));
  EXPECT_EQ(subjects(store.list({.filters = {{"owner_id", std::to_string(other_rep_)}}})),
            V{"Soon"});
  EXPECT_EQ(subjects(store.list({.filters = {{"owner_id", "null"}}})), V{"Unassigned"});
  EXPECT_EQ(subjects(store.list({.filters = {{"customer_id", std::to_string(customer_)}}})),
            V{"Soon"});
  EXPECT_EQ(subjects(store.list({.filters = {{"lead_id", std::to_string(lead_)}}})).size(), 3u);
  EXPECT_EQ(subjects(store.list({.filters = {{"due_at_from", "2026-03-04"},
                                             {"due_at_to", "2026-03-10T09:00:00Z"}}})),
            V{"Unassigned"});
  EXPECT_EQ(subjects(store.list({.q = "LATER"})), V{"Later"});
  // A rep sees their own and the unassigned activities.
  EXPECT_EQ(subjects(store.list({.visible_to_owner = rep_})),
            (V{"Unassigned", "Later", "No date"}));
  // Paging one at a time through the nulls visits everything once.
  V paged;
  ListQuery q{.limit = 1};
  do {
    auto page = store.list(q);
    ASSERT_TRUE(page.ok());
    paged.push_back(page->items.at(0).subject);
    q.cursor = page->next_cursor;
  } while (!q.cursor.empty());
  EXPECT_EQ(paged, subjects(store.list({})));

  EXPECT_EQ(store.list({.filters = {{"kind", "lunch"}}}).error().field, "kind");
  EXPECT_EQ(store.list({.filters = {{"due_at_from", "next week"}}}).error().field, "due_at_from");
  EXPECT_EQ(store.list({.filters = {{"subject", "x"}}}).error().field, "subject");
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(ActivityStoreTest);

}  // namespace
}  // namespace icrm::store
