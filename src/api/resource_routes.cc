#include "api/resource_routes.h"

#include <algorithm>
#include <boost/json/value.hpp>
#include <charconv>
#include <limits>

#include "store/attributes.h"

namespace icrm::api {
namespace {

namespace json = boost::json;

std::optional<int64_t> parse_positive(std::string_view text) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || v <= 0) {
    return std::nullopt;
  }
  return v;
}

constexpr std::size_t kCurrencyCodeBytes = 3;
constexpr std::string_view kListParams[] = {"limit", "cursor", "q", "sort"};

}  // namespace

Result<store::ListQuery> list_query_from(const Request& request) {
  store::ListQuery query;
  std::vector<FieldError> errors;
  std::vector<std::string_view> seen;
  for (const auto& [key, value] : request.query) {
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      errors.push_back({key, "may be given only once"});
      continue;
    }
    seen.push_back(key);
    if (key == "limit") {
      auto n = parse_positive(value);
      if (!n || *n > static_cast<int64_t>(kMaxPageSize)) {
        errors.push_back({key, "must be an integer between 1 and " + std::to_string(kMaxPageSize)});
      } else {
        query.limit = static_cast<size_t>(*n);
      }
    } else if (key == "cursor") {
      query.cursor = value;
    } else if (key == "q") {
      query.q = value;
    } else if (key == "sort") {
      query.sort = value;
    } else {
      query.filters[key] = value;
    }
  }
  if (errors.empty()) return query;
  Error e = Error::invalid(errors.size() == 1
                               ? errors.front().field + " " + errors.front().message
                               : std::to_string(errors.size()) + " query parameters are invalid",
                           errors.front().field);
  e.details = std::move(errors);
  return e;
}

Response page_response(json::array items, const std::string& next_cursor) {
  json::object out;
  out["items"] = std::move(items);
  out["next_cursor"] = next_cursor.empty() ? json::value(nullptr) : json::value(next_cursor);
  return Response::json(200, json::serialize(out));
}

Result<int64_t> positive_param(const Request& request, std::string_view name, int64_t max) {
  auto text = request.query_param(name);
  if (!text) return int64_t{0};
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || end != text->data() + text->size() || n < 1 || n > max)
    return Error::invalid(
        std::string(name) + " must be an integer from 1 to " + std::to_string(max),
        std::string(name));
  return n;
}

Result<int64_t> id_param(const Request& request, std::string_view name) {
  auto id = parse_positive(request.path_param(name).value_or(""));
  if (!id)
    return Error::invalid(std::string(name) + " must be a positive integer", std::string(name));
  return *id;
}

Response record_response(int status, const json::object& record, const std::string& location) {
  Response r = Response::json(status, json::serialize(record));
  if (!location.empty()) r.headers.set("Location", location);
  return r;
}

bool RecordFields::wanted(std::string_view name) {
  if (write_ == Write::kCreate || f_.present(name)) return true;
  f_.allow(name);
  return false;
}

const store::schema::Field& RecordFields::field(std::string_view name) const {
  return schema_->field(name);
}

void RecordFields::text(std::string_view name, std::string& out) {
  text(name, out, field(name).max_bytes);
}

void RecordFields::optional_text(std::string_view name, std::optional<std::string>& out) {
  optional_text(name, out, field(name).max_bytes);
}

void RecordFields::integer(std::string_view name, int64_t& out) {
  integer(name, out, field(name).min, field(name).max);
}

void RecordFields::optional_integer(std::string_view name, std::optional<int64_t>& out) {
  optional_integer(name, out, field(name).min, field(name).max);
}

void RecordFields::text(std::string_view name, std::string& out, std::size_t max_bytes) {
  if (!wanted(name)) return;
  if (auto v = f_.string(name, Presence::kRequired, max_bytes)) out = std::move(*v);
}

void RecordFields::optional_text(std::string_view name, std::optional<std::string>& out,
                                 std::size_t max_bytes) {
  if (!wanted(name)) return;
  if (f_.is_null(name)) out.reset();
  if (auto v = f_.string(name, Presence::kOptional, max_bytes)) out = std::move(*v);
}

void RecordFields::integer(std::string_view name, int64_t& out, int64_t min, int64_t max) {
  if (!wanted(name)) return;
  if (auto v = f_.integer(name, Presence::kRequired, min, max)) out = *v;
}

void RecordFields::optional_integer(std::string_view name, std::optional<int64_t>& out, int64_t min,
                                    int64_t max) {
  if (!wanted(name)) return;
  if (f_.is_null(name)) out.reset();
  if (auto v = f_.integer(name, Presence::kOptional, min, max)) out = *v;
}

void RecordFields::optional_id(std::string_view name, std::optional<int64_t>& out) {
  optional_integer(name, out, 1, std::numeric_limits<int64_t>::max());
}

void RecordFields::timestamp(std::string_view name, Timestamp& out) {
  if (!wanted(name)) return;
  auto text = f_.string(name, Presence::kRequired, 64);
  if (!text) return;
  auto t = parse_timestamp(*text);
  if (!t) {
    f_.fail(std::string(name), "must be an ISO-8601 UTC time such as 2026-11-23T09:30:00Z");
    return;
  }
  out = *t;
}

void RecordFields::optional_timestamp(std::string_view name, std::optional<Timestamp>& out) {
  if (!wanted(name)) return;
  if (f_.is_null(name)) {
    f_.allow(name);
    out.reset();
    return;
  }
  if (!f_.present(name)) {
    f_.allow(name);
    return;
  }
  Timestamp t{};
  timestamp(name, t);
  out = t;
}

void RecordFields::boolean(std::string_view name, bool& out) {
  if (!wanted(name)) return;
  auto v = f_.boolean(name, write_ == Write::kCreate ? Presence::kOptional : Presence::kRequired);
  if (v) out = *v;
}

void RecordFields::currency(std::string_view name, std::string& out) {
  if (!f_.present(name)) {
    f_.allow(name);
    return;
  }
  // The store checks the shape (three upper-case letters) and names the field.
  if (auto v = f_.string(name, Presence::kRequired, kCurrencyCodeBytes)) out = std::move(*v);
}

void RecordFields::attributes(std::string_view name, json::object& out) {
  if (!wanted(name)) return;
  if (f_.is_null(name)) {
    f_.allow(name);
    if (write_ == Write::kPatch) out.clear();
    return;
  }
  auto given = f_.flat_object(name, Presence::kOptional);
  if (!given) return;
  if (write_ == Write::kCreate) {
    out = std::move(*given);
  } else {
    for (const auto& [key, value] : *given) {
      if (value.is_null()) {
        out.erase(key);
      } else {
        out[key] = value;
      }
    }
  }
  if (auto s = store::check_attributes(out); !s) f_.fail(s.error().field, s.error().message);
}

void RecordFields::read_only(std::initializer_list<std::string_view> names, std::string_view why) {
  for (auto name : names) {
    f_.allow(name);
    if (f_.present(name)) f_.fail(std::string(name), "is read-only: " + std::string(why));
  }
}

Result<const Caller*> caller_allowed(const Request& request, auth::Action action,
                                     auth::Resource resource, auth::Ownership ownership) {
  auto caller = require_caller(request);
  if (!caller) return caller;
  if (auto s = authorize(**caller, action, resource, ownership); !s) return s.error();
  return caller;
}

Result<const Caller*> caller_allowed_any(const Request& request, auth::Action action,
                                         auth::Resource resource) {
  auto caller = require_caller(request);
  if (!caller) return caller;
  for (auto o : auth::kAllOwnerships) {
    if (auth::allowed((*caller)->role, action, resource, o)) return caller;
  }
  return authorize(**caller, action, resource).error();
}

Status restrict_to_visible(const Caller& caller, auth::Resource resource, store::ListQuery& query) {
  switch (auth::list_scope(caller.role, resource)) {
    case auth::ListScope::kAll:
      return {};
    case auth::ListScope::kOwnAndUnassigned:
      query.visible_to_owner = caller.user_id;
      return {};
    case auth::ListScope::kOwn: {
      // Asking for someone else's records finds none of them.
      std::string own = std::to_string(caller.user_id);
      auto it = query.filters.find("owner_id");
      if (it != query.filters.end() && it->second != own) {
        return Error::permission_denied("a " + std::string(store::role_name(caller.role)) +
                                        " sees only their own " +
                                        std::string(auth::resource_name(resource)) + " records");
      }
      query.filters["owner_id"] = own;
      return {};
    }
    case auth::ListScope::kNone:
      break;
  }
  return authorize(caller, auth::Action::kRead, resource);
}

bool visible_to(const Caller& caller, auth::Resource resource, std::optional<int64_t> owner) {
  return auth::visible(caller.role, resource, ownership_for(caller, owner));
}

auth::Ownership ownership_for(const Caller& caller, std::optional<int64_t> owner) {
  return auth::ownership_of(owner.value_or(0), caller.user_id);
}

Status check_write(const Caller& caller, auth::Action action, auth::Resource resource,
                   std::optional<int64_t> owner_before, std::optional<int64_t> owner_after) {
  auto before = action == auth::Action::kCreate ? owner_after : owner_before;
  if (auto s = authorize(caller, action, resource, ownership_for(caller, before)); !s) return s;
  bool assigns = action == auth::Action::kCreate
                     ? owner_after.has_value() && *owner_after != caller.user_id
                     : owner_after != owner_before;
  if (!assigns) return {};
  if (auto s = authorize(caller, auth::Action::kAssignOwner, resource,
                         ownership_for(caller, owner_after));
      !s) {
    Error e = s.error();
    e.field = "owner_id";
    e.details = {{"owner_id", e.message}};
    return e;
  }
  return {};
}

std::string page_schema(const std::string& record_schema) {
  return R"({"type":"object","required":["items","next_cursor"],"properties":{"items":{"type":"array","items":)" +
         record_schema + R"(},"next_cursor":{"type":["string","null"]}}})";
}

std::vector<std::string> list_query_doc(const store::ListCapabilities& list) {
  std::vector<std::string> out(std::begin(kListParams), std::end(kListParams));
  out.insert(out.end(), list.filters.begin(), list.filters.end());
  return out;
}

std::string item_path(const std::string& collection) { return collection + "/{id}"; }

}  // namespace icrm::api
