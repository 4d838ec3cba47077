#include "api/lead_routes.h"

#include "api/csv_export_routes.h"
#include "api/latest_score_list.h"
#include "api/record_schemas.h"
#include "api/resource_routes.h"
#include "store/lead_store.h"

namespace icrm::api {
namespace {

using store::Lead;
using store::LeadStatus;

constexpr LeadStatus kStatuses[] = {LeadStatus::kNew, LeadStatus::kContacted,
                                    LeadStatus::kQualified, LeadStatus::kConverted,
                                    LeadStatus::kLost};

void read_lead(RecordFields& f, Lead& l) {
  f.optional_text("external_id", l.external_id);
  f.text("name", l.name);
  f.optional_text("email", l.email);
  f.optional_text("company", l.company);
  f.optional_text("source", l.source);
  f.optional_id("owner_id", l.owner_id);
  f.optional_integer("expected_value_minor", l.expected_value_minor);
  f.currency("currency", l.currency);
  f.attributes("attributes", l.attributes);
  if (f.write() == Write::kCreate) {
    // An import of older leads may start past new; the store refuses converted.
    f.enumeration<LeadStatus>("status", l.status, kStatuses);
  } else {
    f.read_only({"status"}, "change it with POST /api/v1/leads/{id}/status");
  }
  f.read_only({"customer_id"}, "converting the lead links its customer");
  f.read_only(
      {"id", "contacted_at", "qualified_at", "converted_at", "lost_at", "created_at", "updated_at"},
      "the server sets it");
}

// As served; `listed`: as a list item, with its latest score.
std::string lead_schema(bool listed = false) {
  return record_schema(store::Entity::kLeads, listed ? latest_score_property() : std::string());
}

}  // namespace

void add_lead_routes(Router& router, store::Database& db, const Clock& clock) {
  auto leads = std::make_shared<store::LeadStore>(db, clock);
  auto crud = std::make_shared<Crud<Lead>>();
  crud->collection = "/api/v1/leads";
  crud->resource = auth::Resource::kLead;
  crud->entity = store::Entity::kLeads;
  crud->doc = {.tag = "leads",
               .noun = "lead",
               .record_schema = lead_schema(),
               .write_schema = write_schema(store::Entity::kLeads),
               .list = store::LeadStore::list_capabilities(),
               .list_item_schema = lead_schema(true)};
  use_store(*crud, leads);
  crud->annotate_list = latest_score_annotator<Lead>(db, "leads");
  crud->read_fields = read_lead;
  crud->owner = [](const Lead& l) { return l.owner_id; };
  add_crud_routes(router, crud);
  add_csv_export_route(router, crud, std::make_shared<store::AuditLog>(db, clock));

  router.add(Method::kPost, "/api/v1/leads/{id}/status",
             [crud, leads](const Request& request) -> Result<Response> {
               auto caller =
                   caller_allowed_any(request, auth::Action::kUpdate, auth::Resource::kLead);
               if (!caller) return caller.error();
               auto id = id_param(request);
               if (!id) return id.error();
               auto lead = get_visible(*crud, **caller, *id);
               if (!lead) return lead.error();
               auto s = check_write(**caller, auth::Action::kUpdate, auth::Resource::kLead,
                                    lead->owner_id, lead->owner_id);
               if (!s) return s.error();
               auto body = parse_json_body(request);
               if (!body) return body.error();
               JsonFields f(*body);
               RecordFields fields(f, Write::kPatch);
               LeadStatus to = lead->status;
               if (!f.present("status")) f.fail("status", "is required");
               fields.enumeration<LeadStatus>("status", to, kStatuses);
               std::optional<int64_t> customer_id;
               fields.optional_id("customer_id", customer_id);
               if (customer_id && to != LeadStatus::kConverted) {
                 f.fail("customer_id", "is only for a change to converted");
               }
               if (auto done = f.finish(); !done) return done.error();
               auto moved = to == LeadStatus::kConverted
                                ? leads->convert(actor_of(**caller), *id, customer_id)
                                : leads->transition(actor_of(**caller), *id, to);
               if (!moved) return moved.error();
               return record_response(200, to_json(*moved));
             },
             {.summary = "Move a lead to another status along the legal transitions "
                         "(new→contacted→qualified→converted; contacted or qualified→lost)",
              .tag = "leads",
              .responses = {200, 400, 404, 409, 415},
              .request_schema =
                  std::string(R"({"type":"object","required":["status"],"properties":{"status":)") +
                  field_schema(store::Entity::kLeads, "status") +
                  R"(,"customer_id":{"type":"integer"}},"additionalProperties":false})",
              .response_schema = lead_schema()});

  router.add(
      Method::kGet, "/api/v1/leads/{id}/history",
      [crud, leads](const Request& request) -> Result<Response> {
        auto caller = caller_allowed(request, auth::Action::kRead, auth::Resource::kLead);
        if (!caller) return caller.error();
        auto id = id_param(request);
        if (!id) return id.error();
        if (auto lead = get_visible(*crud, **caller, *id); !lead) return lead.error();
        auto history = leads->history(*id);
        if (!history) return history.error();
        boost::json::array items;
        for (const auto& change : *history) items.push_back(to_json(change));
        return page_response(std::move(items), "");
      },
      {.summary = "A lead's status changes, oldest first",
       .tag = "leads",
       .responses = {200, 400, 404},
       .response_schema = page_schema(
           R"({"type":"object","properties":{"id":{"type":"integer"},"lead_id":{"type":"integer"},)"
           R"("from_status":{"type":["string","null"]},"to_status":{"type":"string"},)"
           R"("changed_at":{"type":"string"},"user_id":{"type":["integer","null"]}}})")});
}

}  // namespace icrm::api
