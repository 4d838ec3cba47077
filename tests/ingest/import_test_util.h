// Helpers for the import tests: temporary files and running an import or an
// export on a test database.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/clock.h"
#include "ingest/exporter.h"
#include "ingest/importer.h"

namespace icrm::ingest::testing {

// A directory removed with the object.
class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("icrm-import-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    auto p = (path_ / name).string();
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  std::string path(const std::string& name) const { return (path_ / name).string(); }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::filesystem::path path_;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string export_text(store::Database& db, RecordKind kind, ExportFormat f = ExportFormat::kCsv) {
  std::ostringstream out;
  auto n = export_records(db, kind, f, out);
  if (!n) return "ERROR: " + n.error().to_string();
  return out.str();
}

}  // namespace icrm::ingest::testing
