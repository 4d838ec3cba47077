#include "ingest/rejects_writer.h"

namespace icrm::ingest {

Result<std::unique_ptr<RejectsWriter>> RejectsWriter::open(const std::string& path,
                                                           std::vector<std::string> columns) {
  std::unique_ptr<RejectsWriter> w(new RejectsWriter());
  w->out_.open(path, std::ios::binary | std::ios::trunc);
  if (!w->out_) return Error::unavailable("cannot write the rejects file " + path);
  w->path_ = path;
  w->csv_ = std::make_unique<CsvWriter>(w->out_);
  w->width_ = columns.size();
  columns.emplace_back("error");
  w->csv_->write_row(columns);
  return w;
}

void RejectsWriter::write(std::span<const std::string_view> fields, std::string_view error) {
  row_.assign(fields.begin(), fields.end());
  row_.resize(width_);
  row_.push_back(error);
  csv_->write_row(row_);
  ++written_;
}

Status RejectsWriter::close() {
  out_.flush();
  if (!out_) return Error::unavailable("cannot write the rejects file " + path_);
  out_.close();
  return {};
}

}  // namespace icrm::ingest
