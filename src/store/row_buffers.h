// RowBuffers: where a statement's result columns are read to (SOCI binds
// them by address, so they live as long as the statement), shared by
// query_rows() and the statement cache. Internal to src/store/, like
// sql_support.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/sql_support.h"

namespace icrm::store {

struct RowBuffers {
  std::vector<std::string> text;
  std::vector<double> reals;
  std::vector<soci::indicator> nulls;
  uint64_t real_columns = 0;
  // Sizes the buffers and binds them to `st` as its intos; bit i of
  // `real_columns` reads column i as a double.
  void bind(soci::statement& st, size_t columns, uint64_t real_columns);
  // The row just fetched; a double as the shortest text that reads back to
  // the same bits.
  SqlRow row() const;
};

}  // namespace icrm::store
