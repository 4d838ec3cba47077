// Reading fields out of JSON that came from a file (a saved model): every
// missing or mistyped field becomes an Error naming its path, never an
// exception, so a corrupted file gets a clear message.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace icrm::features {

class JsonFields {
 public:
  // `where` prefixes messages ("model file: spec.columns[3]").
  // Both keep a reference to the JSON: it must outlive this object.
  JsonFields(const boost::json::value& v, std::string where);
  JsonFields(const boost::json::object& o, std::string where);

  bool ok() const { return ok_; }
  const Error& error() const { return error_; }
  const std::string& where() const { return where_; }

  // Each returns a default and records the first error when the field is
  // absent or has the wrong type.
  std::string str(std::string_view key);
  double num(std::string_view key);
  std::int64_t integer(std::string_view key);
  bool boolean(std::string_view key);
  std::vector<double> nums(std::string_view key);
  std::vector<std::string> strs(std::string_view key);
  const boost::json::array& arr(std::string_view key);
  const boost::json::object& obj(std::string_view key);
  bool has(std::string_view key) const;

  void fail(std::string message);

 private:
  const boost::json::value* get(std::string_view key, const char* type);
  const boost::json::object* obj_ = nullptr;
  std::string where_;
  bool ok_ = true;
  Error error_;
};

}  // namespace icrm::features
