#include "api/user_routes.h"

#include "api/resource_routes.h"
#include "store/audit_log.h"
#include "store/user_store.h"

namespace icrm::api {
namespace {

using store::Role;
using store::User;

constexpr const char* kUserSchema =
    R"({"type":"object","properties":{"id":{"type":"integer"},"email":{"type":"string"},)"
    R"("name":{"type":"string"},"role":{"enum":["admin","manager","rep","viewer"]},)"
    R"("disabled":{"type":"boolean"},"created_at":{"type":"string"},"updated_at":{"type":"string"}}})";

std::optional<Role> read_role(JsonFields& f, Presence presence) {
  auto text = f.one_of("role", presence, {"admin", "manager", "rep", "viewer"});
  if (!text) return std::nullopt;
  return *store::parse_role(*text);
}

// The password, when present and within the policy.
std::optional<std::string> read_password(JsonFields& f, Presence presence) {
  auto password = f.string("password", presence, auth::kMaxPasswordLength);
  if (!password) return std::nullopt;
  if (auto p = auth::check_password_policy(*password); !p) {
    f.fail("password", p.error().message);
    return std::nullopt;
  }
  return password;
}

}  // namespace

void add_user_routes(Router& router, store::Database& db, const Clock& clock,
                     std::shared_ptr<auth::Authenticator> authenticator) {
  auto users = std::make_shared<store::UserStore>(db, clock);
  auto crud = std::make_shared<Crud<User>>();
  crud->collection = "/api/v1/users";
  crud->resource = auth::Resource::kUser;
  crud->doc = {.tag = "users",
               .noun = "user",
               .record_schema = kUserSchema,
               .list = store::UserStore::list_capabilities()};
  crud->list = [users](const store::ListQuery& q) { return users->list(q); };
  crud->get = [users](int64_t id) { return users->get(id); };
  add_crud_routes(router, crud);

  router.add(
      Method::kPost, "/api/v1/users",
      [users, authenticator](const Request& request) -> Result<Response> {
        auto caller = caller_allowed(request, auth::Action::kCreate, auth::Resource::kUser);
        if (!caller) return caller.error();
        auto body = parse_json_body(request);
        if (!body) return body.error();
        JsonFields f(*body);
        RecordFields fields(f, Write::kCreate);
        store::NewUser draft;
        fields.text("email", draft.email, store::kMaxEmailLength);
        fields.text("name", draft.name, store::kMaxUserNameLength);
        auto role = read_role(f, Presence::kRequired);
        auto password = read_password(f, Presence::kRequired);
        if (auto s = f.finish(); !s) return s.error();
        draft.role = *role;
        auto hash = authenticator->hash_new_password(*password);
        if (!hash) return hash.error();
        draft.password_hash = std::move(*hash);
        auto created = users->create(actor_of(**caller), draft);
        if (!created) return created.error();
        return record_response(201, to_json(*created),
                               "/api/v1/users/" + std::to_string(created->id));
      },
      {.summary = "Create a user who signs in with email and password",
       .tag = "users",
       .responses = {201, 400, 409, 413, 415, 503},
       .request_schema =
           R"({"type":"object","required":["email","name","role","password"],"properties":{)"
           R"("email":{"type":"string"},"name":{"type":"string"},)"
           R"("role":{"enum":["admin","manager","rep","viewer"]},"password":{"type":"string"}},)"
           R"("additionalProperties":false})",
       .response_schema = kUserSchema});

  router.add(
      Method::kPatch, "/api/v1/users/{id}",
      [users, authenticator](const Request& request) -> Result<Response> {
        auto caller = caller_allowed(request, auth::Action::kUpdate, auth::Resource::kUser);
        if (!caller) return caller.error();
        auto id = id_param(request);
        if (!id) return id.error();
        auto body = parse_json_body(request);
        if (!body) return body.error();
        JsonFields f(*body);
        RecordFields fields(f, Write::kPatch);
        store::UserChanges changes;
        if (f.present("name")) {
          changes.name.emplace();
          fields.text("name", *changes.name, store::kMaxUserNameLength);
        }
        for (const char* name : {"role", "password"}) {
          if (f.is_null(name)) f.fail(name, "must not be null");
        }
        changes.role = read_role(f, Presence::kOptional);
        if (f.present("disabled")) {
          changes.disabled.emplace(false);
          fields.boolean("disabled", *changes.disabled);
        }
        auto password = read_password(f, Presence::kOptional);
        fields.read_only({"email"}, "an account keeps its address; create another user");
        fields.read_only({"id", "created_at", "updated_at"}, "the server sets it");
        if (auto s = f.finish(); !s) return s.error();
        if (password) {
          auto hash = authenticator->hash_new_password(*password);
          if (!hash) return hash.error();
          changes.password_hash = std::move(*hash);
        }
        auto updated = users->update(actor_of(**caller), *id, changes);
        if (!updated) return updated.error();
        if (changes.password_hash) {
          // A reset: whoever held the old password may hold a session or a
          // key made with it, so all of them end.
          if (auto s = authenticator->revoke_credentials_of(actor_of(**caller), *id); !s)
            return s.error();
        } else if (updated->disabled) {
          // Signed out everywhere; API keys stop working while disabled.
          if (auto ended = authenticator->end_sessions_of(*id); !ended) return ended.error();
        } else {
          authenticator->forget_user(*id);  // a new role counts from the next request
        }
        return record_response(200, to_json(*updated));
      },
      {.summary = "Change a user's name, role, password, or disable/enable them; a new "
                  "password ends the user's sessions and revokes their API keys",
       .tag = "users",
       .responses = {200, 400, 404, 409, 413, 415, 503},
       .request_schema =
           R"({"type":"object","properties":{"name":{"type":"string"},)"
           R"("role":{"enum":["admin","manager","rep","viewer"]},"disabled":{"type":"boolean"},)"
           R"("password":{"type":"string"}},"additionalProperties":false})",
       .response_schema = kUserSchema});
}

void add_audit_log_routes(Router& router, store::Database& db, const Clock& clock) {
  auto log = std::make_shared<store::AuditLog>(db, clock);
  auto crud = std::make_shared<Crud<store::AuditEntry>>();
  crud->collection = "/api/v1/audit-log";
  crud->resource = auth::Resource::kAuditLog;
  crud->doc = {
      .tag = "audit-log",
      .noun = "audit entry",
      .record_schema =
          R"({"type":"object","properties":{"id":{"type":"integer"},"at":{"type":"string"},)"
          R"("user_id":{"type":["integer","null"]},"action":{"type":"string"},)"
          R"("entity":{"type":"string"},"entity_id":{"type":["integer","null"]},"before":{},"after":{}}})",
      .list = store::AuditLog::list_capabilities()};
  crud->list = [log](const store::ListQuery& q) { return log->list(q); };
  add_crud_routes(router, crud);
}

}  // namespace icrm::api
