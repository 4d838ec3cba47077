// CSV export of a resource: GET <collection>.csv (/api/v1/customers.csv) with
// the same filters, search, sort and visibility as the JSON list, every
// matching record in one text/csv response. Columns are the record's fields
// as served (its JSON schema's properties, in order); custom attributes are
// one JSON text cell. Cells a spreadsheet would run as a formula (text
// starting with = + - @, a tab or a carriage return) get a leading
// apostrophe; numbers are written as they are.
//
// The response is built in memory (the router answers whole bodies), so at
// most kMaxCsvExportRows records: more is refused with 400 asking for
// narrower filters.
#pragma once

#include <boost/json/object.hpp>

#include <memory>
#include <string>
#include <vector>

#include "api/resource_routes.h"

namespace icrm::api {

inline constexpr std::size_t kMaxCsvExportRows = 200'000;

// The column names of a record schema (its properties, in order).
std::vector<std::string> csv_columns(const std::string& record_schema);
// One record as a CSV line (with its line end) over `columns`.
void append_csv_record(std::string& out, const std::vector<std::string>& columns,
                       const boost::json::object& record);
// One cell as a spreadsheet may safely open it.
std::string csv_safe_cell(const boost::json::value& value);
Response csv_response(std::string body, const std::string& filename);

template <typename Record>
void add_csv_export_route(Router& router, std::shared_ptr<Crud<Record>> crud) {
  const CrudDoc& d = crud->doc;
  auto columns = std::make_shared<std::vector<std::string>>(csv_columns(d.record_schema));
  std::string filename = crud->collection.substr(crud->collection.rfind('/') + 1) + ".csv";
  router.add(
      Method::kGet, crud->collection + ".csv",
      [crud, columns, filename](const Request& request) -> Result<Response> {
        auto caller = caller_allowed(request, auth::Action::kRead, crud->resource);
        if (!caller) return caller.error();
        auto query = list_query_from(request);
        if (!query) return query.error();
        if (auto s = restrict_to_visible(**caller, crud->resource, *query); !s) return s.error();
        query->limit = store::kMaxListLimit;
        query->cursor.clear();
        std::string body;
        for (std::size_t i = 0; i < columns->size(); ++i) {
          if (i) body += ',';
          body += (*columns)[i];
        }
        body += '\n';
        std::size_t rows = 0;
        while (true) {
          auto page = crud->list(*query);
          if (!page) return page.error();
          rows += page->items.size();
          if (rows > kMaxCsvExportRows)
            return Error::invalid("more than " + std::to_string(kMaxCsvExportRows) +
                                      " records match; narrow the export with filters",
                                  "filters");
          for (const Record& r : page->items)
            append_csv_record(body, *columns, to_json(r));
          if (page->next_cursor.empty()) break;
          query->cursor = page->next_cursor;
        }
        return csv_response(std::move(body), filename);
      },
      {.summary = "Every " + d.noun + " the list would return (same filters, search and sort) as "
                  "CSV, formula-like text cells neutralised",
       .tag = d.tag,
       .responses = {200, 400, 403},
       .query = list_query_doc(d.list)});
}

}  // namespace icrm::api
