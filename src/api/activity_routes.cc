#include "api/activity_routes.h"

#include "api/lead_access.h"
#include "api/limits.h"
#include "api/record_schemas.h"
#include "api/resource_routes.h"
#include "store/activity_store.h"
#include "store/communication_store.h"
#include "store/customer_store.h"
#include "store/lead_store.h"
#include "store/validation.h"

namespace icrm::api {
namespace {

using store::Activity;
using store::ActivityKind;
using store::ActivityStatus;
using store::Channel;
using store::Communication;
using store::Direction;

static_assert(kMaxJsonStringBytes >= store::kMaxBodyLength, "a message body fits a JSON string");

constexpr ActivityKind kKinds[] = {ActivityKind::kCall,    ActivityKind::kEmail,
                                   ActivityKind::kMeeting, ActivityKind::kOffer,
                                   ActivityKind::kTask,    ActivityKind::kNurture};
constexpr ActivityStatus kActivityStatuses[] = {ActivityStatus::kOpen, ActivityStatus::kDone,
                                                ActivityStatus::kCancelled};
constexpr Direction kDirections[] = {Direction::kIn, Direction::kOut};
constexpr Channel kChannels[] = {Channel::kEmail, Channel::kSms, Channel::kCall, Channel::kChat};

void read_activity(RecordFields& f, Activity& a) {
  f.enumeration<ActivityKind>("kind", a.kind, kKinds);
  f.text("subject", a.subject);
  f.optional_timestamp("due_at", a.due_at);
  f.enumeration<ActivityStatus>("status", a.status, kActivityStatuses);
  f.optional_id("owner_id", a.owner_id);
  f.optional_id("lead_id", a.lead_id);
  f.optional_id("customer_id", a.customer_id);
  if (f.write() == Write::kCreate) {
    // An import of past work: when a done or cancelled activity was finished.
    f.optional_timestamp("completed_at", a.completed_at);
  } else {
    f.read_only({"completed_at"}, "a change of status sets it");
  }
  f.read_only({"id", "created_by_user_id", "created_by_system", "created_at", "updated_at"},
              "the server sets it");
}

void read_communication(RecordFields& f, Communication& c) {
  f.optional_id("lead_id", c.lead_id);
  f.optional_id("customer_id", c.customer_id);
  f.enumeration<Direction>("direction", c.direction, kDirections);
  f.enumeration<Channel>("channel", c.channel, kChannels);
  f.optional_text("subject", c.subject);
  f.optional_text("body", c.body);
  f.timestamp("occurred_at", c.occurred_at);
  f.read_only({"response_seconds"}, "it is derived from the conversation");
  f.read_only({"id", "created_at"}, "the server sets it");
}

// A link to a lead the caller may not see or change refuses the write (an
// open call there would also hold back the decision engine); a patch that
// keeps the link is not checked again (the lead may have changed hands since).
template <typename Record>
auto lead_link_check(std::shared_ptr<store::LeadStore> leads) {
  return [leads](const Caller& caller, const Record& after, const Record* before) -> Status {
    if (before && before->lead_id == after.lead_id) return {};
    return check_lead_link(caller, *leads, after.lead_id);
  };
}

}  // namespace

void add_activity_routes(Router& router, store::Database& db, const Clock& clock) {
  auto activities = std::make_shared<store::ActivityStore>(db, clock);
  auto leads = std::make_shared<store::LeadStore>(db, clock);
  auto crud = std::make_shared<Crud<Activity>>();
  crud->collection = "/api/v1/activities";
  crud->resource = auth::Resource::kActivity;
  crud->entity = store::Entity::kActivities;
  crud->doc = {.tag = "activities",
               .noun = "activity",
               .record_schema = record_schema(store::Entity::kActivities),
               .write_schema = write_schema(store::Entity::kActivities),
               .list = store::ActivityStore::list_capabilities()};
  use_store(*crud, activities);
  crud->read_fields = read_activity;
  crud->owner = [](const Activity& a) { return a.owner_id; };
  crud->set_owner = [](Activity& a, int64_t owner) { a.owner_id = owner; };
  crud->check_links = lead_link_check<Activity>(leads);
  add_crud_routes(router, crud);
}

void add_communication_routes(Router& router, store::Database& db, const Clock& clock) {
  auto messages = std::make_shared<store::CommunicationStore>(db, clock);
  auto leads = std::make_shared<store::LeadStore>(db, clock);
  auto customers = std::make_shared<store::CustomerStore>(db, clock);
  auto crud = std::make_shared<Crud<Communication>>();
  crud->collection = "/api/v1/communications";
  crud->resource = auth::Resource::kCommunication;
  crud->entity = store::Entity::kCommunications;
  crud->doc = {.tag = "communications",
               .noun = "communication",
               .record_schema = record_schema(store::Entity::kCommunications),
               .write_schema = write_schema(store::Entity::kCommunications),
               .list = store::CommunicationStore::list_capabilities()};
  use_store(*crud, messages);
  crud->read_fields = read_communication;
  // The party's owner. A party that does not exist owns nothing; the store
  // then refuses the link and names it.
  crud->owner = [leads, customers](const Communication& c) -> std::optional<int64_t> {
    if (c.lead_id) {
      auto lead = leads->get(*c.lead_id);
      return lead ? lead->owner_id : std::nullopt;
    }
    if (c.customer_id) {
      auto customer = customers->get(*c.customer_id);
      return customer ? customer->owner_id : std::nullopt;
    }
    return std::nullopt;
  };
  // Read as the lead it is about: CommunicationStore's owner column is that
  // lead's owner, so the list narrows the same way.
  crud->seen_as_owner = [leads](const Communication& c) -> std::optional<int64_t> {
    if (!c.lead_id) return std::nullopt;
    auto lead = leads->get(*c.lead_id);
    return lead ? lead->owner_id : std::nullopt;
  };
  crud->check_links = lead_link_check<Communication>(leads);
  add_crud_routes(router, crud);
}

}  // namespace icrm::api
