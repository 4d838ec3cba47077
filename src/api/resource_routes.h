// What every /api/v1/<things> resource shares, so that each resource is one
// short file: the list query (`limit`, `cursor`, `q`, `sort`, any other
// parameter a filter) as a store::ListQuery, the page as
// `{"items": [...], "next_cursor": "..." | null}`, the `{id}` path parameter,
// RecordFields (a record's fields read from a JSON body for a create or a
// PATCH: a PATCH changes only the fields it names, each within its limit in
// the record's field table, store/schema/), the role checks, and
// add_crud_routes(), which registers list/create/read/patch/delete for a
// repository described by a Crud<Record>.
//
// Visibility: a record a caller may not see (a rep asking for another rep's
// lead or activity) is answered 404, exactly as an id that does not exist, so
// ids of hidden records are not confirmed; a record the caller sees but may
// not change (a viewer's PATCH, a rep's DELETE of a customer) is 403.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/auth/policy.h"
#include "api/auth_middleware.h"
#include "api/json_body.h"
#include "api/router.h"
#include "core/time.h"
#include "store/actor.h"
#include "store/list_query.h"
#include "store/schema/fields.h"
#include "store/validation.h"

namespace icrm::api {

static_assert(kMaxPageSize == store::kMaxListLimit, "the API and the store agree on page size");
static_assert(kDefaultPageSize == store::kDefaultListLimit);

// Largest money amount in minor units a client may send.
using store::kMaxAmountMinor;

// The query string as a list query: `limit` (1..kMaxPageSize), `cursor`, `q`,
// `sort`; every other parameter is a filter the repository checks. Invalid
// argument naming every parameter at fault (a bad limit, one given twice).
Result<store::ListQuery> list_query_from(const Request& request);

// {"items": [...], "next_cursor": "..." or null}.
Response page_response(boost::json::array items, const std::string& next_cursor);

// An optional query parameter that must be an integer from 1 to `max`; 0
// when absent.
Result<int64_t> positive_param(const Request& request, std::string_view name, int64_t max);
template <typename Record>
Response page_response(const store::Page<Record>& page) {
  boost::json::array items;
  items.reserve(page.items.size());
  for (const auto& r : page.items) items.push_back(to_json(r));
  return page_response(std::move(items), page.next_cursor);
}

// The positive integer path parameter `name`; invalid argument naming it otherwise.
Result<int64_t> id_param(const Request& request, std::string_view name = "id");

// A JSON body as a response; 201 adds Location.
Response record_response(int status, const boost::json::object& record,
                         const std::string& location = {});

// Reads a record's fields from a JSON body into a Record for a create
// (required fields must be present; absent optional ones keep the record's
// defaults) or a patch (only the fields present change; null clears an
// optional field and is refused for a required one). Every problem is
// collected in the underlying JsonFields, so finish() names all of them.
enum class Write { kCreate, kPatch };

class RecordFields {
 public:
  RecordFields(JsonFields& fields, Write write) : f_(fields), write_(write) {}
  // Fields of `entity`: the forms without a limit take it from its table.
  RecordFields(JsonFields& fields, Write write, store::Entity entity)
      : f_(fields), write_(write), schema_(&store::schema::schema_of(entity)) {}

  Write write() const { return write_; }
  bool present(std::string_view name) const { return f_.present(name); }

  // Text within the field's max_bytes, integers within its min..max.
  // REQUIRES: constructed with an entity that has the field.
  void text(std::string_view name, std::string& out);
  void optional_text(std::string_view name, std::optional<std::string>& out);
  void integer(std::string_view name, int64_t& out);
  void optional_integer(std::string_view name, std::optional<int64_t>& out);

  void text(std::string_view name, std::string& out, std::size_t max_bytes);
  void optional_text(std::string_view name, std::optional<std::string>& out, std::size_t max_bytes);
  void integer(std::string_view name, int64_t& out, int64_t min, int64_t max);
  void optional_integer(std::string_view name, std::optional<int64_t>& out, int64_t min,
                        int64_t max);
  // A reference to another record: a positive integer id, or null.
  void optional_id(std::string_view name, std::optional<int64_t>& out);
  void timestamp(std::string_view name, Timestamp& out);
  void optional_timestamp(std::string_view name, std::optional<Timestamp>& out);
  void boolean(std::string_view name, bool& out);
  // An ISO 4217 code; the record's default (EUR) stays when absent, even on create.
  void currency(std::string_view name, std::string& out);
  // A fixed set of values, named by store::to_string(E) ("active", ...).
  template <typename E>
  void enumeration(std::string_view name, E& out, std::span<const E> values);
  // Custom attributes (a flat object). A create takes the object as sent; a
  // patch merges it into the stored one (RFC 7396: a key set to null is removed).
  void attributes(std::string_view name, boost::json::object& out);
  // Fields the server sets; sending one is an error naming it and `why`.
  void read_only(std::initializer_list<std::string_view> names, std::string_view why);

 private:
  // Whether to read `name` now: always on create, on patch only when present.
  bool wanted(std::string_view name);
  const store::schema::Field& field(std::string_view name) const;
  JsonFields& f_;
  Write write_;
  const store::schema::EntitySchema* schema_ = nullptr;
};

// Who may do what, for handlers.
// The caller, when policy allows `action` on `resource` with `ownership`;
// unauthenticated or permission_denied otherwise.
Result<const Caller*> caller_allowed(const Request& request, auth::Action action,
                                     auth::Resource resource,
                                     auth::Ownership ownership = auth::Ownership::kNotApplicable);
// The caller, when policy allows `action` on `resource` for some ownership
// (checked before reading a body whose record decides the ownership).
Result<const Caller*> caller_allowed_any(const Request& request, auth::Action action,
                                         auth::Resource resource);
// Narrows `query` to what the caller may list (list_scope): a rep's leads
// become their own plus unassigned, their activities their own only.
Status restrict_to_visible(const Caller& caller, auth::Resource resource, store::ListQuery& query);
// Whether the caller may see a record of `resource` owned by `owner`.
bool visible_to(const Caller& caller, auth::Resource resource, std::optional<int64_t> owner);
// Ownership of a record owned by `owner` as seen by the caller.
auth::Ownership ownership_for(const Caller& caller, std::optional<int64_t> owner);
inline store::Actor actor_of(const Caller& caller) { return store::Actor::user(caller.user_id); }

// Route documentation shared by resources.
struct CrudDoc {
  std::string tag;            // "customers"
  std::string noun;           // "customer"
  std::string record_schema;  // JSON Schema of the record as served
  std::string write_schema;   // JSON Schema of a create body
  store::ListCapabilities list;
  // JSON Schema of a listed item when lists add to the record (see
  // Crud::annotate_list); empty: record_schema.
  std::string list_item_schema;
};
std::string page_schema(const std::string& record_schema);
std::vector<std::string> list_query_doc(const store::ListCapabilities& list);

// A repository as CRUD routes. Functions left empty are not registered (the
// audit log has only a list). `owner` is empty for records without owners.
template <typename Record>
struct Crud {
  std::string collection;  // "/api/v1/customers"
  auth::Resource resource;
  std::optional<store::Entity> entity;  // whose field table reads the body
  CrudDoc doc;
  std::function<Result<store::Page<Record>>(const store::ListQuery&)> list;
  std::function<Result<Record>(int64_t)> get;
  std::function<Result<Record>(const store::Actor&, Record)> create;
  std::function<Result<Record>(const store::Actor&, Record)> update;
  std::function<Status(const store::Actor&, int64_t)> remove;
  // Reads the body's fields into the record (create and patch alike).
  std::function<void(RecordFields&, Record&)> read_fields;
  std::function<std::optional<int64_t>(const Record&)> owner;
  // When set, the owner whose visibility the record has instead of owner()'s:
  // a message is seen as the lead it is about (nullopt when about none),
  // though it is written as its party. The list's store filters on the same
  // owner (its ListSpec's owner column).
  std::function<std::optional<int64_t>(const Record&)> seen_as_owner;
  // When set, checked before a create or a patch is written (`before`: the
  // record as stored, null for a create): the records it links to (an
  // activity's lead) are ones the caller sees (404 as if absent otherwise)
  // and may change (403).
  std::function<Status(const Caller&, const Record& after, const Record* before)> check_links;
  // When set, a create naming no owner, by a caller who may not create
  // unassigned records, makes the caller the owner (a rep's new activity).
  std::function<void(Record&, int64_t)> set_owner;
  // When set, adds to each listed record's JSON what its repository does not
  // hold (a lead's latest score): items[i] is records[i] as served.
  std::function<Status(const std::vector<Record>& records, boost::json::array& items)>
      annotate_list;
};

// Points list/get/create/update/remove at a repository with the usual
// methods (list(query), get(id), create(actor, record), update(actor,
// record), remove(actor, id)).
template <typename Record, typename Store>
void use_store(Crud<Record>& crud, std::shared_ptr<Store> repo) {
  crud.list = [repo](const store::ListQuery& q) { return repo->list(q); };
  crud.get = [repo](int64_t id) { return repo->get(id); };
  crud.create = [repo](const store::Actor& a, Record r) { return repo->create(a, std::move(r)); };
  crud.update = [repo](const store::Actor& a, Record r) { return repo->update(a, std::move(r)); };
  crud.remove = [repo](const store::Actor& a, int64_t id) { return repo->remove(a, id); };
}

// A record the caller may see, or not_found as if it did not exist.
template <typename Record>
Result<Record> get_visible(const Crud<Record>& crud, const Caller& caller, int64_t id) {
  auto record = crud.get(id);
  if (!record) return record;
  // The owner may cost a lookup (a message's lead): skip it when all is visible.
  const auto& owner = crud.seen_as_owner ? crud.seen_as_owner : crud.owner;
  if (owner && auth::list_scope(caller.role, crud.resource) != auth::ListScope::kAll &&
      !visible_to(caller, crud.resource, owner(*record))) {
    return Error::not_found("no " + crud.doc.noun + " with id " + std::to_string(id));
  }
  return record;
}

// The ownership policy checks for writing `after` (was `before`, none for a create).
Status check_write(const Caller& caller, auth::Action action, auth::Resource resource,
                   std::optional<int64_t> owner_before, std::optional<int64_t> owner_after);

// Reads a create/patch body into `record`; the error names every field at fault.
template <typename Record>
Status read_body(const Crud<Record>& crud, const Request& request, Write write, Record& record) {
  auto body = parse_json_body(request);
  if (!body) return body.error();
  JsonFields f(*body);
  RecordFields fields = crud.entity ? RecordFields(f, write, *crud.entity) : RecordFields(f, write);
  crud.read_fields(fields, record);
  return f.finish();
}

std::string item_path(const std::string& collection);  // collection + "/{id}"

template <typename Record>
void add_crud_routes(Router& router, std::shared_ptr<Crud<Record>> crud) {
  using auth::Action;
  const CrudDoc& d = crud->doc;
  if (crud->list) {
    router.add(Method::kGet, crud->collection,
               [crud](const Request& request) -> Result<Response> {
                 auto caller = caller_allowed(request, Action::kRead, crud->resource);
                 if (!caller) return caller.error();
                 auto query = list_query_from(request);
                 if (!query) return query.error();
                 if (auto s = restrict_to_visible(**caller, crud->resource, *query); !s)
                   return s.error();
                 auto page = crud->list(*query);
                 if (!page) return page.error();
                 if (!crud->annotate_list) return page_response(*page);
                 boost::json::array items;
                 items.reserve(page->items.size());
                 for (const auto& r : page->items) items.push_back(to_json(r));
                 if (auto s = crud->annotate_list(page->items, items); !s) return s.error();
                 return page_response(std::move(items), page->next_cursor);
               },
               {.summary = "List " + d.tag + ", a page at a time",
                .tag = d.tag,
                .responses = {200, 400},
                .response_schema =
                    page_schema(d.list_item_schema.empty() ? d.record_schema : d.list_item_schema),
                .query = list_query_doc(d.list)});
  }
  if (crud->create) {
    router.add(Method::kPost, crud->collection,
               [crud](const Request& request) -> Result<Response> {
                 auto caller = caller_allowed_any(request, Action::kCreate, crud->resource);
                 if (!caller) return caller.error();
                 Record record{};
                 if (auto s = read_body(*crud, request, Write::kCreate, record); !s)
                   return s.error();
                 if (crud->set_owner && !crud->owner(record) &&
                     !auth::allowed((*caller)->role, Action::kCreate, crud->resource,
                                    auth::Ownership::kUnassigned)) {
                   crud->set_owner(record, (*caller)->user_id);
                 }
                 if (crud->check_links) {
                   if (auto s = crud->check_links(**caller, record, nullptr); !s) return s.error();
                 }
                 if (crud->owner) {
                   auto s = check_write(**caller, Action::kCreate, crud->resource, std::nullopt,
                                        crud->owner(record));
                   if (!s) return s.error();
                 }
                 auto created = crud->create(actor_of(**caller), std::move(record));
                 if (!created) return created.error();
                 return record_response(201, to_json(*created),
                                        crud->collection + "/" + std::to_string(created->id));
               },
               {.summary = "Create a " + d.noun,
                .tag = d.tag,
                .responses = {201, 400, 404, 409, 413, 415},
                .request_schema = d.write_schema,
                .response_schema = d.record_schema});
  }
  if (crud->get) {
    router.add(Method::kGet, item_path(crud->collection),
               [crud](const Request& request) -> Result<Response> {
                 auto caller = caller_allowed(request, Action::kRead, crud->resource);
                 if (!caller) return caller.error();
                 auto id = id_param(request);
                 if (!id) return id.error();
                 auto record = get_visible(*crud, **caller, *id);
                 if (!record) return record.error();
                 return record_response(200, to_json(*record));
               },
               {.summary = "Read one " + d.noun,
                .tag = d.tag,
                .responses = {200, 400, 404},
                .response_schema = d.record_schema});
  }
  if (crud->get && crud->update) {
    router.add(Method::kPatch, item_path(crud->collection),
               [crud](const Request& request) -> Result<Response> {
                 auto caller = caller_allowed_any(request, Action::kUpdate, crud->resource);
                 if (!caller) return caller.error();
                 auto id = id_param(request);
                 if (!id) return id.error();
                 auto record = get_visible(*crud, **caller, *id);
                 if (!record) return record.error();
                 std::optional<int64_t> before = crud->owner ? crud->owner(*record) : std::nullopt;
                 std::optional<Record> stored;
                 if (crud->check_links) stored = *record;
                 if (auto s = read_body(*crud, request, Write::kPatch, *record); !s)
                   return s.error();
                 if (crud->check_links) {
                   if (auto s = crud->check_links(**caller, *record, &*stored); !s)
                     return s.error();
                 }
                 if (crud->owner) {
                   auto s = check_write(**caller, Action::kUpdate, crud->resource, before,
                                        crud->owner(*record));
                   if (!s) return s.error();
                 } else if (auto s = authorize(**caller, Action::kUpdate, crud->resource); !s) {
                   return s.error();
                 }
                 auto updated = crud->update(actor_of(**caller), std::move(*record));
                 if (!updated) return updated.error();
                 return record_response(200, to_json(*updated));
               },
               {.summary = "Change the fields of a " + d.noun + " named in the body",
                .tag = d.tag,
                .responses = {200, 400, 404, 409, 413, 415},
                .request_schema = d.write_schema,
                .response_schema = d.record_schema});
  }
  if (crud->get && crud->remove) {
    router.add(Method::kDelete, item_path(crud->collection),
               [crud](const Request& request) -> Result<Response> {
                 auto caller = caller_allowed_any(request, Action::kDelete, crud->resource);
                 if (!caller) return caller.error();
                 auto id = id_param(request);
                 if (!id) return id.error();
                 auto record = get_visible(*crud, **caller, *id);
                 if (!record) return record.error();
                 std::optional<int64_t> owner = crud->owner ? crud->owner(*record) : std::nullopt;
                 auto s = crud->owner
                              ? check_write(**caller, Action::kDelete, crud->resource, owner, owner)
                              : authorize(**caller, Action::kDelete, crud->resource);
                 if (!s) return s.error();
                 if (auto r = crud->remove(actor_of(**caller), *id); !r) return r.error();
                 return Response::text(204, "text/plain", "");
               },
               {.summary = "Delete a " + d.noun, .tag = d.tag, .responses = {204, 400, 404, 409}});
  }
}

template <typename E>
void RecordFields::enumeration(std::string_view name, E& out, std::span<const E> values) {
  if (!wanted(name)) return;
  // Every enumerated field has a default, so a create may leave it out.
  auto text = f_.string(name, write_ == Write::kCreate ? Presence::kOptional : Presence::kRequired);
  if (!text) return;
  for (E v : values) {
    if (to_string(v) == *text) {
      out = v;
      return;
    }
  }
  std::string allowed;
  for (E v : values) allowed += (allowed.empty() ? "" : ", ") + std::string(to_string(v));
  f_.fail(std::string(name), "must be one of: " + allowed);
}

}  // namespace icrm::api
