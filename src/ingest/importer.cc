#include "ingest/importer.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <fstream>
#include <unordered_map>

#include "core/time.h"
#include "ingest/rejects_writer.h"
#include "ingest/value_coercion.h"
#include "store/attributes.h"
#include "store/bulk_writer.h"
#include "store/validation.h"

namespace icrm::ingest {

Result<InputFormat> parse_input_format(std::string_view s) {
  if (s == "auto") return InputFormat::kAuto;
  if (s == "csv") return InputFormat::kCsv;
  if (s == "jsonl" || s == "ndjson") return InputFormat::kJsonl;
  return Error::invalid("--format must be csv or jsonl", "format");
}

Result<DuplicateKey> parse_duplicate_key(std::string_view s) {
  if (s == "auto") return DuplicateKey::kAuto;
  if (s == "external_id") return DuplicateKey::kExternalId;
  if (s == "email") return DuplicateKey::kEmail;
  return Error::invalid("--key must be external_id or email", "key");
}

Result<OnDuplicate> parse_on_duplicate(std::string_view s) {
  if (s == "skip") return OnDuplicate::kSkip;
  if (s == "update") return OnDuplicate::kUpdate;
  if (s == "error") return OnDuplicate::kError;
  return Error::invalid("--on-duplicate must be skip, update or error", "on-duplicate");
}

Result<CsvEncoding> parse_encoding(std::string_view s) {
  if (s == "auto") return CsvEncoding::kAuto;
  if (s == "utf-8" || s == "utf8") return CsvEncoding::kUtf8;
  if (s == "latin-1" || s == "latin1" || s == "windows-1252" || s == "cp1252")
    return CsvEncoding::kWindows1252;
  return Error::invalid("--encoding must be auto, utf-8 or latin-1", "encoding");
}

namespace {

using store::KeyColumn;
using store::KeyIndex;

// A row refused: the column at fault (may be empty) and why.
struct RowError {
  std::string column;
  std::string message;
  bool fatal = false;  // the store refused: the open transaction is lost
};

enum class Outcome { kImported, kUpdated, kSkipped };
using RowResult = std::variant<Outcome, RowError>;

// ------------------------------------------------------------ row sources
// One data row: the values of the mapping's columns (missing ones empty).
struct SourceRow {
  std::uint64_t number = 0;  // 1-based data row
  std::uint64_t line = 0;    // physical line it starts on
  std::vector<std::string_view> values;
};

class RowSource {
 public:
  virtual ~RowSource() = default;
  // false at the end; an Error is a row that could not be read (rejected).
  virtual Result<bool> next(SourceRow& row) = 0;
  virtual const std::vector<std::string>& columns() const = 0;
  // The columns of the rejects file and the fields of the current row for it.
  virtual std::vector<std::string> reject_columns() const = 0;
  virtual std::vector<std::string_view> reject_fields(const SourceRow& row) const = 0;
  virtual std::uint64_t line() const = 0;
  HeaderMapping* mapping = nullptr;
};

class CsvSource final : public RowSource {
 public:
  explicit CsvSource(std::unique_ptr<CsvReader> reader) : reader_(std::move(reader)) {}
  Result<bool> next(SourceRow& row) override {
    auto got = reader_->next(record_);
    ++number_;
    if (!got) return got.error();
    if (!*got) return false;
    row.number = number_;
    row.line = record_.line();
    row.values.assign(record_.fields().begin(), record_.fields().end());
    row.values.resize(reader_->header().size());
    return true;
  }
  const std::vector<std::string>& columns() const override { return reader_->header(); }
  std::vector<std::string> reject_columns() const override { return reader_->header(); }
  std::vector<std::string_view> reject_fields(const SourceRow& row) const override {
    return row.values;
  }
  std::uint64_t line() const override { return record_.line(); }
  std::uint64_t number() const { return number_; }

 private:
  std::unique_ptr<CsvReader> reader_;
  CsvRecord record_;
  std::uint64_t number_ = 0;
};

class JsonlSource final : public RowSource {
 public:
  explicit JsonlSource(std::unique_ptr<std::ifstream> in) : in_(std::move(in)) {}
  Result<bool> next(SourceRow& row) override {
    while (true) {
      if (!std::getline(*in_, text_)) return false;
      ++line_;
      if (!text_.empty() && text_.back() == '\r') text_.pop_back();
      if (line_ == 1 && text_.starts_with("\xEF\xBB\xBF")) text_.erase(0, 3);
      if (trim_blanks(text_).empty()) continue;
      break;
    }
    ++number_;
    row.number = number_;
    row.line = line_;
    if (text_.size() > kMaxJsonLineBytes)
      return Error::too_large(
          fmt::format("line {}: longer than {} bytes", line_, kMaxJsonLineBytes));
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(text_, ec);
    if (ec) return Error::invalid(fmt::format("line {}: not valid JSON ({})", line_, ec.message()));
    if (!v.is_object()) return Error::invalid(fmt::format("line {}: not a JSON object", line_));
    storage_.clear();
    storage_.reserve(v.as_object().size());
    std::vector<std::pair<std::size_t, std::size_t>> slots;  // column -> storage index
    for (const auto& kv : v.as_object()) {
      std::string key(kv.key());
      auto it = column_index_.find(key);
      std::size_t col;
      if (it == column_index_.end()) {
        auto added = mapping->add_column(key);
        if (!added) return added.error();
        col = *added;
        column_index_.emplace(key, col);
        columns_.push_back(key);
      } else {
        col = it->second;
      }
      const auto& val = kv.value();
      std::string text;
      if (val.is_string())
        text = std::string(val.as_string());
      else if (val.is_int64())
        text = std::to_string(val.as_int64());
      else if (val.is_uint64())
        text = std::to_string(val.as_uint64());
      else if (val.is_double())
        text = fmt::format("{}", val.as_double());
      else if (val.is_bool())
        text = val.as_bool() ? "true" : "false";
      else if (val.is_null())
        text.clear();
      else
        text = boost::json::serialize(val);
      storage_.push_back(std::move(text));
      slots.emplace_back(col, storage_.size() - 1);
    }
    row.values.assign(columns_.size(), std::string_view());
    for (auto [col, idx] : slots) row.values[col] = storage_[idx];
    return true;
  }
  const std::vector<std::string>& columns() const override { return columns_; }
  std::vector<std::string> reject_columns() const override { return {"json"}; }
  std::vector<std::string_view> reject_fields(const SourceRow&) const override { return {text_}; }
  std::uint64_t line() const override { return line_; }

 private:
  std::unique_ptr<std::ifstream> in_;
  std::string text_;
  std::vector<std::string> storage_;
  std::vector<std::string> columns_;
  std::unordered_map<std::string, std::size_t> column_index_;
  std::uint64_t line_ = 0, number_ = 0;
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// ------------------------------------------------------------- the import
class Import {
 public:
  Import(store::BulkWriter& writer, const ImportOptions& options, const Clock& clock,
         HeaderMapping& mapping)
      : w_(writer), o_(options), clock_(clock), m_(mapping), spec_(kind_spec(options.kind)) {
    now_ = format_timestamp(clock.now());
  }

  Status load_keys();
  RowResult handle(const SourceRow& row);
  Status flush();  // pending sales lines

 private:
  // Access to one row's fields, coerced, with RowErrors naming the column.
  std::string_view raw(const SourceRow& row, std::string_view field) const {
    int c = m_.column_of(field);
    if (c < 0 || static_cast<std::size_t>(c) >= row.values.size()) return {};
    return row.values[static_cast<std::size_t>(c)];
  }
  std::string column(std::string_view field) const {
    int c = m_.column_of(field);
    return c < 0 ? std::string(field) : m_.column_name(static_cast<std::size_t>(c));
  }
  RowError bad(std::string_view field, const Error& e) const { return {column(field), e.message}; }
  RowError bad(std::string_view field, std::string msg) const {
    return {column(field), std::move(msg)};
  }

  // Text: nullopt when empty; an error when longer than the field's limit
  // (its record field's, so the store never refuses what was imported) or
  // what the store refuses (NUL and other control bytes, broken UTF-8).
  std::variant<std::optional<std::string>, RowError> text(const SourceRow& row,
                                                          std::string_view field) const {
    auto v = trim_blanks(raw(row, field));
    if (v.empty()) return std::optional<std::string>();
    const FieldSpec& f = spec_.field(field);
    if (v.size() > f.max_bytes) return bad(field, fmt::format("longer than {} bytes", f.max_bytes));
    if (auto s = store::check_text(f.name, v, f.max_bytes, false); !s) return bad(field, s.error());
    if (f.field->type == store::schema::FieldType::kCurrency) {
      if (auto s = store::check_currency(f.name, v); !s) return bad(field, s.error());
    }
    return std::optional<std::string>(std::string(v));
  }
  std::variant<std::optional<std::string>, RowError> email(const SourceRow& row,
                                                           std::string_view field) const {
    auto v = trim_blanks(raw(row, field));
    if (v.empty()) return std::optional<std::string>();
    auto e = parse_email(v);
    if (!e) return bad(field, e.error());
    const FieldSpec& f = spec_.field(field);
    if (f.field->type == store::schema::FieldType::kEmail) {  // stored, not a user's to look up
      if (auto s = store::check_email(*f.field, *e); !s) return bad(field, s.error());
    }
    return std::optional<std::string>(std::move(*e));
  }
  std::variant<std::optional<Timestamp>, RowError> instant(const SourceRow& row,
                                                           std::string_view field) const {
    auto v = trim_blanks(raw(row, field));
    if (v.empty()) return std::optional<Timestamp>();
    auto t = parse_timestamp(v);
    if (!t) return bad(field, fmt::format("'{}' is not a date/time (ISO-8601 expected)", v));
    return std::optional<Timestamp>(*t);
  }
  // instant() as the store's text ...
  std::variant<std::optional<std::string>, RowError> time(const SourceRow& row,
                                                          std::string_view field) const {
    auto t = instant(row, field);
    if (auto* e = std::get_if<RowError>(&t)) return *e;
    auto& v = std::get<0>(t);
    return v ? std::optional<std::string>(format_timestamp(*v)) : std::nullopt;
  }
  // ... or as microseconds since the epoch (a sale's time, migration 0013).
  std::variant<std::optional<int64_t>, RowError> micros(const SourceRow& row,
                                                        std::string_view field) const {
    auto t = instant(row, field);
    if (auto* e = std::get_if<RowError>(&t)) return *e;
    auto& v = std::get<0>(t);
    return v ? std::optional<int64_t>(to_unix_micros(*v)) : std::nullopt;
  }
  std::variant<std::optional<int64_t>, RowError> money(const SourceRow& row,
                                                       std::string_view field) const {
    auto v = trim_blanks(raw(row, field));
    if (v.empty()) return std::optional<int64_t>();
    auto m = parse_money(v);
    if (!m) return bad(field, m.error());
    return std::optional<int64_t>(*m);
  }
  std::variant<std::optional<int64_t>, RowError> integer(const SourceRow& row,
                                                         std::string_view field) const {
    auto v = trim_blanks(raw(row, field));
    if (v.empty()) return std::optional<int64_t>();
    auto m = parse_integer(v);
    if (!m) return bad(field, m.error());
    return std::optional<int64_t>(*m);
  }
  std::variant<std::optional<std::string>, RowError> choice(const SourceRow& row,
                                                            std::string_view field) const {
    auto v = trim_blanks(raw(row, field));
    if (v.empty()) return std::optional<std::string>();
    int f = spec_.field_index(field);
    auto c = parse_choice(v, spec_.fields[static_cast<std::size_t>(f)].choices);
    if (!c) return bad(field, c.error());
    return std::optional<std::string>(std::move(*c));
  }
  // The custom attributes: the `attributes` JSON column, then every other
  // unmapped column with its inferred type.
  std::variant<std::string, RowError> attributes(const SourceRow& row) const {
    boost::json::object obj;
    auto a = trim_blanks(raw(row, "attributes"));
    if (!a.empty()) {
      auto parsed = parse_attributes(a);
      if (!parsed) return bad("attributes", parsed.error());
      obj = std::move(*parsed);
    }
    for (std::size_t c = 0; c < m_.size() && c < row.values.size(); ++c) {
      const ColumnRole& role = m_.role(c);
      if (role.kind != ColumnRole::kAttribute) continue;
      auto v = trim_blanks(row.values[c]);
      if (v.empty()) continue;
      if (v.size() > kMaxTextFieldBytes)
        return RowError{m_.column_name(c), fmt::format("longer than {} bytes", kMaxTextFieldBytes)};
      obj[role.attribute] = infer_attribute_value(v);
    }
    if (obj.size() > kMaxAttributes)
      return RowError{"attributes", fmt::format("more than {} attributes", kMaxAttributes)};
    // The store's own limits (count, key and value lengths, size).
    if (auto s = store::check_attributes(obj); !s) return bad("attributes", s.error());
    return serialize_attributes(obj);
  }
  std::variant<std::optional<int64_t>, RowError> owner(const SourceRow& row) const {
    auto e = email(row, "owner_email");
    if (auto* err = std::get_if<RowError>(&e)) return *err;
    auto& v = std::get<std::optional<std::string>>(e);
    if (!v) return std::optional<int64_t>();
    auto it = users_.find(lower(*v));
    if (it == users_.end()) return bad("owner_email", fmt::format("no user with email {}", *v));
    return std::optional<int64_t>(it->second);
  }
  std::variant<std::optional<int64_t>, RowError> link(const SourceRow& row, std::string_view field,
                                                      const KeyIndex& index,
                                                      std::string_view what) const {
    auto t = text(row, field);
    if (auto* err = std::get_if<RowError>(&t)) return *err;
    auto& v = std::get<std::optional<std::string>>(t);
    if (!v) return std::optional<int64_t>();
    auto it = index.find(*v);
    if (it == index.end()) return bad(field, fmt::format("no {} with external id '{}'", what, *v));
    return std::optional<int64_t>(it->second);
  }

  RowResult customer(const SourceRow& row);
  RowResult lead(const SourceRow& row);
  RowResult product(const SourceRow& row);
  RowResult transaction(const SourceRow& row);
  RowResult activity(const SourceRow& row);
  RowResult communication(const SourceRow& row);

  // What to do with a record whose key is already taken.
  std::optional<RowResult> duplicate(std::string_view what, int64_t id, std::string_view key_field,
                                     std::string_view key) const {
    if (o_.on_duplicate == OnDuplicate::kSkip) return RowResult(Outcome::kSkipped);
    if (o_.on_duplicate == OnDuplicate::kError) {
      return RowResult(
          bad(key_field,
              id > 0 ? fmt::format("duplicate: {} {} already has {} '{}'", what, id, key_field, key)
                     : fmt::format("duplicate: an earlier row has {} '{}'", key_field, key)));
    }
    return std::nullopt;  // update
  }
  bool key_is_email() const {
    if (o_.key == DuplicateKey::kEmail) return true;
    if (o_.key == DuplicateKey::kExternalId) return false;
    return m_.column_of("external_id") < 0 && m_.column_of("email") >= 0;
  }

  store::BulkWriter& w_;
  const ImportOptions& o_;
  const Clock& clock_;
  HeaderMapping& m_;
  const KindSpec& spec_;
  std::string now_;

  KeyIndex users_, customers_by_ext_, customers_by_email_, leads_by_ext_, leads_by_email_,
      products_, transactions_;
  KeyIndex imported_;  // activities' or communications' import keys
  std::unordered_map<std::string, int64_t> next_line_;  // invoice -> next automatic line_no
  std::vector<store::TransactionRow> pending_;
};

// Unpacks a coerced value or returns its RowError from the calling function.
template <typename T>
bool failed(std::variant<T, RowError>& v, RowError& out) {
  if (auto* e = std::get_if<RowError>(&v)) {
    out = std::move(*e);
    return true;
  }
  return false;
}

Status Import::load_keys() {
  auto need = [&](KeyColumn c, KeyIndex& idx) -> Status {
    auto r = w_.read_keys(c, idx);
    if (!r) return r.error();
    return {};
  };
  Status st = need(KeyColumn::kUserEmail, users_);
  if (!st) return st;
  switch (o_.kind) {
    case RecordKind::kCustomers:
      if (!(st = need(KeyColumn::kCustomerExternalId, customers_by_ext_))) return st;
      return need(KeyColumn::kCustomerEmail, customers_by_email_);
    case RecordKind::kLeads:
      if (!(st = need(KeyColumn::kCustomerExternalId, customers_by_ext_))) return st;
      if (!(st = need(KeyColumn::kLeadExternalId, leads_by_ext_))) return st;
      return need(KeyColumn::kLeadEmail, leads_by_email_);
    case RecordKind::kProducts:
      return need(KeyColumn::kProductSku, products_);
    case RecordKind::kTransactions:
      if (!(st = need(KeyColumn::kCustomerExternalId, customers_by_ext_))) return st;
      if (!(st = need(KeyColumn::kProductSku, products_))) return st;
      return need(KeyColumn::kTransactionKey, transactions_);
    case RecordKind::kActivities:
    case RecordKind::kCommunications:
      if (!(st = need(KeyColumn::kCustomerExternalId, customers_by_ext_))) return st;
      if (!(st = need(KeyColumn::kLeadExternalId, leads_by_ext_))) return st;
      return need(o_.kind == RecordKind::kActivities ? KeyColumn::kActivityImportKey
                                                     : KeyColumn::kCommunicationImportKey,
                  imported_);
  }
  return {};
}

RowResult Import::handle(const SourceRow& row) {
  switch (o_.kind) {
    case RecordKind::kCustomers:
      return customer(row);
    case RecordKind::kLeads:
      return lead(row);
    case RecordKind::kProducts:
      return product(row);
    case RecordKind::kTransactions:
      return transaction(row);
    case RecordKind::kActivities:
      return activity(row);
    case RecordKind::kCommunications:
      return communication(row);
  }
  return RowError{"", "unknown kind"};
}

// The import key of an activity or a communication: a 128-bit digest (two
// FNV-1a 64 passes with different offset bases) of its identifying fields, so
// a unique index stays small whatever the subject's length.
std::string import_key(std::initializer_list<std::string_view> parts) {
  uint64_t a = 14695981039346656037ull, b = 0x84222325cbf29ce4ull;
  auto mix = [&](unsigned char c) {
    a = (a ^ c) * 1099511628211ull;
    b = (b ^ c) * 0x100000001b3ull;
    b ^= b >> 29;
  };
  for (auto part : parts) {
    for (unsigned char c : part) mix(c);
    mix(0x1f);  // unit separator: ("ab","c") and ("a","bc") differ
  }
  return fmt::format("{:016x}{:016x}", a, b);
}

std::string opt_id(const std::optional<int64_t>& id) {
  return id ? std::to_string(*id) : std::string();
}

RowResult store_error(const Error& e) { return RowError{"", e.to_string(), true}; }

RowResult Import::customer(const SourceRow& row) {
  RowError err;
  store::CustomerRow r;
  auto ext = text(row, "external_id");
  auto name = text(row, "name");
  auto mail = email(row, "email");
  auto phone = text(row, "phone");
  auto company = text(row, "company");
  auto country = text(row, "country");
  auto status = choice(row, "status");
  auto own = owner(row);
  auto attrs = attributes(row);
  auto created = time(row, "created_at");
  auto updated = time(row, "updated_at");
  if (failed(ext, err) || failed(name, err) || failed(mail, err) || failed(phone, err) ||
      failed(company, err) || failed(country, err) || failed(status, err) || failed(own, err) ||
      failed(attrs, err) || failed(created, err) || failed(updated, err))
    return err;
  if (!std::get<0>(name)) return bad("name", "is required");
  r.external_id = std::get<0>(ext);
  r.name = *std::get<0>(name);
  r.email = std::get<0>(mail);
  r.phone = std::get<0>(phone);
  r.company = std::get<0>(company);
  r.country = std::get<0>(country);
  r.owner_id = std::get<0>(own);
  r.created_at = std::get<0>(created).value_or(now_);
  r.updated_at = std::get<0>(updated).value_or(r.created_at);

  std::string mail_key = r.email ? lower(*r.email) : std::string();
  bool by_email = key_is_email();
  std::optional<int64_t> existing;
  if (by_email && r.email) {
    if (auto it = customers_by_email_.find(mail_key); it != customers_by_email_.end())
      existing = it->second;
  } else if (!by_email && r.external_id) {
    if (auto it = customers_by_ext_.find(*r.external_id); it != customers_by_ext_.end())
      existing = it->second;
  }
  if (r.email) {
    auto it = customers_by_email_.find(mail_key);
    if (it != customers_by_email_.end() && (!existing || it->second != *existing))
      return bad("email",
                 fmt::format("{} is already the email of customer {}", *r.email, it->second));
  }
  if (existing) {
    if (auto d = duplicate("customer", *existing, by_email ? "email" : "external_id",
                           by_email ? *r.email : *r.external_id))
      return *d;
    if (by_email && r.external_id) {
      auto it = customers_by_ext_.find(*r.external_id);
      if (it != customers_by_ext_.end() && it->second != *existing)
        return bad("external_id", fmt::format("'{}' is already the external id of customer {}",
                                              *r.external_id, it->second));
    }
    r.status = std::get<0>(status).value_or("");
    r.attributes = std::get<0>(attrs) == "{}" ? "" : std::get<0>(attrs);
    r.updated_at = now_;
    auto st = w_.update_customer(*existing, r);
    if (!st) return store_error(st.error());
    if (r.email) customers_by_email_[mail_key] = *existing;
    if (r.external_id) customers_by_ext_[*r.external_id] = *existing;
    return Outcome::kUpdated;
  }
  if (r.external_id && customers_by_ext_.count(*r.external_id))
    return bad("external_id", fmt::format("'{}' is already the external id of customer {}",
                                          *r.external_id, customers_by_ext_[*r.external_id]));
  r.status = std::get<0>(status).value_or("active");
  r.attributes = std::get<0>(attrs);
  auto id = w_.insert_customer(r);
  if (!id) return store_error(id.error());
  if (r.email) customers_by_email_[mail_key] = *id;
  if (r.external_id) customers_by_ext_[*r.external_id] = *id;
  return Outcome::kImported;
}

RowResult Import::lead(const SourceRow& row) {
  RowError err;
  store::LeadRow r;
  auto ext = text(row, "external_id");
  auto name = text(row, "name");
  auto mail = email(row, "email");
  auto company = text(row, "company");
  auto source = text(row, "source");
  auto status = choice(row, "status");
  auto own = owner(row);
  auto value = money(row, "expected_value");
  auto currency = text(row, "currency");
  auto cust = link(row, "customer_external_id", customers_by_ext_, "customer");
  auto contacted = time(row, "contacted_at");
  auto qualified = time(row, "qualified_at");
  auto converted = time(row, "converted_at");
  auto lost = time(row, "lost_at");
  auto attrs = attributes(row);
  auto created = time(row, "created_at");
  auto updated = time(row, "updated_at");
  if (failed(ext, err) || failed(name, err) || failed(mail, err) || failed(company, err) ||
      failed(source, err) || failed(status, err) || failed(own, err) || failed(value, err) ||
      failed(currency, err) || failed(cust, err) || failed(contacted, err) ||
      failed(qualified, err) || failed(converted, err) || failed(lost, err) || failed(attrs, err) ||
      failed(created, err) || failed(updated, err))
    return err;
  if (!std::get<0>(name)) return bad("name", "is required");
  if (std::get<0>(value) && *std::get<0>(value) < 0)
    return bad("expected_value", "must not be negative");
  r.external_id = std::get<0>(ext);
  r.name = *std::get<0>(name);
  r.email = std::get<0>(mail);
  r.company = std::get<0>(company);
  r.source = std::get<0>(source);
  r.owner_id = std::get<0>(own);
  r.expected_value_minor = std::get<0>(value);
  r.customer_id = std::get<0>(cust);
  r.contacted_at = std::get<0>(contacted);
  r.qualified_at = std::get<0>(qualified);
  r.converted_at = std::get<0>(converted);
  r.lost_at = std::get<0>(lost);
  r.created_at = std::get<0>(created).value_or(now_);
  r.updated_at = std::get<0>(updated).value_or(r.created_at);
  std::string st = std::get<0>(status).value_or("");
  // The time of the status the lead is in: given, or when it was created.
  if (st == "contacted" && !r.contacted_at) r.contacted_at = r.created_at;
  if (st == "qualified" && !r.qualified_at) r.qualified_at = r.created_at;
  if (st == "converted" && !r.converted_at) r.converted_at = r.created_at;
  if (st == "lost" && !r.lost_at) r.lost_at = r.created_at;

  bool by_email = key_is_email();
  std::optional<int64_t> existing;
  if (by_email && r.email) {
    if (auto it = leads_by_email_.find(lower(*r.email)); it != leads_by_email_.end())
      existing = it->second;
  } else if (!by_email && r.external_id) {
    if (auto it = leads_by_ext_.find(*r.external_id); it != leads_by_ext_.end())
      existing = it->second;
  }
  if (existing) {
    if (auto d = duplicate("lead", *existing, by_email ? "email" : "external_id",
                           by_email ? *r.email : *r.external_id))
      return *d;
    r.status = st;
    r.currency = std::get<0>(currency).value_or("");
    r.attributes = std::get<0>(attrs) == "{}" ? "" : std::get<0>(attrs);
    r.updated_at = now_;
    auto s = w_.update_lead(*existing, r);
    if (!s) return store_error(s.error());
    return Outcome::kUpdated;
  }
  if (r.external_id && leads_by_ext_.count(*r.external_id))
    return bad("external_id", fmt::format("'{}' is already the external id of lead {}",
                                          *r.external_id, leads_by_ext_[*r.external_id]));
  r.status = st.empty() ? "new" : st;
  r.currency = std::get<0>(currency).value_or(o_.default_currency);
  r.attributes = std::get<0>(attrs);
  auto id = w_.insert_lead(r);
  if (!id) return store_error(id.error());
  if (r.email) leads_by_email_.emplace(lower(*r.email), *id);
  if (r.external_id) leads_by_ext_[*r.external_id] = *id;
  return Outcome::kImported;
}

RowResult Import::product(const SourceRow& row) {
  RowError err;
  store::ProductRow r;
  auto sku = text(row, "sku");
  auto name = text(row, "name");
  auto category = text(row, "category");
  auto price = money(row, "unit_price");
  auto currency = text(row, "currency");
  auto created = time(row, "created_at");
  auto updated = time(row, "updated_at");
  if (failed(sku, err) || failed(name, err) || failed(category, err) || failed(price, err) ||
      failed(currency, err) || failed(created, err) || failed(updated, err))
    return err;
  if (!std::get<0>(sku)) return bad("sku", "is required");
  if (!std::get<0>(name)) return bad("name", "is required");
  if (!std::get<0>(price)) return bad("unit_price", "is required");
  if (*std::get<0>(price) < 0) return bad("unit_price", "must not be negative");
  r.sku = *std::get<0>(sku);
  r.name = *std::get<0>(name);
  r.category = std::get<0>(category);
  r.unit_price_minor = *std::get<0>(price);
  r.created_at = std::get<0>(created).value_or(now_);
  r.updated_at = std::get<0>(updated).value_or(r.created_at);
  if (auto it = products_.find(r.sku); it != products_.end()) {
    if (auto d = duplicate("product", it->second, "sku", r.sku)) return *d;
    r.currency = std::get<0>(currency).value_or("");
    r.updated_at = now_;
    auto s = w_.update_product(it->second, r);
    if (!s) return store_error(s.error());
    return Outcome::kUpdated;
  }
  r.currency = std::get<0>(currency).value_or(o_.default_currency);
  auto id = w_.insert_product(r);
  if (!id) return store_error(id.error());
  products_[r.sku] = *id;
  return Outcome::kImported;
}

RowResult Import::transaction(const SourceRow& row) {
  RowError err;
  store::TransactionRow r;
  auto ext = text(row, "external_id");
  auto line = integer(row, "line_no");
  auto cust = link(row, "customer_external_id", customers_by_ext_, "customer");
  auto sku = text(row, "sku");
  auto qty = integer(row, "quantity");
  auto price = money(row, "unit_price");
  auto amount = money(row, "amount");
  auto currency = text(row, "currency");
  auto occurred = micros(row, "occurred_at");
  auto created = time(row, "created_at");
  if (failed(ext, err) || failed(line, err) || failed(cust, err) || failed(sku, err) ||
      failed(qty, err) || failed(price, err) || failed(amount, err) || failed(currency, err) ||
      failed(occurred, err) || failed(created, err))
    return err;
  if (!std::get<0>(sku)) return bad("sku", "is required");
  auto prod = products_.find(*std::get<0>(sku));
  if (prod == products_.end())
    return bad("sku", fmt::format("no product with sku '{}'", *std::get<0>(sku)));
  if (!std::get<0>(qty)) return bad("quantity", "is required");
  if (*std::get<0>(qty) == 0) return bad("quantity", "must not be 0");
  if (!std::get<0>(price)) return bad("unit_price", "is required");
  if (!std::get<0>(occurred)) return bad("occurred_at", "is required");
  r.external_id = std::get<0>(ext);
  r.customer_id = std::get<0>(cust);
  r.product_id = prod->second;
  r.quantity = *std::get<0>(qty);
  r.unit_price_minor = *std::get<0>(price);
  if (std::get<0>(amount)) {
    r.amount_minor = *std::get<0>(amount);
  } else {
    __int128 a = static_cast<__int128>(r.quantity) * r.unit_price_minor;
    if (a > INT64_MAX || a < INT64_MIN)
      return bad("quantity", "quantity x unit price is out of range");
    r.amount_minor = static_cast<int64_t>(a);
  }
  r.currency = std::get<0>(currency).value_or(o_.default_currency);
  r.occurred_us = *std::get<0>(occurred);
  r.created_at = std::get<0>(created).value_or(now_);
  if (r.external_id) {
    int64_t& next = next_line_[*r.external_id];
    if (std::get<0>(line)) {
      r.line_no = *std::get<0>(line);
      if (r.line_no < 1) return bad("line_no", "must be 1 or more");
      next = std::max(next, r.line_no);
    } else {
      r.line_no = ++next;
    }
    std::string key = store::transaction_key(*r.external_id, r.line_no);
    auto it = transactions_.find(key);
    if (it != transactions_.end()) {
      if (auto d = duplicate("transaction", it->second, "external_id",
                             fmt::format("{}' line '{}", *r.external_id, r.line_no)))
        return *d;
      if (it->second < 0) {  // an earlier row of this batch, not yet written
        pending_[static_cast<std::size_t>(-it->second - 1)] = r;
        return Outcome::kUpdated;
      }
      auto s = w_.update_transaction(it->second, r);
      if (!s) return store_error(s.error());
      return Outcome::kUpdated;
    }
    transactions_.emplace(std::move(key), -static_cast<int64_t>(pending_.size()) - 1);
  } else if (std::get<0>(line)) {
    r.line_no = *std::get<0>(line);
  }
  pending_.push_back(std::move(r));
  return Outcome::kImported;
}

RowResult Import::activity(const SourceRow& row) {
  RowError err;
  store::ActivityRow r;
  auto kind = choice(row, "kind");
  auto subject = text(row, "subject");
  auto due = time(row, "due_at");
  auto status = choice(row, "status");
  auto own = owner(row);
  auto lead = link(row, "lead_external_id", leads_by_ext_, "lead");
  auto cust = link(row, "customer_external_id", customers_by_ext_, "customer");
  auto completed = time(row, "completed_at");
  auto created = time(row, "created_at");
  auto updated = time(row, "updated_at");
  if (failed(kind, err) || failed(subject, err) || failed(due, err) || failed(status, err) ||
      failed(own, err) || failed(lead, err) || failed(cust, err) || failed(completed, err) ||
      failed(created, err) || failed(updated, err))
    return err;
  if (!std::get<0>(kind)) return bad("kind", "is required");
  if (!std::get<0>(subject)) return bad("subject", "is required");
  if (!std::get<0>(lead) && !std::get<0>(cust))
    return bad("lead_external_id",
               "an activity needs a lead_external_id or a customer_external_id");
  if (std::get<0>(lead) && std::get<0>(cust))
    return bad("lead_external_id",
               "an activity belongs to a lead_external_id or a customer_external_id, not both");
  r.kind = *std::get<0>(kind);
  r.subject = *std::get<0>(subject);
  r.due_at = std::get<0>(due);
  r.status = std::get<0>(status).value_or("open");
  r.owner_id = std::get<0>(own);
  r.lead_id = std::get<0>(lead);
  r.customer_id = std::get<0>(cust);
  r.completed_at = std::get<0>(completed);
  r.created_at = std::get<0>(created).value_or(now_);
  r.updated_at = std::get<0>(updated).value_or(r.created_at);
  // What the activity is, not its state: the same task with a new status is
  // the same activity (updated with --on-duplicate update).
  r.import_key =
      import_key({"activity", r.kind, r.subject, opt_id(r.lead_id), opt_id(r.customer_id),
                  r.due_at.value_or(""), std::get<0>(created).value_or("")});
  if (auto it = imported_.find(*r.import_key); it != imported_.end()) {
    if (auto d = duplicate("activity", it->second, "subject", r.subject)) return *d;
    auto s = w_.update_activity(it->second, r);
    if (!s) return store_error(s.error());
    return Outcome::kUpdated;
  }
  auto id = w_.insert_activity(r);
  if (!id) return store_error(id.error());
  imported_.emplace(*r.import_key, *id);
  return Outcome::kImported;
}

RowResult Import::communication(const SourceRow& row) {
  RowError err;
  store::CommunicationRow r;
  auto lead = link(row, "lead_external_id", leads_by_ext_, "lead");
  auto cust = link(row, "customer_external_id", customers_by_ext_, "customer");
  auto direction = choice(row, "direction");
  auto channel = choice(row, "channel");
  auto subject = text(row, "subject");
  auto body = text(row, "body");
  auto occurred = time(row, "occurred_at");
  auto created = time(row, "created_at");
  if (failed(lead, err) || failed(cust, err) || failed(direction, err) || failed(channel, err) ||
      failed(subject, err) || failed(body, err) || failed(occurred, err) || failed(created, err))
    return err;
  if (!std::get<0>(lead) && !std::get<0>(cust))
    return bad("lead_external_id",
               "a communication needs a lead_external_id or a customer_external_id");
  if (std::get<0>(lead) && std::get<0>(cust))
    return bad("lead_external_id",
               "a communication belongs to a lead_external_id or a customer_external_id, not both");
  if (!std::get<0>(direction)) return bad("direction", "is required");
  if (!std::get<0>(channel)) return bad("channel", "is required");
  if (!std::get<0>(occurred)) return bad("occurred_at", "is required");
  r.lead_id = std::get<0>(lead);
  r.customer_id = std::get<0>(cust);
  r.direction = *std::get<0>(direction);
  r.channel = *std::get<0>(channel);
  r.subject = std::get<0>(subject);
  r.body = std::get<0>(body);
  r.occurred_at = *std::get<0>(occurred);
  r.created_at = std::get<0>(created).value_or(now_);
  // One party's message in one channel and direction at one instant.
  r.import_key = import_key({"communication", opt_id(r.lead_id), opt_id(r.customer_id), r.direction,
                             r.channel, r.occurred_at});
  if (auto it = imported_.find(*r.import_key); it != imported_.end()) {
    if (auto d = duplicate("communication", it->second, "occurred_at", r.occurred_at)) return *d;
    auto s = w_.update_communication(it->second, r);
    if (!s) return store_error(s.error());
    return Outcome::kUpdated;
  }
  auto id = w_.insert_communication(r);
  if (!id) return store_error(id.error());
  imported_.emplace(*r.import_key, *id);
  return Outcome::kImported;
}

Status Import::flush() {
  if (pending_.empty()) return {};
  auto st = w_.insert_transactions(pending_);
  pending_.clear();
  return st;
}

std::string locate(const SourceRow& row, const RowError& e) {
  if (e.column.empty()) return fmt::format("row {} (line {}): {}", row.number, row.line, e.message);
  return fmt::format("row {} (line {}), column '{}': {}", row.number, row.line, e.column,
                     e.message);
}

}  // namespace

Result<ImportSummary> run_import(store::Database& db, const ImportOptions& o, const Clock& clock,
                                 const ImportReporter& reporter) {
  auto started = clock.now();
  ImportSummary summary;
  auto overrides = parse_map_overrides(o.map);
  if (!overrides) return overrides.error();

  InputFormat format = o.format;
  if (format == InputFormat::kAuto)
    format = (o.file.ends_with(".jsonl") || o.file.ends_with(".ndjson")) ? InputFormat::kJsonl
                                                                         : InputFormat::kCsv;

  std::unique_ptr<RowSource> source;
  Result<HeaderMapping> mapping = Error::internal("unset");
  if (format == InputFormat::kCsv) {
    auto reader = CsvReader::open(o.file, {.delimiter = o.delimiter, .encoding = o.encoding});
    if (!reader) return reader.error();
    mapping = HeaderMapping::build(o.kind, (*reader)->header(), *overrides);
    if (!mapping) return mapping.error();
    auto req = mapping->check_required();
    if (!req) return req.error();
    source = std::make_unique<CsvSource>(std::move(*reader));
  } else {
    auto in = std::make_unique<std::ifstream>(o.file, std::ios::binary);
    if (!*in) return Error::not_found("cannot open " + o.file);
    mapping = HeaderMapping::build(o.kind, {}, *overrides, false);
    if (!mapping) return mapping.error();
    source = std::make_unique<JsonlSource>(std::move(in));
  }
  source->mapping = &*mapping;

  auto writer = store::BulkWriter::open(db);
  if (!writer) return writer.error();
  store::BulkWriter& w = **writer;
  Import imp(w, o, clock, *mapping);
  auto st = imp.load_keys();
  if (!st) return st.error();

  std::unique_ptr<RejectsWriter> rejects;
  std::vector<std::string> reject_columns;
  auto reject = [&](const SourceRow* row, std::vector<std::string_view> fields,
                    const std::string& msg) -> Status {
    ++summary.rejected;
    if (reporter.rejected) reporter.rejected(msg);
    if (reporter.rejected_at) reporter.rejected_at(row->number, row->line, msg);
    if (o.rejects_path.empty()) return {};
    if (!rejects) {
      reject_columns = source->reject_columns();
      auto r = RejectsWriter::open(o.rejects_path, reject_columns);
      if (!r) return r.error();
      rejects = std::move(*r);
    }
    (void)row;
    rejects->write(fields, msg);
    return {};
  };

  auto fail = [&](Error e) -> Result<ImportSummary> {
    (void)w.rollback();
    return e;
  };

  if (!(st = w.begin())) return st.error();
  std::size_t in_batch = 0;
  SourceRow row;
  bool jsonl_started = false;
  while (true) {
    auto got = source->next(row);
    if (!got) {
      ++summary.rows;
      SourceRow where;
      where.number = summary.rows;
      where.line = source->line();
      if (!(st = reject(&where, {}, fmt::format("row {}: {}", summary.rows, got.error().message))))
        return fail(st.error());
      if (reporter.progress) reporter.progress(summary.rows);
      continue;
    }
    if (!*got) break;
    if (format == InputFormat::kJsonl && !jsonl_started) {
      jsonl_started = true;
      auto req = mapping->check_required();
      if (!req) return fail(req.error());
    }
    ++summary.rows;
    RowResult r = imp.handle(row);
    if (auto* e = std::get_if<RowError>(&r)) {
      if (!(st = reject(&row, source->reject_fields(row), locate(row, *e))))
        return fail(st.error());
      if (e->fatal) return fail(Error::conflict(locate(row, *e)));
    } else {
      switch (std::get<Outcome>(r)) {
        case Outcome::kImported:
          ++summary.imported;
          break;
        case Outcome::kUpdated:
          ++summary.updated;
          break;
        case Outcome::kSkipped:
          ++summary.skipped;
          break;
      }
    }
    if (reporter.progress) reporter.progress(summary.rows);
    if (++in_batch >= o.batch_rows && !o.atomic && !o.dry_run) {
      if (!(st = imp.flush())) return fail(st.error());
      if (!(st = w.commit())) return fail(st.error());
      if (!(st = w.begin())) return fail(st.error());
      in_batch = 0;
    }
  }
  if (rejects) {
    auto closed = rejects->close();
    if (!closed) return fail(closed.error());
  }
  if (!(st = imp.flush())) return fail(st.error());
  summary.seconds = std::chrono::duration<double>(clock.now() - started).count();
  if (o.dry_run) {
    (void)w.rollback();
    return summary;
  }
  if (o.atomic && summary.rejected > 0) {
    (void)w.rollback();
    summary.imported = summary.updated = summary.skipped = 0;
    return summary;
  }
  if (summary.imported + summary.updated > 0) {
    std::string after =
        fmt::format(R"({{"file":{},"summary":{}}})",
                    boost::json::serialize(boost::json::string(o.file)), summary.to_json());
    if (!(st = w.audit(o.audit_user_id, "import", store::entity_name(o.kind), after,
                       format_timestamp(clock.now()))))
      return fail(st.error());
  }
  if (!(st = w.commit())) return fail(st.error());
  summary.seconds = std::chrono::duration<double>(clock.now() - started).count();
  return summary;
}

}  // namespace icrm::ingest
