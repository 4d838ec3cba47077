// CSV export of a resource: GET <collection>.csv (/api/v1/customers.csv) with
// the same filters, search, sort and visibility as the JSON list, every
// matching record in one text/csv response. Columns are the record's fields
// as served (its JSON schema's properties, in order); custom attributes are
// one JSON text cell. Cells a spreadsheet would run as a formula get a
// leading apostrophe (ingest::csv_formula_guarded, as `insightcrm export`);
// numbers are written as they are.
//
// The body is streamed (response_stream.h), a list page of
// kCsvExportPageRows records at a time, in HTTP/1.1 chunks: memory holds one
// page whatever the table's size. The header line and the first page are
// read before the handler returns, so a bad query is still a 400; a database
// error after that ends the body without its last chunk, which a client sees
// as a cut download, never as a shorter file.
//
// Each export is one audit log entry (action "export", entity the
// collection), written when the body ends: the caller, the records sent, the
// query parameters' names (not their values, which may be search text) and
// whether the body was whole.
#pragma once

#include <boost/json/object.hpp>
#include <memory>
#include <string>
#include <vector>

#include "api/resource_routes.h"
#include "api/response_stream.h"
#include "store/audit_log.h"

namespace icrm::api {

// Records read per page of an export (and so held in memory at once).
inline constexpr std::size_t kCsvExportPageRows = store::kMaxListLimit;

// The column names of a record schema (its properties, in order).
std::vector<std::string> csv_columns(const std::string& record_schema);
// One record as a CSV line (with its line end) over `columns`.
void append_csv_record(std::string& out, const std::vector<std::string>& columns,
                       const boost::json::object& record);
// One cell as a spreadsheet may safely open it.
std::string csv_safe_cell(const boost::json::value& value);
Response csv_response(std::string body, const std::string& filename);
// The header line of a CSV over `columns`.
std::string csv_header_line(const std::vector<std::string>& columns);
// Logs an export cut short by `error` after its first page.
void log_cut_export(const Error& error);

// How an export ended, told once to its audit entry: records sent, whole or not.
using CsvExportEnd = std::function<void(int64_t records, bool complete)>;
// The audit entry of one CSV export of `entity` by `request`'s caller.
CsvExportEnd audit_csv_export(std::shared_ptr<store::AuditLog> audit, std::string entity,
                              const Request& request, const Caller& caller);

// One export being written: `ready` (the header line and the first page)
// goes out first, then each take() reads the page after `query.cursor`.
// Thread-safety: the server calls take() and close() one at a time.
template <typename Record>
class CsvExportStream final : public ResponseStream {
 public:
  CsvExportStream(std::shared_ptr<const Crud<Record>> crud,
                  std::shared_ptr<const std::vector<std::string>> columns, store::ListQuery query,
                  std::string ready, int64_t ready_records, CsvExportEnd on_end)
      : crud_(std::move(crud)),
        columns_(std::move(columns)),
        query_(std::move(query)),
        ready_(std::move(ready)),
        ready_records_(ready_records),
        on_end_(std::move(on_end)) {}
  // A stream the server never took to its end (HEAD, a stopping server).
  ~CsvExportStream() override { end(); }

  void open(std::function<void()> wake) override { wake(); }

  bool take(std::string& out) override {
    bool more = next(out);
    if (!more) end();
    return more;
  }

  void close() override {
    if (!closed_ && !query_.cursor.empty()) complete_ = false;  // the client left early
    closed_ = true;
    end();
  }
  bool chunked() const override { return true; }
  bool complete() const override { return complete_; }

 private:
  std::shared_ptr<const Crud<Record>> crud_;
  std::shared_ptr<const std::vector<std::string>> columns_;
  store::ListQuery query_;  // its cursor: the next page; empty: none
  std::string ready_;
  int64_t ready_records_;
  int64_t sent_ = 0;  // records handed to the server
  CsvExportEnd on_end_;
  bool closed_ = false;
  bool complete_ = true;

  bool next(std::string& out) {
    if (!ready_.empty()) {
      out += ready_;
      ready_.clear();
      ready_.shrink_to_fit();
      sent_ += ready_records_;
      return !query_.cursor.empty();
    }
    if (closed_ || query_.cursor.empty()) return false;
    auto page = crud_->list(query_);
    if (!page) {
      log_cut_export(page.error());
      complete_ = false;
      return false;
    }
    for (const Record& r : page->items) append_csv_record(out, *columns_, to_json(r));
    sent_ += static_cast<int64_t>(page->items.size());
    query_.cursor = std::move(page->next_cursor);
    return !query_.cursor.empty();
  }
  // Tells on_end_ once.
  void end() {
    if (!on_end_) return;
    auto told = std::move(on_end_);
    on_end_ = nullptr;
    told(sent_, complete_ && ready_.empty());
  }
};

template <typename Record>
void add_csv_export_route(Router& router, std::shared_ptr<Crud<Record>> crud,
                          std::shared_ptr<store::AuditLog> audit) {
  const CrudDoc& d = crud->doc;
  auto columns = std::make_shared<const std::vector<std::string>>(csv_columns(d.record_schema));
  std::string filename = crud->collection.substr(crud->collection.rfind('/') + 1) + ".csv";
  router.add(Method::kGet, crud->collection + ".csv",
             [crud, columns, filename, audit](const Request& request) -> Result<Response> {
               auto caller = caller_allowed(request, auth::Action::kRead, crud->resource);
               if (!caller) return caller.error();
               auto query = list_query_from(request);
               if (!query) return query.error();
               if (auto s = restrict_to_visible(**caller, crud->resource, *query); !s)
                 return s.error();
               query->limit = kCsvExportPageRows;
               query->cursor.clear();
               auto page = crud->list(*query);
               if (!page) return page.error();
               std::string first = csv_header_line(*columns);
               for (const Record& r : page->items) append_csv_record(first, *columns, to_json(r));
               query->cursor = std::move(page->next_cursor);
               Response response = csv_response({}, filename);
               response.stream = std::make_shared<CsvExportStream<Record>>(
                   crud, columns, std::move(*query), std::move(first),
                   static_cast<int64_t>(page->items.size()),
                   audit_csv_export(audit, crud->doc.tag, request, **caller));
               return response;
             },
             {.summary = "Every " + d.noun +
                         " the list would return (same filters, search and sort) as "
                         "CSV, formula-like text cells neutralised",
              .tag = d.tag,
              .responses = {200, 400, 403},
              .query = list_query_doc(d.list)});
}

}  // namespace icrm::api
