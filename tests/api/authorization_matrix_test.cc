// The authorisation matrix: every route of the real router × every role, no
// login, an expired session and a revoked API key → the status each must
// get. Driven by one table; a route missing from it (or a row naming a route
// that no longer exists) fails the test, so a new route cannot be added
// without deciding who may call it.
//
// Each call runs against records made just for it, so a DELETE or a status
// change in one cell does not change what the next cell sees. Records named
// "other" belong to the manager, "own" to the rep, "free" to nobody.
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <set>

#include "api/auth/authenticator.h"
#include "store/activity_store.h"
#include "store/alert_store.h"
#include "store/communication_store.h"
#include "store/customer_store.h"
#include "store/decision_store.h"
#include "store/lead_store.h"
#include "store/model_job_store.h"
#include "store/product_store.h"
#include "store/transaction_store.h"
#include "store/user_store.h"
#include "store/webhook_store.h"
#include "tests/api/api_fixture.h"

namespace icrm::api {
namespace {

using testing::kAllPrincipals;
using testing::Principal;

// Statuses in the order of kAllPrincipals: admin, manager, rep, viewer, no
// login, expired session, revoked key.
using Expect = std::array<int, 7>;
constexpr Expect all(int s) { return {s, s, s, s, s, s, s}; }
constexpr Expect roles(int admin, int manager, int rep, int viewer) {
  return {admin, manager, rep, viewer, 401, 401, 401};
}

struct Cell {
  Method method;
  const char* pattern;  // as registered in the router
  const char* target;   // with {placeholders} for the records of the call
  const char* body;
  Expect expect;
};

const Cell kMatrix[] = {
    {Method::kGet, "/healthz", "/healthz", "", all(200)},
    {Method::kGet, "/readyz", "/readyz", "", all(200)},
    {Method::kGet, "/metrics", "/metrics", "", all(200)},
    {Method::kGet, "/api/v1/openapi.json", "/api/v1/openapi.json", "", all(200)},
    {Method::kPost, "/api/v1/auth/login", "/api/v1/auth/login",
     R"({"email":"viewer@example.com","password":"correct horse battery"})", all(200)},
    {Method::kPost, "/api/v1/auth/logout", "/api/v1/auth/logout", "", roles(204, 204, 204, 204)},
    {Method::kGet, "/api/v1/me", "/api/v1/me", "", roles(200, 200, 200, 200)},
    // Every role may make keys, but only from a session: these calls come
    // with API keys (tests/api/auth_routes_test.cc signs in for the 201).
    {Method::kPost, "/api/v1/tokens", "/api/v1/tokens", R"({"name":"k{n}"})",
     roles(403, 403, 403, 403)},
    {Method::kGet, "/api/v1/tokens", "/api/v1/tokens", "", roles(200, 200, 200, 200)},
    // Someone else's key is not found, not forbidden (its id is not confirmed).
    {Method::kDelete, "/api/v1/tokens/{id}", "/api/v1/tokens/{token_of_manager}", "",
     roles(204, 204, 404, 404)},
    {Method::kGet, "/api/v1/me/sessions", "/api/v1/me/sessions", "", roles(200, 200, 200, 200)},
    {Method::kDelete, "/api/v1/me/sessions", "/api/v1/me/sessions", "", roles(200, 200, 200, 200)},
    // Only one's own sessions: any other id is not found.
    {Method::kDelete, "/api/v1/me/sessions/{id}", "/api/v1/me/sessions/424242", "",
     roles(404, 404, 404, 404)},
    // A session is needed: an API key cannot change its owner's password.
    {Method::kPost, "/api/v1/me/password", "/api/v1/me/password",
     R"({"current_password":"correct horse battery","new_password":"a new long passphrase"})",
     roles(403, 403, 403, 403)},

    {Method::kGet, "/api/v1/customers", "/api/v1/customers", "", roles(200, 200, 200, 200)},
    {Method::kGet, "/api/v1/customers.csv", "/api/v1/customers.csv", "", roles(200, 200, 200, 200)},
    {Method::kPost, "/api/v1/customers", "/api/v1/customers", R"({"name":"C{n}"})",
     roles(201, 201, 403, 403)},
    {Method::kGet, "/api/v1/customers/{id}", "/api/v1/customers/{customer}", "",
     roles(200, 200, 200, 200)},
    {Method::kPatch, "/api/v1/customers/{id}", "/api/v1/customers/{customer}", R"({"name":"R"})",
     roles(200, 200, 403, 403)},
    {Method::kDelete, "/api/v1/customers/{id}", "/api/v1/customers/{customer}", "",
     roles(204, 204, 403, 403)},

    {Method::kGet, "/api/v1/leads", "/api/v1/leads", "", roles(200, 200, 200, 200)},
    {Method::kGet, "/api/v1/leads.csv", "/api/v1/leads.csv", "", roles(200, 200, 200, 200)},
    {Method::kPost, "/api/v1/leads", "/api/v1/leads", R"({"name":"L{n}"})",
     roles(201, 201, 201, 403)},
    {Method::kPost, "/api/v1/leads", "/api/v1/leads", R"({"name":"L{n}","owner_id":{manager_id}})",
     roles(201, 201, 403, 403)},
    {Method::kGet, "/api/v1/leads/{id}", "/api/v1/leads/{lead_other}", "",
     roles(200, 200, 404, 200)},
    {Method::kGet, "/api/v1/leads/{id}", "/api/v1/leads/{lead_own}", "", roles(200, 200, 200, 200)},
    {Method::kGet, "/api/v1/leads/{id}", "/api/v1/leads/{lead_free}", "",
     roles(200, 200, 200, 200)},
    {Method::kPatch, "/api/v1/leads/{id}", "/api/v1/leads/{lead_other}", R"({"company":"X"})",
     roles(200, 200, 404, 403)},
    {Method::kPatch, "/api/v1/leads/{id}", "/api/v1/leads/{lead_free}", R"({"company":"X"})",
     roles(200, 200, 200, 403)},
    {Method::kPatch, "/api/v1/leads/{id}", "/api/v1/leads/{lead_own}",
     R"({"owner_id":{manager_id}})", roles(200, 200, 403, 403)},
    {Method::kDelete, "/api/v1/leads/{id}", "/api/v1/leads/{lead_other}", "",
     roles(204, 204, 404, 403)},
    {Method::kDelete, "/api/v1/leads/{id}", "/api/v1/leads/{lead_own}", "",
     roles(204, 204, 204, 403)},
    {Method::kPost, "/api/v1/leads/{id}/status", "/api/v1/leads/{lead_other}/status",
     R"({"status":"contacted"})", roles(200, 200, 404, 403)},
    {Method::kPost, "/api/v1/leads/{id}/status", "/api/v1/leads/{lead_own}/status",
     R"({"status":"contacted"})", roles(200, 200, 200, 403)},
    {Method::kGet, "/api/v1/leads/{id}/history", "/api/v1/leads/{lead_other}/history", "",
     roles(200, 200, 404, 200)},
    {Method::kGet, "/api/v1/leads/{id}/history", "/api/v1/leads/{lead_free}/history", "",
     roles(200, 200, 200, 200)},

    {Method::kGet, "/api/v1/products", "/api/v1/products", "", roles(200, 200, 200, 200)},
    {Method::kGet, "/api/v1/products.csv", "/api/v1/products.csv", "", roles(200, 200, 200, 200)},
    {Method::kPost, "/api/v1/products", "/api/v1/products",
     R"({"sku":"S{n}","name":"P","unit_price_minor":1})", roles(201, 201, 403, 403)},
    {Method::kGet, "/api/v1/products/{id}", "/api/v1/products/{product}", "",
     roles(200, 200, 200, 200)},
    {Method::kPatch, "/api/v1/products/{id}", "/api/v1/products/{product}", R"({"name":"Q"})",
     roles(200, 200, 403, 403)},
    {Method::kDelete, "/api/v1/products/{id}", "/api/v1/products/{product}", "",
     roles(204, 204, 403, 403)},

    {Method::kGet, "/api/v1/transactions", "/api/v1/transactions", "", roles(200, 200, 200, 200)},
    {Method::kGet, "/api/v1/transactions.csv", "/api/v1/transactions.csv", "",
     roles(200, 200, 200, 200)},
    {Method::kPost, "/api/v1/transactions", "/api/v1/transactions",
     R"({"quantity":1,"unit_price_minor":1,"occurred_at":"2026-11-20T10:00:00Z"})",
     roles(201, 201, 403, 403)},
    {Method::kGet, "/api/v1/transactions/{id}", "/api/v1/transactions/{transaction}", "",
     roles(200, 200, 200, 200)},
    {Method::kPatch, "/api/v1/transactions/{id}", "/api/v1/transactions/{transaction}",
     R"({"quantity":2})", roles(200, 200, 403, 403)},
    {Method::kDelete, "/api/v1/transactions/{id}", "/api/v1/transactions/{transaction}", "",
     roles(204, 204, 403, 403)},

    {Method::kGet, "/api/v1/activities", "/api/v1/activities", "", roles(200, 200, 200, 200)},
    // A rep's activity naming no owner becomes theirs; naming someone else is forbidden.
    {Method::kPost, "/api/v1/activities", "/api/v1/activities",
     R"({"subject":"A{n}","lead_id":{lead_free}})", roles(201, 201, 201, 403)},
    {Method::kPost, "/api/v1/activities", "/api/v1/activities",
     R"({"subject":"A{n}","lead_id":{lead_free},"owner_id":{manager_id}})",
     roles(201, 201, 403, 403)},
    // An activity on a lead the rep may not see is refused as if the lead did not exist.
    {Method::kPost, "/api/v1/activities", "/api/v1/activities",
     R"({"subject":"A{n}","lead_id":{lead_other}})", roles(201, 201, 404, 403)},
    {Method::kGet, "/api/v1/activities/{id}", "/api/v1/activities/{activity_other}", "",
     roles(200, 200, 404, 200)},
    {Method::kGet, "/api/v1/activities/{id}", "/api/v1/activities/{activity_own}", "",
     roles(200, 200, 200, 200)},
    {Method::kPatch, "/api/v1/activities/{id}", "/api/v1/activities/{activity_other}",
     R"({"status":"done"})", roles(200, 200, 404, 403)},
    {Method::kPatch, "/api/v1/activities/{id}", "/api/v1/activities/{activity_own}",
     R"({"status":"done"})", roles(200, 200, 200, 403)},
    {Method::kPatch, "/api/v1/activities/{id}", "/api/v1/activities/{activity_own}",
     R"({"owner_id":{manager_id}})", roles(200, 200, 403, 403)},
    {Method::kPatch, "/api/v1/activities/{id}", "/api/v1/activities/{activity_own}",
     R"({"lead_id":{lead_other}})", roles(200, 200, 404, 403)},
    {Method::kDelete, "/api/v1/activities/{id}", "/api/v1/activities/{activity_other}", "",
     roles(204, 204, 404, 403)},
    {Method::kDelete, "/api/v1/activities/{id}", "/api/v1/activities/{activity_own}", "",
     roles(204, 204, 204, 403)},

    // A message is read as the lead it is about and written as its party: a
    // rep reads and logs on their own and unassigned leads; someone else's
    // lead is hidden (404), a customer read-only (403).
    {Method::kGet, "/api/v1/communications", "/api/v1/communications", "",
     roles(200, 200, 200, 200)},
    {Method::kPost, "/api/v1/communications", "/api/v1/communications",
     R"({"lead_id":{lead_own},"occurred_at":"2026-11-20T10:00:00Z"})", roles(201, 201, 201, 403)},
    {Method::kPost, "/api/v1/communications", "/api/v1/communications",
     R"({"lead_id":{lead_free},"occurred_at":"2026-11-20T10:00:00Z"})", roles(201, 201, 201, 403)},
    {Method::kPost, "/api/v1/communications", "/api/v1/communications",
     R"({"lead_id":{lead_other},"occurred_at":"2026-11-20T10:00:00Z"})", roles(201, 201, 404, 403)},
    {Method::kPost, "/api/v1/communications", "/api/v1/communications",
     R"({"customer_id":{customer},"occurred_at":"2026-11-20T10:00:00Z"})",
     roles(201, 201, 403, 403)},
    {Method::kGet, "/api/v1/communications/{id}", "/api/v1/communications/{communication}", "",
     roles(200, 200, 200, 200)},
    {Method::kGet, "/api/v1/communications/{id}", "/api/v1/communications/{communication_other}",
     "", roles(200, 200, 404, 200)},
    {Method::kGet, "/api/v1/communications/{id}", "/api/v1/communications/{communication_customer}",
     "", roles(200, 200, 200, 200)},
    {Method::kPatch, "/api/v1/communications/{id}", "/api/v1/communications/{communication_other}",
     R"({"subject":"S"})", roles(200, 200, 403, 403)},
    {Method::kDelete, "/api/v1/communications/{id}", "/api/v1/communications/{communication_other}",
     "", roles(204, 204, 403, 403)},
    {Method::kPatch, "/api/v1/communications/{id}", "/api/v1/communications/{communication}",
     R"({"subject":"S"})", roles(200, 200, 403, 403)},
    {Method::kDelete, "/api/v1/communications/{id}", "/api/v1/communications/{communication}", "",
     roles(204, 204, 403, 403)},

    {Method::kGet, "/api/v1/users", "/api/v1/users", "", roles(200, 200, 403, 403)},
    {Method::kGet, "/api/v1/users/{id}", "/api/v1/users/{viewer_id}", "",
     roles(200, 200, 403, 403)},
    {Method::kPost, "/api/v1/users", "/api/v1/users",
     R"({"email":"u{n}@example.com","name":"U","role":"viewer","password":"a long enough secret"})",
     roles(201, 403, 403, 403)},
    {Method::kPatch, "/api/v1/users/{id}", "/api/v1/users/{viewer_id}", R"({"name":"V"})",
     roles(200, 403, 403, 403)},
    {Method::kGet, "/api/v1/audit-log", "/api/v1/audit-log", "", roles(200, 200, 403, 403)},

    // Training is checked before its body: a body naming no known entity
    // gives 400 to whoever may train, so no background job races the table.
    {Method::kPost, "/api/v1/models/train", "/api/v1/models/train", R"({"entity":"nope"})",
     roles(400, 400, 403, 403)},
    {Method::kGet, "/api/v1/models/jobs/{id}", "/api/v1/models/jobs/{model_job}", "",
     roles(200, 200, 200, 200)},
    {Method::kGet, "/api/v1/models", "/api/v1/models", "", roles(200, 200, 200, 200)},
    // No such version: 404 for whoever may activate, 403 before the lookup for the others.
    {Method::kPost, "/api/v1/models/{id}/activate", "/api/v1/models/999999/activate", "",
     roles(404, 404, 403, 403)},
    // Unscored leads: 404 with the reason; someone else's lead is hidden from a rep.
    {Method::kGet, "/api/v1/leads/{id}/explanation", "/api/v1/leads/{lead_own}/explanation", "",
     roles(404, 404, 404, 404)},
    {Method::kGet, "/api/v1/leads/{id}/explanation", "/api/v1/leads/{lead_other}/explanation", "",
     roles(404, 404, 404, 404)},
    // Unscored customers: 404 with the reason, for everyone who reads customers.
    {Method::kGet, "/api/v1/customers/{id}/churn-risk", "/api/v1/customers/{customer}/churn-risk",
     "", roles(404, 404, 404, 404)},
    // A lead's score history (empty here): hidden from a rep when someone else's.
    {Method::kGet, "/api/v1/leads/{id}/scores", "/api/v1/leads/{lead_other}/scores", "",
     roles(200, 200, 404, 200)},
    {Method::kGet, "/api/v1/leads/{id}/scores", "/api/v1/leads/{lead_own}/scores", "",
     roles(200, 200, 200, 200)},

    // The dashboard's figures: every role reads (a rep's cover their own leads).
    {Method::kGet, "/api/v1/kpis", "/api/v1/kpis", "", roles(200, 200, 200, 200)},
    {Method::kGet, "/api/v1/lead-ranking", "/api/v1/lead-ranking", "", roles(200, 200, 200, 200)},
    // Importing is checked before the upload: an empty one gives 400 to
    // whoever may import, so no background import races the table.
    {Method::kPost, "/api/v1/imports", "/api/v1/imports?kind=customers", "",
     roles(400, 400, 403, 403)},
    {Method::kPost, "/api/v1/imports", "/api/v1/imports?kind=leads", "", roles(400, 400, 403, 403)},
    // No such job (jobs are in memory; tests/api/import_routes_test.cc covers who sees one).
    {Method::kGet, "/api/v1/imports/{id}", "/api/v1/imports/999999", "", roles(404, 404, 404, 404)},
    // The behaviour stream: events are sent by whoever works leads, read by
    // everyone; a custom event type is a settings change (admins only).
    // Each event is sent as its entity is written: someone else's lead is
    // hidden from a rep (404), a customer read-only to it (403).
    {Method::kPost, "/api/v1/events", "/api/v1/events",
     R"([{"entity":"lead:{lead_free}","type":"page_view","ts":"2026-11-23T09:00:00Z"}])",
     roles(202, 202, 202, 403)},
    {Method::kPost, "/api/v1/events", "/api/v1/events",
     R"([{"entity":"lead:{lead_own}","type":"purchase","ts":"2026-11-23T09:00:00Z"}])",
     roles(202, 202, 202, 403)},
    {Method::kPost, "/api/v1/events", "/api/v1/events",
     R"([{"entity":"lead:{lead_other}","type":"purchase","ts":"2026-11-23T09:00:00Z"}])",
     roles(202, 202, 404, 403)},
    {Method::kPost, "/api/v1/events", "/api/v1/events",
     R"([{"entity":"customer:{customer}","type":"page_view","ts":"2026-11-23T09:00:00Z"}])",
     roles(202, 202, 403, 403)},
    {Method::kGet, "/api/v1/events", "/api/v1/events", "", roles(200, 200, 200, 200)},
    // Asking for a hidden lead's events is answered as for a lead that does not exist.
    {Method::kGet, "/api/v1/events", "/api/v1/events?entity=lead:{lead_other}", "",
     roles(200, 200, 400, 200)},
    {Method::kGet, "/api/v1/events", "/api/v1/events?entity=lead:{lead_own}", "",
     roles(200, 200, 200, 200)},
    {Method::kGet, "/api/v1/events/stats", "/api/v1/events/stats", "", roles(200, 200, 200, 200)},
    {Method::kGet, "/api/v1/event-types", "/api/v1/event-types", "", roles(200, 200, 200, 200)},
    {Method::kPost, "/api/v1/event-types", "/api/v1/event-types", R"({"name":"t{n}"})",
     roles(201, 403, 403, 403)},
    {Method::kGet, "/api/v1/alerts", "/api/v1/alerts", "", roles(200, 200, 200, 200)},
    {Method::kGet, "/api/v1/alerts", "/api/v1/alerts?entity=lead:{lead_other}", "",
     roles(200, 200, 400, 200)},

    // Decisions are read as their lead is; deciding and outcomes change the
    // lead; accept, reject and complete change the decision's activity. An
    // unscored lead cannot be decided (409) by whoever may try.
    {Method::kGet, "/api/v1/leads/{id}/decision", "/api/v1/leads/{lead_decided_other}/decision", "",
     roles(200, 200, 404, 200)},
    {Method::kGet, "/api/v1/leads/{id}/decision", "/api/v1/leads/{lead_decided_own}/decision", "",
     roles(200, 200, 200, 200)},
    {Method::kPost, "/api/v1/leads/{id}/decision", "/api/v1/leads/{lead_own}/decision", "",
     roles(409, 409, 409, 403)},
    {Method::kPost, "/api/v1/leads/{id}/decision", "/api/v1/leads/{lead_other}/decision", "",
     roles(409, 409, 404, 403)},
    {Method::kGet, "/api/v1/decisions", "/api/v1/decisions", "", roles(200, 200, 200, 200)},
    {Method::kGet, "/api/v1/decisions/kpis", "/api/v1/decisions/kpis", "",
     roles(200, 200, 200, 200)},
    {Method::kGet, "/api/v1/decisions/{id}", "/api/v1/decisions/{decision_other}", "",
     roles(200, 200, 404, 200)},
    {Method::kGet, "/api/v1/decisions/{id}", "/api/v1/decisions/{decision_own}", "",
     roles(200, 200, 200, 200)},
    {Method::kPost, "/api/v1/decisions/{id}/outcome", "/api/v1/decisions/{decision_own}/outcome",
     R"({"outcome":"converted"})", roles(200, 200, 200, 403)},
    {Method::kPost, "/api/v1/decisions/{id}/outcome", "/api/v1/decisions/{decision_other}/outcome",
     R"({"outcome":"converted"})", roles(200, 200, 404, 403)},
    {Method::kPost, "/api/v1/decisions/{id}/accept", "/api/v1/decisions/{decision_own}/accept", "",
     roles(200, 200, 200, 403)},
    {Method::kPost, "/api/v1/decisions/{id}/accept", "/api/v1/decisions/{decision_other}/accept",
     "", roles(200, 200, 404, 403)},
    {Method::kPost, "/api/v1/decisions/{id}/reject", "/api/v1/decisions/{decision_own}/reject",
     R"({"reason":"already a customer"})", roles(200, 200, 200, 403)},
    {Method::kPost, "/api/v1/decisions/{id}/complete", "/api/v1/decisions/{decision_own}/complete",
     "", roles(200, 200, 200, 403)},
    {Method::kGet, "/api/v1/settings/decisions", "/api/v1/settings/decisions", "",
     roles(200, 403, 403, 403)},
    {Method::kPut, "/api/v1/settings/decisions", "/api/v1/settings/decisions", R"({"theta":0.8})",
     roles(200, 403, 403, 403)},
    // Webhooks are settings: admins only (their URLs make the server send requests).
    {Method::kGet, "/api/v1/webhooks", "/api/v1/webhooks", "", roles(200, 403, 403, 403)},
    {Method::kPost, "/api/v1/webhooks", "/api/v1/webhooks",
     R"({"url":"https://example.com/h{n}","topics":["decision"]})", roles(201, 403, 403, 403)},
    {Method::kGet, "/api/v1/webhooks/{id}", "/api/v1/webhooks/{webhook}", "",
     roles(200, 403, 403, 403)},
    {Method::kPatch, "/api/v1/webhooks/{id}", "/api/v1/webhooks/{webhook}", R"({"active":false})",
     roles(200, 403, 403, 403)},
    {Method::kDelete, "/api/v1/webhooks/{id}", "/api/v1/webhooks/{webhook}", "",
     roles(204, 403, 403, 403)},
    {Method::kGet, "/api/v1/webhooks/{id}/deliveries", "/api/v1/webhooks/{webhook}/deliveries", "",
     roles(200, 403, 403, 403)},
    {Method::kPost, "/api/v1/webhooks/{id}/test", "/api/v1/webhooks/{webhook}/test", "",
     roles(202, 403, 403, 403)},
    {Method::kPost, "/api/v1/webhooks/{id}/secret", "/api/v1/webhooks/{webhook}/secret", "",
     roles(200, 403, 403, 403)},
    // The live stream (server-sent events): every signed-in role reads it.
    {Method::kGet, "/api/v1/stream", "/api/v1/stream", "", roles(200, 200, 200, 200)},
};

class AuthorizationMatrixTest : public testing::ApiTest {
 protected:
  // `text` with every {placeholder} replaced, making the records it names.
  std::string fill(std::string text) {
    const store::Actor sys = store::Actor::system();
    auto replace = [&](const std::string& key, const auto& make) {
      for (size_t at; (at = text.find("{" + key + "}")) != std::string::npos;) {
        text.replace(at, key.size() + 2, std::to_string(make()));
      }
    };
    replace("n", [&] { return ++serial_; });
    replace("manager_id", [&] { return user_id(Principal::kManager); });
    replace("viewer_id", [&] { return user_id(Principal::kViewer); });
    replace("customer", [&] {
      store::Customer c;
      c.name = "Customer";
      c.owner_id = user_id(Principal::kManager);
      return store::CustomerStore(db(), clock()).create(sys, c)->id;
    });
    auto lead = [&](std::optional<int64_t> owner) {
      store::Lead l;
      l.name = "Lead";
      l.owner_id = owner;
      return store::LeadStore(db(), clock()).create(sys, l)->id;
    };
    replace("lead_other", [&] { return lead(user_id(Principal::kManager)); });
    replace("lead_own", [&] { return lead(user_id(Principal::kRep)); });
    replace("lead_free", [&] { return lead(std::nullopt); });
    auto activity = [&](std::optional<int64_t> owner) {
      store::Activity a;
      a.subject = "Activity";
      a.owner_id = owner;
      a.lead_id = lead(std::nullopt);
      return store::ActivityStore(db(), clock()).create(sys, a)->id;
    };
    replace("activity_other", [&] { return activity(user_id(Principal::kManager)); });
    replace("activity_own", [&] { return activity(user_id(Principal::kRep)); });
    // A decision on a lead of `owner`, whose call is the owner's activity.
    auto decision = [&](std::optional<int64_t> owner) {
      store::DecisionRecord d;
      d.lead_id = lead(owner);
      d.tier = "high";
      d.threshold_mode = "admin";
      d.action = "call";
      d.propensity = 1;
      d.probabilities = {1, 0, 0, 0};
      d.policy = "bandit";
      d.why = "test";
      d.triggered_by = "on_demand";
      d.created_at = clock().now();
      store::Activity a;
      a.kind = store::ActivityKind::kCall;
      a.subject = "Call";
      a.owner_id = owner;
      return *store::DecisionStore(db()).record(sys, d, a);
    };
    replace("decision_other", [&] { return decision(user_id(Principal::kManager)).id; });
    replace("decision_own", [&] { return decision(user_id(Principal::kRep)).id; });
    replace("lead_decided_other", [&] { return decision(user_id(Principal::kManager)).lead_id; });
    replace("lead_decided_own", [&] { return decision(user_id(Principal::kRep)).lead_id; });
    auto communication = [&](std::optional<int64_t> lead_id, std::optional<int64_t> customer) {
      store::Communication c;
      c.lead_id = lead_id;
      c.customer_id = customer;
      c.occurred_at = clock().now();
      return store::CommunicationStore(db(), clock()).create(sys, c)->id;
    };
    replace("communication_other",
            [&] { return communication(lead(user_id(Principal::kManager)), std::nullopt); });
    replace("communication_customer", [&] {
      store::Customer c;
      c.name = "Customer";
      c.owner_id = user_id(Principal::kManager);
      return communication(std::nullopt, store::CustomerStore(db(), clock()).create(sys, c)->id);
    });
    replace("communication",
            [&] { return communication(lead(user_id(Principal::kRep)), std::nullopt); });
    replace("product", [&] {
      store::Product p;
      p.sku = "P" + std::to_string(++serial_);
      p.name = "Product";
      return store::ProductStore(db(), clock()).create(sys, p)->id;
    });
    replace("transaction", [&] {
      store::Transaction t;
      t.quantity = 1;
      t.unit_price_minor = 100;
      t.occurred_at = clock().now();
      return store::TransactionStore(db(), clock()).create(sys, t)->id;
    });
    replace("model_job", [&] {
      return store::ModelJobStore(db(), clock())
          .create("leads", "converted", boost::json::object{}, std::nullopt)
          ->id;
    });
    replace("webhook", [&] {
      store::WebhookEndpoint e;
      e.url = "https://example.com/hook";
      e.secret = "whsec_matrix";
      e.topics = {"alert"};
      e.created_at = clock().now();
      return store::WebhookStore(db()).create_endpoint(store::Actor::system(), e)->id;
    });
    replace("token_of_manager", [&] {
      api::auth::Authenticator auth(db(), clock());
      auto manager = store::UserStore(db(), clock()).get(user_id(Principal::kManager));
      return auth.create_api_token(*manager, "to revoke")->record.id;
    });
    return text;
  }
  int64_t serial_ = 0;
};

TEST_P(AuthorizationMatrixTest, EveryRouteIsInTheTable) {
  std::set<std::pair<std::string, std::string>> in_table;
  for (const Cell& c : kMatrix) in_table.insert({std::string(method_name(c.method)), c.pattern});
  std::set<std::pair<std::string, std::string>> routed;
  for (const Route& r : router().routes()) {
    routed.insert({std::string(method_name(r.method)), r.pattern});
    EXPECT_TRUE(in_table.count({std::string(method_name(r.method)), r.pattern}))
        << method_name(r.method) << " " << r.pattern
        << " is not in the authorisation matrix: add a row saying who may call it";
  }
  for (const auto& row : in_table) {
    EXPECT_TRUE(routed.count(row))
        << row.first << " " << row.second << " is in the matrix but not routed";
  }
}

// Every cell twice: with each role's API key as Bearer (a script), and with
// its browser session (the cookie and the CSRF header the dashboard sends).
TEST_P(AuthorizationMatrixTest, EveryRoleGetsTheStatusTheTableSaysOnEitherCredential) {
  for (testing::Credential credential : testing::kAllCredentials) {
    use_credential(credential);
    // The key pass ends its users' sessions (DELETE /me/sessions): each pass
    // starts with fresh ones.
    for (Principal p :
         {Principal::kAdmin, Principal::kManager, Principal::kRep, Principal::kViewer})
      renew_session(p);
    for (const Cell& cell : kMatrix) {
      // The rows a session answers otherwise than a key (a key is refused
      // them; from a session they make a key or change the password) are
      // checked on the key only; auth_routes_test.cc covers them from a session.
      if (credential == testing::Credential::kCookie && cell.method == Method::kPost &&
          (std::string_view(cell.pattern) == "/api/v1/tokens" ||
           std::string_view(cell.pattern) == "/api/v1/me/password"))
        continue;
      for (size_t i = 0; i < std::size(kAllPrincipals); ++i) {
        Principal who = kAllPrincipals[i];
        std::string target = fill(cell.target);
        std::string body = fill(cell.body);
        Request r;
        r.method = cell.method;
        r.method_text = std::string(method_name(cell.method));
        ASSERT_TRUE(r.set_target(target).ok()) << target;
        r.remote_address = "127.0.0.1";
        if (!body.empty()) r.headers.set("Content-Type", "application/json");
        authenticate(r, who);
        r.body = body;
        auto d = router().dispatch(r);
        EXPECT_EQ(d.route, cell.pattern) << target;
        EXPECT_EQ(d.response.status, cell.expect[i])
            << method_name(cell.method) << " " << target << " as " << testing::principal_name(who)
            << " with " << testing::credential_name(credential) << ": " << d.response.body;
        // Signing out ends the browser session the next cells use.
        if (d.response.status == 204 && std::string_view(cell.pattern) == "/api/v1/auth/logout" &&
            credential == testing::Credential::kCookie)
          renew_session(who);
      }
    }
  }
}

// What the lists hold, not only their status: records of every ownership
// (the rep's own, unassigned, and the manager's "other" ones) and records
// about no lead, listed by every role on either credential, whole and a row
// at a time (so no page or cursor carries a hidden row), and searched.
class ListContentTest : public AuthorizationMatrixTest {
 protected:
  void SetUp() override {
    AuthorizationMatrixTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    const store::Actor sys = store::Actor::system();
    const std::pair<const char*, std::optional<int64_t>> owners[] = {
        {"own", user_id(Principal::kRep)},
        {"free", std::nullopt},
        {"other", user_id(Principal::kManager)}};
    store::Customer customer;
    customer.name = "customer";
    customer.owner_id = user_id(Principal::kManager);
    customer_ = store::CustomerStore(db(), clock()).create(sys, customer)->id;
    std::string events = "[";
    for (const auto& [tag, owner] : owners) {
      store::Lead l;
      l.name = tag;
      l.owner_id = owner;
      int64_t lead = store::LeadStore(db(), clock()).create(sys, l)->id;
      tag_of_[lead_key(lead)] = tag;
      store::Activity a;
      a.subject = tag;
      a.owner_id = owner;
      a.lead_id = lead;
      ASSERT_TRUE(store::ActivityStore(db(), clock()).create(sys, a).ok());
      store::Communication c;
      c.lead_id = lead;
      c.subject = tag;
      c.body = std::string("the needle of ") + tag;
      c.occurred_at = clock().now();
      ASSERT_TRUE(store::CommunicationStore(db(), clock()).create(sys, c).ok());
      events += R"({"entity":")" + lead_key(lead) +
                R"(","type":"purchase","ts":"2026-11-23T08:00:00Z"},)";
      store::AlertRecord alert;
      alert.kind = "tier_change";
      alert.entity = lead_key(lead);
      alert.message = tag;
      alert.at = alert.created_at = clock().now();
      ASSERT_TRUE(store::AlertStore(db()).add(alert).ok());
    }
    // About no lead: a customer's message and event, a whole-stream alert.
    store::Communication c;
    c.customer_id = customer_;
    c.subject = "customer";
    c.body = "the needle of the customer";
    c.occurred_at = clock().now();
    ASSERT_TRUE(store::CommunicationStore(db(), clock()).create(sys, c).ok());
    tag_of_["customer:" + std::to_string(customer_)] = "customer";
    events += R"({"entity":"customer:)" + std::to_string(customer_) +
              R"(","type":"page_view","ts":"2026-11-23T08:00:00Z"}])";
    auto sent = post(Principal::kAdmin, "/api/v1/events", events);
    ASSERT_EQ(sent.status, 202) << sent.body;
    ASSERT_EQ(json(sent).at("accepted").as_int64(), 4) << sent.body;
    store::AlertRecord stream;
    stream.kind = "stream_spike";
    stream.message = "stream";
    stream.at = stream.created_at = clock().now();
    ASSERT_TRUE(store::AlertStore(db()).add(stream).ok());
  }
  static std::string lead_key(int64_t id) { return "lead:" + std::to_string(id); }

  // The tags of a list's items, read from `field` (an entity key is mapped
  // to its record's tag; no entity reads "stream"), following next_cursor.
  std::multiset<std::string> tags(Principal who, const std::string& path, const char* field,
                                  size_t limit) {
    std::multiset<std::string> out;
    std::string cursor;
    for (int pages = 0; pages < 50; ++pages) {
      std::string target = path + (path.find('?') == std::string::npos ? "?" : "&") +
                           "limit=" + std::to_string(limit) +
                           (cursor.empty() ? "" : "&cursor=" + cursor);
      auto r = get(who, target);
      EXPECT_EQ(r.status, 200) << target << ": " << r.body;
      if (r.status != 200) break;
      auto page = json(r);
      for (const auto& item : page.at("items").as_array()) {
        const auto& v = item.as_object().at(field);
        std::string text = v.is_null() ? "stream" : std::string(v.as_string());
        auto known = tag_of_.find(text);
        out.insert(known == tag_of_.end() ? text : known->second);
      }
      if (page.at("next_cursor").is_null()) break;
      cursor = std::string(page.at("next_cursor").as_string());
    }
    return out;
  }

  int64_t customer_ = 0;
  std::map<std::string, std::string> tag_of_;  // entity key -> tag
};

TEST_P(ListContentTest, EachRoleListsExactlyWhatItMaySeeOnEitherCredential) {
  using Tags = std::multiset<std::string>;
  const Tags leads_all = {"own", "free", "other"};
  const Tags leads_rep = {"own", "free"};
  struct List {
    std::string path;
    const char* field;
    Tags all, rep;
  };
  const List lists[] = {
      {"/api/v1/leads", "name", leads_all, leads_rep},
      // A rep's activities are its own only.
      {"/api/v1/activities", "subject", leads_all, {"own"}},
      {"/api/v1/communications",
       "subject",
       {"own", "free", "other", "customer"},
       {"own", "free", "customer"}},
      {"/api/v1/communications?q=needle",
       "subject",
       {"own", "free", "other", "customer"},
       {"own", "free", "customer"}},
      {"/api/v1/communications?q=needle%20of%20other", "subject", {"other"}, {}},
      {"/api/v1/events",
       "entity",
       {"own", "free", "other", "customer"},
       {"own", "free", "customer"}},
      {"/api/v1/events?type=purchase", "entity", leads_all, leads_rep},
      {"/api/v1/alerts", "message", {"own", "free", "other", "stream"}, {"own", "free", "stream"}},
      {"/api/v1/alerts?kind=tier_change", "message", leads_all, leads_rep},
  };
  for (testing::Credential credential : testing::kAllCredentials) {
    use_credential(credential);
    for (Principal who :
         {Principal::kAdmin, Principal::kManager, Principal::kRep, Principal::kViewer}) {
      for (const List& list : lists) {
        const Tags& want = who == Principal::kRep ? list.rep : list.all;
        for (size_t limit : {size_t{1}, size_t{50}}) {
          EXPECT_EQ(tags(who, list.path, list.field, limit), want)
              << list.path << " limit " << limit << " as " << testing::principal_name(who)
              << " with " << testing::credential_name(credential);
        }
      }
    }
  }
}

// The rep's other reads of the same records: someone else's lead, its
// messages, events and alerts answer as records that do not exist.
TEST_P(ListContentTest, ARepsSingleReadsOfHiddenRecordsLookLikeAbsentOnes) {
  int64_t other = 0;
  for (const auto& [key, tag] : tag_of_)
    if (tag == "other") other = std::stoll(key.substr(5));
  ASSERT_GT(other, 0);
  const int64_t absent = other + 1000;
  auto problem = [&](const std::string& target) {
    auto r = get(Principal::kRep, target);
    std::string detail(json(r).at("detail").as_string());
    return std::to_string(r.status) + " " + detail;
  };
  auto with_id = [](std::string text, int64_t from, int64_t to) {
    std::string f = std::to_string(from);
    const std::string t = std::to_string(to);
    for (size_t at = 0; (at = text.find(f, at)) != std::string::npos; at += t.size())
      text.replace(at, f.size(), t);
    return text;
  };
  for (const char* form : {"/api/v1/leads/{}", "/api/v1/leads/{}/explanation",
                           "/api/v1/leads/{}/scores", "/api/v1/leads/{}/history",
                           "/api/v1/events?entity=lead:{}", "/api/v1/alerts?entity=lead:{}"}) {
    std::string hidden = form, missing = form;
    hidden.replace(hidden.find("{}"), 2, std::to_string(other));
    missing.replace(missing.find("{}"), 2, std::to_string(absent));
    EXPECT_EQ(with_id(problem(hidden), other, absent), problem(missing)) << form;
  }
  // The same for writes that name the hidden lead.
  auto refused = [&](const std::string& path, const std::string& body_of) {
    auto body = [&](int64_t lead) {
      std::string text = body_of;
      text.replace(text.find("{lead}"), 6, std::to_string(lead));
      return text;
    };
    auto hidden = post(Principal::kRep, path, body(other));
    auto missing = post(Principal::kRep, path, body(absent));
    EXPECT_EQ(hidden.status, 404) << path << ": " << hidden.body;
    EXPECT_EQ(with_id(std::string(json(hidden).at("detail").as_string()), other, absent),
              std::string(json(missing).at("detail").as_string()))
        << path;
  };
  refused("/api/v1/activities", R"({"subject":"call","kind":"call","lead_id":{lead}})");
  refused("/api/v1/communications", R"({"lead_id":{lead},"occurred_at":"2026-11-20T10:00:00Z"})");
  refused("/api/v1/events",
          R"([{"entity":"lead:{lead}","type":"purchase","ts":"2026-11-23T08:30:00Z"}])");
  // Nothing was written about the hidden lead by those attempts.
  use_credential(testing::Credential::kBearer);
  EXPECT_EQ(tags(Principal::kAdmin, "/api/v1/events?type=purchase", "entity", 50),
            (std::multiset<std::string>{"own", "free", "other"}));
  EXPECT_EQ(tags(Principal::kAdmin, "/api/v1/activities", "subject", 50),
            (std::multiset<std::string>{"own", "free", "other"}));
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(AuthorizationMatrixTest);
ICRM_INSTANTIATE_ON_BOTH_ENGINES(ListContentTest);

}  // namespace
}  // namespace icrm::api
