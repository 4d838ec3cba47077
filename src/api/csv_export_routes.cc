#include "api/csv_export_routes.h"

#include <spdlog/spdlog.h>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "ingest/csv_writer.h"

namespace icrm::api {

std::vector<std::string> csv_columns(const std::string& record_schema) {
  std::vector<std::string> out;
  auto schema = boost::json::parse(record_schema).as_object();
  if (const auto* props = schema.if_contains("properties"))
    for (const auto& [name, _] : props->as_object()) out.emplace_back(name);
  return out;
}

std::string csv_safe_cell(const boost::json::value& value) {
  if (value.is_null()) return {};
  if (!value.is_string()) return boost::json::serialize(value);
  return ingest::csv_formula_guarded(value.as_string());
}

void append_csv_record(std::string& out, const std::vector<std::string>& columns,
                       const boost::json::object& record) {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i) out += ',';
    const auto* v = record.if_contains(columns[i]);
    if (v) ingest::append_csv_field(out, csv_safe_cell(*v));
  }
  out += '\n';
}

std::string csv_header_line(const std::vector<std::string>& columns) {
  std::string out;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i) out += ',';
    out += columns[i];
  }
  out += '\n';
  return out;
}

void log_cut_export(const Error& error) {
  spdlog::error("CSV export cut short after its first page: {}", error.to_string());
}

CsvExportEnd audit_csv_export(std::shared_ptr<store::AuditLog> audit, std::string entity,
                              const Request& request, const Caller& caller) {
  boost::json::array parameters;
  for (const auto& [name, value] : request.query) parameters.emplace_back(name);
  boost::json::object details{
      {"format", "csv"}, {"route", request.path}, {"query_parameters", std::move(parameters)}};
  return [audit = std::move(audit), entity = std::move(entity), details = std::move(details),
          actor = actor_of(caller)](int64_t records, bool complete) mutable {
    details["complete"] = complete;
    if (auto s = audit->append_export(actor, entity, records, details); !s)
      spdlog::error("CSV export of {} by {} not written to the audit log: {}", entity,
                    actor.label(), s.error().to_string());
  };
}

Response csv_response(std::string body, const std::string& filename) {
  Response r;
  r.status = 200;
  r.content_type = "text/csv; charset=utf-8";
  r.headers.set("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  r.body = std::move(body);
  return r;
}

}  // namespace icrm::api
