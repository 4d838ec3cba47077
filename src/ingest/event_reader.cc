#include "ingest/event_reader.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <charconv>

namespace icrm::ingest {
namespace {

namespace json = boost::json;

json::parse_options event_parse_options(size_t depth) {
  json::parse_options o;
  o.max_depth = depth;
  o.allow_invalid_utf8 = false;
  o.allow_comments = false;
  o.allow_trailing_commas = false;
  return o;
}

std::string where(std::string_view text, size_t consumed, const boost::system::error_code& ec) {
  if (ec == json::error::too_deep) {
    return "JSON is nested deeper than " + std::to_string(kMaxEventJsonDepth) + " levels";
  }
  if (ec == json::error::syntax && consumed < text.size() &&
      static_cast<unsigned char>(text[consumed]) >= 0x80) {
    return "JSON is not valid UTF-8 near byte " + std::to_string(consumed);
  }
  return "malformed JSON near byte " + std::to_string(consumed) + ": " + ec.message();
}

Error wrong_type(std::string_view field, std::string_view expected) {
  return Error::invalid(std::string(field) + " must be " + std::string(expected),
                        std::string(field));
}

// Validates one item of the input into `out`, or records why not.
void read_item(const json::value& item, size_t index, const ingest::EventTypeRegistry& types,
               const Clock& clock, ParsedEvents& out) {
  if (!item.is_object()) {
    out.rejected.push_back({index, "", "an event must be a JSON object"});
    return;
  }
  auto event = read_event(item.get_object(), types, clock);
  if (!event) {
    out.rejected.push_back({index, event.error().field, event.error().message});
    return;
  }
  out.events.push_back(std::move(*event));
  out.positions.push_back(index);
}

// Parses all of `text` as one JSON value (json::parser treats it as the
// complete input: done, or an error); on error *consumed is where it stopped.
boost::system::error_code parse_whole(json::parser& p, std::string_view text, size_t* consumed) {
  boost::system::error_code ec;
  *consumed = p.write(text.data(), text.size(), ec);
  return ec;
}

bool blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

}  // namespace

Result<ingest::Event> read_event(const json::object& object, const ingest::EventTypeRegistry& types,
                                 const Clock& clock) {
  ingest::EventFields f;
  char id_digits[24];
  std::string attrs;
  for (const auto& [key, v] : object) {
    if (key == "id") {
      if (v.is_string()) {
        f.id = v.get_string();
      } else if (v.is_int64() || v.is_uint64()) {
        auto r = v.is_int64()
                     ? std::to_chars(id_digits, id_digits + sizeof id_digits, v.get_int64())
                     : std::to_chars(id_digits, id_digits + sizeof id_digits, v.get_uint64());
        f.id = std::string_view(id_digits, static_cast<size_t>(r.ptr - id_digits));
      } else if (!v.is_null()) {
        return wrong_type("id", "a string or an integer");
      }
    } else if (key == "entity" || key == "type" || key == "ts") {
      if (!v.is_string()) return wrong_type(key, "a string");
      (key == "entity" ? f.entity : key == "type" ? f.type : f.ts) = v.get_string();
    } else if (key == "value") {
      if (v.is_number()) {
        f.value = v.to_number<double>();
      } else if (!v.is_null()) {
        return wrong_type("value", "a number");
      }
    } else if (key == "attrs") {
      if (v.is_object()) {
        attrs = json::serialize(v);
        f.attrs = attrs;
        f.attrs_keys = v.get_object().size();
      } else if (!v.is_null()) {
        return wrong_type("attrs", "a JSON object");
      }
    } else {
      std::string name(key.substr(0, 64));
      return Error::invalid("unknown field '" + name + "' (put extra data in attrs)", name);
    }
  }
  if (f.entity.empty() && !object.contains("entity"))
    return Error::invalid("entity is required", "entity");
  if (f.type.empty() && !object.contains("type")) return Error::invalid("type is required", "type");
  return ingest::validate_event(f, types, clock);
}

Result<ParsedEvents> read_events(std::string_view body, EventBodyFormat format,
                                 const ingest::EventTypeRegistry& types, const Clock& clock,
                                 size_t max_events) {
  ParsedEvents out;
  // One arena for the whole body's DOM: a few large allocations, not one per value.
  json::monotonic_resource arena;
  auto too_many = [max_events] {
    return Error::too_large(
        "more than " + std::to_string(max_events) + " events in one request; split it", "body");
  };
  if (format == EventBodyFormat::kJsonArray) {
    json::parser p(json::storage_ptr(), event_parse_options(kMaxEventJsonDepth + 1));
    p.reset(&arena);
    size_t consumed = 0;
    if (auto ec = parse_whole(p, body, &consumed)) {
      return Error::invalid(where(body, consumed, ec), "body");
    }
    json::value v = p.release();
    if (!v.is_array()) {
      return Error::invalid("the body must be a JSON array of events (or NDJSON: one per line)",
                            "body");
    }
    const json::array& items = v.get_array();
    if (items.size() > max_events) return too_many();
    out.received = items.size();
    out.events.reserve(items.size());
    out.positions.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) read_item(items[i], i, types, clock, out);
    return out;
  }

  size_t lines = 0;
  for (size_t pos = 0; pos < body.size();) {
    size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    if (!blank(body.substr(pos, end - pos)) && ++lines > max_events) return too_many();
    pos = end + 1;
  }
  out.received = lines;
  out.events.reserve(lines);
  out.positions.reserve(lines);
  json::parser p(json::storage_ptr(), event_parse_options(kMaxEventJsonDepth));
  size_t index = 0;
  for (size_t pos = 0; pos < body.size();) {
    size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(pos, end - pos);
    pos = end + 1;
    if (blank(line)) continue;
    p.reset(&arena);
    size_t consumed = 0;
    if (auto ec = parse_whole(p, line, &consumed)) {
      out.rejected.push_back({index++, "", where(line, consumed, ec)});
      continue;
    }
    read_item(p.release(), index++, types, clock, out);
  }
  return out;
}

}  // namespace icrm::ingest
