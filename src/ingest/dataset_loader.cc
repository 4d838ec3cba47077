#include "ingest/dataset_loader.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <unordered_map>

#include "core/time.h"
#include "ingest/csv_reader.h"
#include "ingest/rejects_writer.h"
#include "ingest/value_coercion.h"
#include "store/bulk_writer.h"

namespace icrm::ingest {

Result<Dataset> parse_dataset(std::string_view name) {
  if (name == "bank-marketing") return Dataset::kBankMarketing;
  if (name == "telco-churn") return Dataset::kTelcoChurn;
  if (name == "online-retail") return Dataset::kOnlineRetail;
  return Error::invalid("unknown data set '" + std::string(name) +
                            "' (bank-marketing, telco-churn, online-retail)",
                        "name");
}

Result<Timestamp> uk_local_to_utc(std::string_view local) {
  using namespace std::chrono;
  auto naive = parse_timestamp(local, true);
  if (!naive) return naive;
  auto day = floor<days>(*naive);
  year y = year_month_day{day}.year();
  // BST: from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
  // Sunday of October; in local wall time from 02:00 (after the jump) to 02:00 BST.
  sys_days march = sys_days{y / March / Sunday[last]};
  sys_days october = sys_days{y / October / Sunday[last]};
  auto bst_start_local = march + hours(2);
  auto bst_end_local = october + hours(2);  // 02:00 BST = 01:00 GMT; 01:00-02:00 is ambiguous, read as BST
  if (*naive >= bst_start_local && *naive < bst_end_local) return *naive - hours(1);
  return *naive;
}

namespace {

using store::KeyColumn;
using store::KeyIndex;

// Every column of the record as a custom attribute, except those in `skip`;
// blank values are left out.
std::string attributes_of(const CsvRecord& rec, const std::vector<std::string>& header,
                          const std::vector<std::size_t>& skip,
                          std::string_view known_after_outcome = {}) {
  boost::json::object obj;
  for (std::size_t i = 0; i < rec.size() && i < header.size(); ++i) {
    if (std::find(skip.begin(), skip.end(), i) != skip.end()) continue;
    auto v = trim_blanks(rec[i]);
    if (v.empty()) continue;
    obj[header[i]] = infer_attribute_value(v);
  }
  if (!known_after_outcome.empty()) obj[kKnownAfterOutcomeAttribute] = known_after_outcome;
  return serialize_attributes(obj);
}

std::size_t column(const std::vector<std::string>& header, std::string_view name) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  return header.size();
}

Error missing_columns(std::string_view dataset, const std::vector<std::string_view>& names) {
  std::string list;
  for (auto n : names) list += (list.empty() ? "" : ", ") + std::string(n);
  return Error::invalid(fmt::format("not a {} file: it lacks the column(s) {}", dataset, list), "file");
}

// Shared loop: read records, hand each to `row`, commit every batch.
class Load {
 public:
  Load(store::Database& db, const DatasetOptions& o, const Clock& clock, const ImportReporter& rep)
      : db_(db), o_(o), clock_(clock), rep_(rep), started_(clock.now()) {
    now_ = format_timestamp(started_);
  }

  Status open(CsvOptions csv) {
    auto r = CsvReader::open(o_.file, csv);
    if (!r) return r.error();
    reader_ = std::move(*r);
    auto w = store::BulkWriter::open(db_);
    if (!w) return w.error();
    writer_ = std::move(*w);
    return {};
  }

  // `row` returns a RowError-like message ("" when fine) and updates counts.
  template <typename Fn, typename Flush>
  Result<ImportSummary> run(Fn&& row, Flush&& flush) {
    Status st = writer_->begin();
    if (!st) return st.error();
    std::size_t in_batch = 0;
    CsvRecord rec;
    while (true) {
      auto got = reader_->next(rec);
      if (!got) {
        ++s_.rows;
        ++s_.rejected;
        if (rep_.rejected) rep_.rejected(fmt::format("row {}: {}", s_.rows, got.error().message));
        continue;
      }
      if (!*got) break;
      ++s_.rows;
      auto r = row(rec);
      if (!r) {
        if (r.error().code != ErrorCode::kInvalidArgument) return fail(r.error());
        ++s_.rejected;
        if (rep_.rejected)
          rep_.rejected(fmt::format("row {} (line {}): {}", s_.rows, rec.line(), r.error().to_string()));
      }
      if (rep_.progress) rep_.progress(s_.rows);
      if (++in_batch >= o_.batch_rows) {
        if (!(st = flush())) return fail(st.error());
        if (!(st = writer_->commit())) return fail(st.error());
        if (!(st = writer_->begin())) return fail(st.error());
        in_batch = 0;
      }
    }
    if (!(st = flush())) return fail(st.error());
    s_.seconds = std::chrono::duration<double>(clock_.now() - started_).count();
    if (s_.imported > 0) {
      std::string after = fmt::format(R"({{"dataset":{},"summary":{}}})",
                                      boost::json::serialize(boost::json::string(o_.file)), s_.to_json());
      if (!(st = writer_->audit(std::nullopt, "dataset-load", "dataset", after, now_))) return fail(st.error());
    }
    if (!(st = writer_->commit())) return fail(st.error());
    s_.seconds = std::chrono::duration<double>(clock_.now() - started_).count();
    return s_;
  }

  Error fail(Error e) {
    (void)writer_->rollback();
    return e;
  }

  store::Database& db_;
  const DatasetOptions& o_;
  const Clock& clock_;
  const ImportReporter& rep_;
  Timestamp started_;
  std::string now_;
  std::unique_ptr<CsvReader> reader_;
  std::unique_ptr<store::BulkWriter> writer_;
  ImportSummary s_;
};

// ------------------------------------------------------------ bank-marketing
Result<ImportSummary> load_bank(store::Database& db, const DatasetOptions& o, const Clock& clock,
                                const ImportReporter& rep) {
  Load load(db, o, clock, rep);
  auto st = load.open({.delimiter = ';'});
  if (!st) return st.error();
  const auto& header = load.reader_->header();
  std::size_t y = column(header, "y"), duration = column(header, "duration");
  if (y == header.size() || duration == header.size()) return missing_columns("bank-marketing", {"y", "duration"});
  KeyIndex existing;
  auto keys = load.writer_->read_keys(KeyColumn::kLeadExternalId, existing);
  if (!keys) return keys.error();
  store::LeadRow lead;
  lead.source = "bank-marketing";
  lead.currency = "EUR";
  lead.created_at = lead.updated_at = load.now_;
  return load.run(
      [&](const CsvRecord& rec) -> Status {
        std::string ext = fmt::format("bank-marketing:{}", load.s_.rows);
        if (existing.count(ext)) {
          ++load.s_.skipped;
          return {};
        }
        auto outcome = trim_blanks(rec[y]);
        if (outcome != "yes" && outcome != "no")
          return Error::invalid(fmt::format("'{}' is neither yes nor no", outcome), "y");
        lead.external_id = ext;
        lead.name = fmt::format("Bank client {}", load.s_.rows);
        lead.status = outcome == "yes" ? "converted" : "lost";
        lead.converted_at.reset();
        lead.lost_at.reset();
        (outcome == "yes" ? lead.converted_at : lead.lost_at) = load.now_;
        lead.attributes = attributes_of(rec, header, {y}, "duration");
        auto id = load.writer_->insert_lead(lead);
        if (!id) return id.error();
        ++load.s_.imported;
        return {};
      },
      [] { return Status(); });
}

// ------------------------------------------------------------ telco-churn
Result<ImportSummary> load_telco(store::Database& db, const DatasetOptions& o, const Clock& clock,
                                 const ImportReporter& rep) {
  Load load(db, o, clock, rep);
  auto st = load.open({.delimiter = ','});
  if (!st) return st.error();
  const auto& header = load.reader_->header();
  std::size_t id_col = column(header, "customerID"), churn = column(header, "Churn");
  if (id_col == header.size() || churn == header.size())
    return missing_columns("telco-churn", {"customerID", "Churn"});
  KeyIndex existing;
  auto keys = load.writer_->read_keys(KeyColumn::kCustomerExternalId, existing);
  if (!keys) return keys.error();
  store::CustomerRow c;
  c.created_at = c.updated_at = load.now_;
  return load.run(
      [&](const CsvRecord& rec) -> Status {
        auto ext = trim_blanks(rec[id_col]);
        if (ext.empty()) return Error::invalid("is empty", "customerID");
        auto churned = trim_blanks(rec[churn]);
        if (churned != "Yes" && churned != "No")
          return Error::invalid(fmt::format("'{}' is neither Yes nor No", churned), "Churn");
        if (existing.count(std::string(ext))) {
          ++load.s_.skipped;
          return {};
        }
        c.external_id = std::string(ext);
        c.name = fmt::format("Telco customer {}", ext);
        c.status = churned == "Yes" ? "churned" : "active";
        c.attributes = attributes_of(rec, header, {id_col, churn});
        auto id = load.writer_->insert_customer(c);
        if (!id) return id.error();
        existing.emplace(*c.external_id, *id);
        ++load.s_.imported;
        return {};
      },
      [] { return Status(); });
}

// ------------------------------------------------------------ online-retail
constexpr int64_t kMicrosPerPenny = 10'000;  // prices are read exactly in millionths of a pound

// One purchase event, kept compact until the stream is written in time order.
struct PurchaseEvent {
  int64_t at_us;
  uint32_t row;  // file order, to keep the order of lines at the same minute
  int32_t line_no;
  std::string invoice, sku, customer;
  uint16_t country;
  int64_t quantity, unit_price_minor, amount_minor;
};

Status write_events(const std::string& path, std::vector<PurchaseEvent>& events,
                    const std::vector<std::string>& countries) {
  std::stable_sort(events.begin(), events.end(),
                   [](const PurchaseEvent& a, const PurchaseEvent& b) { return a.at_us < b.at_us; });
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Error::unavailable("cannot write " + path);
  std::string line;
  for (const PurchaseEvent& e : events) {
    boost::json::object obj;
    obj["id"] = fmt::format("online-retail:{}:{}", e.invoice, e.line_no);
    obj["type"] = e.quantity < 0 ? "return" : "purchase";
    obj["at"] = format_timestamp(from_unix_micros(e.at_us));
    if (e.customer.empty()) obj["customer_external_id"] = nullptr;
    else obj["customer_external_id"] = e.customer;
    obj["invoice"] = e.invoice;
    obj["line_no"] = e.line_no;
    obj["sku"] = e.sku;
    obj["quantity"] = e.quantity;
    obj["unit_price_minor"] = e.unit_price_minor;
    obj["amount_minor"] = e.amount_minor;
    obj["currency"] = "GBP";
    obj["country"] = countries[e.country];
    line = boost::json::serialize(obj);
    line.push_back('\n');
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
  }
  out.flush();
  if (!out) return Error::unavailable("cannot write " + path);
  return {};
}

Result<ImportSummary> load_retail(store::Database& db, const DatasetOptions& o, const Clock& clock,
                                  const ImportReporter& rep) {
  Load load(db, o, clock, rep);
  auto st = load.open({.delimiter = ','});
  if (!st) return st.error();
  const auto& h = load.reader_->header();
  const std::vector<std::string_view> names = {"InvoiceNo", "StockCode", "Description", "Quantity",
                                               "InvoiceDate", "UnitPrice", "CustomerID", "Country"};
  std::size_t col[8];
  for (std::size_t i = 0; i < names.size(); ++i) {
    col[i] = column(h, names[i]);
    if (col[i] == h.size()) return missing_columns("online-retail", names);
  }
  enum { kInvoice, kStock, kDescription, kQuantity, kDate, kPrice, kCustomer, kCountry };
  store::BulkWriter& w = *load.writer_;
  KeyIndex products, customers, lines;
  for (auto [column_kind, index] : {std::pair{KeyColumn::kProductSku, &products},
                                    std::pair{KeyColumn::kCustomerExternalId, &customers},
                                    std::pair{KeyColumn::kTransactionKey, &lines}}) {
    auto r = w.read_keys(column_kind, *index);
    if (!r) return r.error();
  }
  std::unordered_map<std::string, int32_t> next_line;
  std::vector<store::TransactionRow> pending;
  pending.reserve(std::min<std::size_t>(o.batch_rows, 1 << 20));
  bool events = !o.events_path.empty();
  std::vector<PurchaseEvent> stream;
  std::vector<std::string> countries;
  std::unordered_map<std::string, uint16_t> country_index;

  // Consecutive lines share their invoice time; convert each distinct text once.
  std::string last_date_text, last_date_utc;
  int64_t last_date_us = 0;

  store::TransactionRow t;
  t.currency = "GBP";
  t.created_at = load.now_;
  store::ProductRow p;
  p.currency = "GBP";
  store::CustomerRow c;
  uint32_t row_index = 0;

  auto summary = load.run(
      [&](const CsvRecord& rec) -> Status {
        ++row_index;
        std::string_view invoice = trim_blanks(rec[col[kInvoice]]);
        std::string_view sku = trim_blanks(rec[col[kStock]]);
        if (invoice.empty()) return Error::invalid("is empty", "InvoiceNo");
        if (sku.empty()) return Error::invalid("is empty", "StockCode");
        auto qty = parse_integer(rec[col[kQuantity]]);
        if (!qty) return Error::invalid(qty.error().message, "Quantity");
        auto price = parse_scaled_decimal(rec[col[kPrice]], 6);
        if (!price) return Error::invalid(price.error().message, "UnitPrice");
        std::string_view date = rec[col[kDate]];
        if (date != last_date_text) {
          auto utc = uk_local_to_utc(date);
          if (!utc) return Error::invalid(utc.error().message, "InvoiceDate");
          last_date_text.assign(date);
          last_date_utc = format_timestamp(*utc);
          last_date_us = to_unix_micros(*utc);
        }
        std::string_view customer = trim_blanks(rec[col[kCustomer]]);
        std::string_view country = trim_blanks(rec[col[kCountry]]);
        int64_t quantity = *qty;
        // Cancellations carry negative quantities in the data; make sure of it.
        if (invoice.front() == 'C' && quantity > 0) quantity = -quantity;

        int32_t line_no = ++next_line[std::string(invoice)];
        int64_t unit_price_minor = divide_round_half_even(*price, kMicrosPerPenny);
        __int128 exact = static_cast<__int128>(quantity) * *price;
        if (exact > INT64_MAX || exact < INT64_MIN) return Error::invalid("Quantity x UnitPrice is out of range", "Quantity");
        int64_t amount_minor = divide_round_half_even(static_cast<int64_t>(exact), kMicrosPerPenny);
        if (events) {
          auto [it, added] = country_index.try_emplace(std::string(country), static_cast<uint16_t>(countries.size()));
          if (added) countries.emplace_back(country);
          stream.push_back({last_date_us, row_index, line_no, std::string(invoice), std::string(sku),
                            std::string(customer), it->second, quantity, unit_price_minor, amount_minor});
        }
        // Lines already stored (a re-run) are skipped. (invoice, position) is
        // unique within the file, so only keys from the store need a lookup.
        if (!lines.empty() && lines.count(store::transaction_key(invoice, line_no))) {
          ++load.s_.skipped;
          return {};
        }

        auto prod = products.find(std::string(sku));
        int64_t product_id;
        if (prod == products.end()) {
          auto name = trim_blanks(rec[col[kDescription]]);
          p.sku = std::string(sku);
          p.name = name.empty() ? p.sku : std::string(name);
          p.unit_price_minor = std::max<int64_t>(0, divide_round_half_even(*price, kMicrosPerPenny));
          p.created_at = p.updated_at = last_date_utc;
          auto id = w.insert_product(p);
          if (!id) return id.error();
          product_id = *id;
          products.emplace(p.sku, product_id);
        } else {
          product_id = prod->second;
        }

        std::optional<int64_t> customer_id;
        if (!customer.empty()) {
          auto cust = customers.find(std::string(customer));
          if (cust == customers.end()) {
            c.external_id = std::string(customer);
            c.name = fmt::format("Customer {}", customer);
            c.country = country.empty() ? std::nullopt : std::optional<std::string>(country);
            c.created_at = c.updated_at = last_date_utc;
            auto id = w.insert_customer(c);
            if (!id) return id.error();
            customer_id = *id;
            customers.emplace(*c.external_id, *id);
          } else {
            customer_id = cust->second;
          }
        }

        t.external_id = std::string(invoice);
        t.line_no = line_no;
        t.customer_id = customer_id;
        t.product_id = product_id;
        t.quantity = quantity;
        t.unit_price_minor = unit_price_minor;
        t.amount_minor = amount_minor;
        t.occurred_at = last_date_utc;
        pending.push_back(t);
        ++load.s_.imported;
        return {};
      },
      [&]() -> Status {
        auto r = w.insert_transactions(pending);
        pending.clear();
        return r;
      });
  if (!summary) return summary;
  if (events) {
    auto written = write_events(o.events_path, stream, countries);
    if (!written) return written.error();
    summary->seconds = std::chrono::duration<double>(clock.now() - load.started_).count();
  }
  return summary;
}

}  // namespace

Result<ImportSummary> load_dataset(store::Database& db, const DatasetOptions& o, const Clock& clock,
                                   const ImportReporter& reporter) {
  switch (o.dataset) {
    case Dataset::kBankMarketing: return load_bank(db, o, clock, reporter);
    case Dataset::kTelcoChurn: return load_telco(db, o, clock, reporter);
    case Dataset::kOnlineRetail: return load_retail(db, o, clock, reporter);
  }
  return Error::internal("unknown data set");
}

}  // namespace icrm::ingest
