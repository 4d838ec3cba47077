// parse_json_body and JsonFields on arbitrary bytes: a body of any shape
// must give an object or an Error, and reading its fields with every reader
// (as the route handlers do) must give values or field errors, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/json_body.h"

using icrm::api::JsonFields;
using icrm::api::Presence;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  icrm::api::Request request;
  request.headers.add("Content-Type", "application/json; charset=utf-8");
  request.body.assign(reinterpret_cast<const char*>(data), size);
  auto object = icrm::api::parse_json_body(request);
  if (!object) return 0;
  JsonFields f(*object);
  (void)f.string("name", Presence::kRequired);
  (void)f.string("email", Presence::kOptional, 16);
  (void)f.one_of("status", Presence::kOptional, {"new", "won", "lost"});
  (void)f.integer("expected_value", Presence::kOptional, 0, 1'000'000'000);
  (void)f.integer("id", Presence::kOptional, INT64_MIN, INT64_MAX);
  (void)f.number("score", Presence::kOptional, -1.0, 1.0);
  (void)f.boolean("disabled", Presence::kOptional);
  (void)f.flat_object("attributes", Presence::kOptional);
  (void)f.present("owner_id");
  (void)f.is_null("owner_id");
  (void)f.finish();
  return 0;
}
