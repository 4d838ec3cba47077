#include "api/import_routes.h"

#include <fmt/format.h>

#include "api/resource_routes.h"

namespace icrm::api {
namespace {

auth::Resource resource_of(ingest::RecordKind kind) {
  switch (kind) {
    case ingest::RecordKind::kCustomers:
      return auth::Resource::kCustomer;
    case ingest::RecordKind::kLeads:
      return auth::Resource::kLead;
    case ingest::RecordKind::kProducts:
      return auth::Resource::kProduct;
    case ingest::RecordKind::kTransactions:
      return auth::Resource::kTransaction;
    case ingest::RecordKind::kActivities:
      return auth::Resource::kActivity;
    case ingest::RecordKind::kCommunications:
      return auth::Resource::kCommunication;
  }
  return auth::Resource::kSettings;
}

bool may_import(const Caller& caller, ingest::RecordKind kind, auth::Action action) {
  return auth::allowed(caller.role, action, resource_of(kind), auth::Ownership::kOthers);
}

Result<bool> flag(const Request& request, std::string_view name) {
  auto v = request.query_param(name);
  if (!v || *v == "false") return false;
  if (*v == "true") return true;
  return Error::invalid(fmt::format("{} must be true or false", name), std::string(name));
}

// The file inside a multipart/form-data body: the first part with a
// filename, else the first part.
Result<std::string_view> multipart_file(std::string_view content_type, std::string_view body) {
  auto at = content_type.find("boundary=");
  if (at == std::string_view::npos)
    return Error::invalid("multipart body without a boundary", "body");
  std::string_view b = content_type.substr(at + 9);
  b = b.substr(0, b.find(';'));
  if (b.size() >= 2 && b.front() == '"' && b.back() == '"') b = b.substr(1, b.size() - 2);
  std::string delimiter = "--" + std::string(b);
  std::optional<std::string_view> first, with_name;
  for (std::size_t pos = body.find(delimiter); pos != std::string_view::npos;) {
    std::size_t head = pos + delimiter.size();
    if (body.substr(head, 2) == "--") break;  // closing delimiter
    std::size_t head_end = body.find("\r\n\r\n", head);
    if (head_end == std::string_view::npos) break;
    std::size_t next = body.find("\r\n" + delimiter, head_end + 4);
    if (next == std::string_view::npos)
      return Error::invalid("multipart body is not closed", "body");
    std::string_view headers = body.substr(head, head_end - head);
    std::string_view content = body.substr(head_end + 4, next - head_end - 4);
    if (!first) first = content;
    if (!with_name && headers.find("filename=") != std::string_view::npos) with_name = content;
    pos = next + 2;
  }
  if (with_name) return *with_name;
  if (first) return *first;
  return Error::invalid("multipart body has no part", "body");
}

Result<ingest::ImportOptions> options_from(const Request& request) {
  ingest::ImportOptions o;
  auto kind = store::parse_entity(request.query_param("kind").value_or(""));
  if (!kind)
    return Error::invalid(
        "kind must be customers, leads, products, transactions, activities or communications",
        "kind");
  o.kind = *kind;
  if (auto v = request.query_param("format")) {
    auto f = ingest::parse_input_format(*v);
    if (!f) return Error::invalid(f.error().message, "format");
    o.format = *f;
  } else {
    auto type = request.headers.get("Content-Type").value_or("");
    bool lines = type.find("ndjson") != std::string_view::npos ||
                 type.find("jsonl") != std::string_view::npos;
    o.format = lines ? ingest::InputFormat::kJsonl : ingest::InputFormat::kCsv;
  }
  if (auto v = request.query_param("delimiter")) {
    if (v->size() != 1) return Error::invalid("delimiter must be one character", "delimiter");
    o.delimiter = (*v)[0];
  }
  if (auto v = request.query_param("encoding")) {
    auto e = ingest::parse_encoding(*v);
    if (!e) return Error::invalid(e.error().message, "encoding");
    o.encoding = *e;
  }
  if (auto v = request.query_param("key")) {
    auto k = ingest::parse_duplicate_key(*v);
    if (!k) return Error::invalid(k.error().message, "key");
    o.key = *k;
  }
  if (auto v = request.query_param("on_duplicate")) {
    auto d = ingest::parse_on_duplicate(*v);
    if (!d) return Error::invalid(d.error().message, "on_duplicate");
    o.on_duplicate = *d;
  }
  auto atomic = flag(request, "atomic");
  if (!atomic) return atomic.error();
  auto dry_run = flag(request, "dry_run");
  if (!dry_run) return dry_run.error();
  o.atomic = *atomic;
  o.dry_run = *dry_run;
  for (const auto& [name, value] : request.query)
    if (name == "map") o.map.push_back(value);
  return o;
}

constexpr const char* kImportJobSchema =
    R"({"type":"object","properties":{"id":{"type":"integer"},"kind":{"type":"string"},)"
    R"("status":{"enum":["queued","running","succeeded","failed"]},"bytes":{"type":"integer"},)"
    R"("rows_read":{"type":"integer"},"summary":{"type":["object","null"],"properties":{"rows":{"type":"integer"},)"
    R"("imported":{"type":"integer"},"updated":{"type":"integer"},"skipped":{"type":"integer"},)"
    R"("rejected":{"type":"integer"},"seconds":{"type":"number"}}},)"
    R"("rejected_rows":{"type":"array","items":{"type":"object","properties":{"row":{"type":"integer"},)"
    R"("line":{"type":"integer"},"error":{"type":"string"}}}},"rejected_rows_truncated":{"type":"boolean"},)"
    R"("error":{"type":["string","null"]},"created_at":{"type":"string"},)"
    R"("started_at":{"type":["string","null"]},"finished_at":{"type":["string","null"]}}})";

}  // namespace

void add_import_routes(Router& router, std::shared_ptr<app::ImportJobRunner> runner,
                       std::size_t max_upload_bytes) {
  router.add(
      Method::kPost, kImportUploadPath,
      [runner, max_upload_bytes](const Request& request) -> Result<Response> {
        auto caller = require_caller(request);
        if (!caller) return caller.error();
        auto options = options_from(request);
        if (!options) return options.error();
        if (!may_import(**caller, options->kind, auth::Action::kCreate) ||
            (options->on_duplicate == ingest::OnDuplicate::kUpdate &&
             !may_import(**caller, options->kind, auth::Action::kUpdate)))
          return Error::permission_denied(
              fmt::format("importing {} is for those who may create them for anyone",
                          store::entity_name(options->kind)));
        if (request.body.size() > max_upload_bytes)
          return Error::too_large(
              fmt::format("The upload is larger than {} bytes.", max_upload_bytes), "body");
        std::string_view file = request.body;
        auto type = request.headers.get("Content-Type").value_or("");
        if (type.starts_with("multipart/form-data")) {
          auto part = multipart_file(type, request.body);
          if (!part) return part.error();
          file = *part;
        }
        if (file.empty()) return Error::invalid("the upload is empty", "body");
        options->audit_user_id = (*caller)->user_id;
        auto job = runner->submit(std::move(*options), std::string(file), (*caller)->user_id);
        if (!job) return job.error();
        Response r = Response::json(202, to_json(*job));
        r.headers.set("Location", fmt::format("{}/{}", kImportUploadPath, job->id));
        return r;
      },
      {.summary =
           "Import a CSV or JSONL file of records in the background (the same mapping, checks "
           "and duplicate handling as `insightcrm import`): 202 with a job to poll at its Location",
       .tag = "imports",
       .responses = {202, 400, 403, 413, 429},
       .response_schema = kImportJobSchema,
       .query = {"kind", "format", "delimiter", "encoding", "key", "on_duplicate", "atomic",
                 "dry_run", "map"}});

  router.add(
      Method::kGet, std::string(kImportUploadPath) + "/{id}",
      [runner](const Request& request) -> Result<Response> {
        auto caller = require_caller(request);
        if (!caller) return caller.error();
        auto id = id_param(request);
        if (!id) return id.error();
        auto job = runner->get(*id);
        auto kind =
            job ? store::parse_entity(job->kind) : Result<ingest::RecordKind>(Error::internal(""));
        if (!job || !kind ||
            (job->user_id != (*caller)->user_id &&
             !may_import(**caller, *kind, auth::Action::kCreate)))
          return Error::not_found(
              fmt::format("no import {} (jobs are kept by the instance that took them)", *id));
        return Response::json(200, to_json(*job));
      },
      {.summary = "An import job: queued, running (rows read so far), succeeded (counts) or failed "
                  "(reason), with the refused rows' row, line and reason",
       .tag = "imports",
       .responses = {200, 400, 404},
       .response_schema = kImportJobSchema});
}

}  // namespace icrm::api
