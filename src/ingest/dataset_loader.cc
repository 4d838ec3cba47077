#include "ingest/dataset_loader.h"

#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <thread>
#include <unordered_map>

#include "core/time.h"
#include "ingest/batch_queue.h"
#include "ingest/csv_reader.h"
#include "ingest/rejects_writer.h"
#include "ingest/value_coercion.h"
#include "store/bulk_writer.h"

namespace icrm::ingest {

Result<Dataset> parse_dataset(std::string_view name) {
  if (name == "bank-marketing") return Dataset::kBankMarketing;
  if (name == "telco-churn") return Dataset::kTelcoChurn;
  if (name == "online-retail") return Dataset::kOnlineRetail;
  return Error::invalid(
      "unknown data set '" + std::string(name) + "' (bank-marketing, telco-churn, online-retail)",
      "name");
}

Result<Timestamp> uk_local_to_utc(std::string_view local) {
  auto naive = parse_timestamp(local, true);
  if (!naive) return naive;
  // The system's time-zone database (tzdata) through Howard Hinnant's date
  // library; GCC 12's <chrono> has no time zones yet.
  static const date::time_zone* london = []() -> const date::time_zone* {
    try {
      return date::locate_zone("Europe/London");
    } catch (const std::exception&) {
      return nullptr;
    }
  }();
  if (!london) {
    return Error::internal("the time zone Europe/London is not installed (apt install tzdata)");
  }
  // A wall time the autumn change repeats (01:00-02:00) is read as BST, the first.
  return london->to_sys(date::local_time<std::chrono::microseconds>{naive->time_since_epoch()},
                        date::choose::earliest);
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
  return Error::invalid(fmt::format("not a {} file: it lacks the column(s) {}", dataset, list),
                        "file");
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
    Status st = writer_->set_sync_commits(false);
    if (st) st = writer_->begin();
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
          rep_.rejected(
              fmt::format("row {} (line {}): {}", s_.rows, rec.line(), r.error().to_string()));
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
    return finish();
  }

  // Commits the last batch, then the audit entry in a transaction that waits
  // for the disk: batches before were committed without waiting
  // (set_sync_commits(false)), and this last commit makes them all durable.
  // When every commit already waits for the disk (the rollback journal), the
  // audit entry goes into the load's own last transaction instead: one
  // commit, one round of fsyncs, fewer. The summary is returned only after it.
  Result<ImportSummary> finish(bool commits_wait_for_disk = false) {
    Status st;
    if (!commits_wait_for_disk) {
      st = writer_->commit();
      if (st) st = writer_->set_sync_commits(true);
      if (st) st = writer_->begin();
    }
    s_.seconds = std::chrono::duration<double>(clock_.now() - started_).count();
    if (st && s_.imported > 0) {
      std::string after =
          fmt::format(R"({{"dataset":{},"summary":{}}})",
                      boost::json::serialize(boost::json::string(o_.file)), s_.to_json());
      st = writer_->audit(std::nullopt, "dataset-load", "dataset", after, now_);
    }
    if (st) st = writer_->commit();
    if (st) st = writer_->end_rollback_journal();  // back to WAL when the load had left it
    if (!st) return fail(st.error());
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
  if (y == header.size() || duration == header.size())
    return missing_columns("bank-marketing", {"y", "duration"});
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
  std::stable_sort(
      events.begin(), events.end(),
      [](const PurchaseEvent& a, const PurchaseEvent& b) { return a.at_us < b.at_us; });
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Error::unavailable("cannot write " + path);
  std::string line;
  for (const PurchaseEvent& e : events) {
    boost::json::object obj;
    obj["id"] = fmt::format("online-retail:{}:{}", e.invoice, e.line_no);
    obj["type"] = e.quantity < 0 ? "return" : "purchase";
    obj["at"] = format_timestamp(from_unix_micros(e.at_us));
    if (e.customer.empty())
      obj["customer_external_id"] = nullptr;
    else
      obj["customer_external_id"] = e.customer;
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

// The online-retail load runs as two threads: this one reads, checks and
// converts lines and decides what is new; a writer thread creates products
// and customers and stores the lines. They meet in a BatchQueue of
// RetailBatches, so reading overlaps writing and memory stays bounded.

// Lines per batch handed from the reader to the writer.
constexpr std::size_t kRetailBatchLines = 8192;
// Batches read ahead of the writer.
constexpr std::size_t kRetailBatchesAhead = 4;

// Hash lookups by string_view without building a std::string per row.
struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using TextMap = std::unordered_map<std::string, V, TextHash, std::equal_to<>>;

// One line checked and converted; its texts live in the batch's `text`.
struct RetailLine {
  uint32_t product;  // index into the load's products
  int32_t customer;  // index into the load's customers, -1: anonymous sale
  int32_t line_no;
  uint32_t invoice_at;  // offset into RetailBatch::text
  uint32_t invoice_len;
  int64_t occurred_us;
  int64_t quantity, unit_price_minor, amount_minor;
};
// Products and customers first seen in a batch come with it and are created
// before its lines are stored.
struct RetailBatch {
  std::vector<RetailLine> lines;
  // New records and the dense index each gets (same positions).
  std::vector<store::ProductRow> products;
  std::vector<uint32_t> product_indexes;
  std::vector<store::CustomerRow> customers;
  std::vector<uint32_t> customer_indexes;
  std::string text;
  void clear() {
    lines.clear();
    products.clear();
    product_indexes.clear();
    customers.clear();
    customer_indexes.clear();
    text.clear();
  }
};

// The writer thread's side: owns the BulkWriter while the load runs.
class RetailWriter {
 public:
  RetailWriter(store::BulkWriter& w, std::vector<int64_t> product_ids,
               std::vector<int64_t> customer_ids, std::string created_at, std::size_t batch_rows,
               int64_t data_version)
      : w_(w),
        product_ids_(std::move(product_ids)),
        customer_ids_(std::move(customer_ids)),
        created_at_(std::move(created_at)),
        batch_rows_(batch_rows),
        data_version_(data_version) {}

  Status write(const RetailBatch& b) {
    auto products = w_.insert_products(b.products);
    if (!products) return products.error();
    for (std::size_t i = 0; i < b.products.size(); ++i)
      set_id(product_ids_, b.product_indexes[i], (*products)[i]);
    auto customers = w_.insert_customers(b.customers);
    if (!customers) return customers.error();
    for (std::size_t i = 0; i < b.customers.size(); ++i)
      set_id(customer_ids_, b.customer_indexes[i], (*customers)[i]);
    // Rows are reused from batch to batch: their strings keep their capacity,
    // so steady state allocates nothing per line.
    if (rows_.size() < b.lines.size()) rows_.resize(b.lines.size());
    for (std::size_t i = 0; i < b.lines.size(); ++i) {
      const RetailLine& l = b.lines[i];
      store::TransactionRow& r = rows_[i];
      std::string_view invoice(b.text.data() + l.invoice_at, l.invoice_len);
      if (r.external_id)
        r.external_id->assign(invoice);
      else
        r.external_id.emplace(invoice);
      r.line_no = l.line_no;
      r.customer_id =
          l.customer < 0
              ? std::nullopt
              : std::optional<int64_t>(customer_ids_[static_cast<std::size_t>(l.customer)]);
      r.product_id = product_ids_[l.product];
      r.quantity = l.quantity;
      r.unit_price_minor = l.unit_price_minor;
      r.amount_minor = l.amount_minor;
      r.currency.assign("GBP");
      r.occurred_us = l.occurred_us;
      r.created_at.assign(created_at_);
    }
    auto st = w_.insert_transactions(std::span(rows_.data(), b.lines.size()));
    if (!st) return st;
    since_commit_ += b.lines.size();
    if (since_commit_ >= batch_rows_) return commit_batch();
    return {};
  }

  // Commits and opens the next transaction. Links were checked against keys
  // read inside this writer's transactions with foreign keys off; when
  // another connection committed in between (a product deleted?), the store
  // checks links again from here on.
  Status commit_batch() {
    since_commit_ = 0;
    Status st = w_.commit();
    if (st) st = w_.begin();
    if (!st) return st;
    auto version = w_.data_version();
    if (!version) return version.error();
    if (*version == data_version_) return {};
    data_version_ = *version;
    st = w_.rollback();  // nothing written yet
    if (st) st = w_.set_foreign_keys(true);
    if (st) st = w_.begin();
    return st;
  }

 private:
  static void set_id(std::vector<int64_t>& ids, uint32_t index, int64_t id) {
    if (ids.size() <= index) ids.resize(index + 1);
    ids[index] = id;
  }
  store::BulkWriter& w_;
  std::vector<int64_t> product_ids_, customer_ids_;
  std::string created_at_;
  std::size_t batch_rows_;
  std::size_t since_commit_ = 0;
  int64_t data_version_;
  std::vector<store::TransactionRow> rows_;
};

Result<ImportSummary> load_retail(store::Database& db, const DatasetOptions& o, const Clock& clock,
                                  const ImportReporter& rep) {
  Load load(db, o, clock, rep);
  auto st = load.open({.delimiter = ','});
  if (!st) return st.error();
  const auto& h = load.reader_->header();
  const std::vector<std::string_view> names = {"InvoiceNo",  "StockCode",   "Description",
                                               "Quantity",   "InvoiceDate", "UnitPrice",
                                               "CustomerID", "Country"};
  std::size_t col[8];
  for (std::size_t i = 0; i < names.size(); ++i) {
    col[i] = column(h, names[i]);
    if (col[i] == h.size()) return missing_columns("online-retail", names);
  }
  enum { kInvoice, kStock, kDescription, kQuantity, kDate, kPrice, kCustomer, kCountry };
  store::BulkWriter& w = *load.writer_;

  // The first load into a fresh file, with nobody else on it, writes through
  // the rollback journal instead of the WAL: each page is written once, not
  // into the WAL and then again by its checkpoint (bench/README.md, "Sixth
  // round"). Otherwise (a server has the file open, sales already stored)
  // it stays in WAL. Either way a killed load leaves nothing half-written.
  auto journal = w.use_rollback_journal("transactions");
  if (!journal) return load.fail(journal.error());
  // Links are checked here, against keys read inside the first transaction,
  // so the store need not check them again (see RetailWriter::commit_batch).
  if (!(st = w.set_sync_commits(false)) || !(st = w.set_foreign_keys(false)) || !(st = w.begin()))
    return st.error();
  auto version = w.data_version();
  if (!version) return load.fail(version.error());
  KeyIndex stored_products, stored_customers, lines;
  for (auto [column_kind, index] : {std::pair{KeyColumn::kProductSku, &stored_products},
                                    std::pair{KeyColumn::kCustomerExternalId, &stored_customers},
                                    std::pair{KeyColumn::kTransactionKey, &lines}}) {
    auto r = w.read_keys(column_kind, *index);
    if (!r) return load.fail(r.error());
  }
  // Into an empty table the lines go in one transaction, with the indexes
  // that enforce nothing built once at the end (and on PostgreSQL the
  // foreign keys checked once): cheaper than keeping them up line by line.
  // Killed before the end, the load leaves nothing and starts over.
  auto deferred = w.defer_indexes("transactions");
  if (!deferred) return load.fail(deferred.error());
  // Dense indexes for products and customers: the reader maps text to an
  // index, the writer an index to the record's id.
  TextMap<uint32_t> products;
  TextMap<int32_t> customers;
  std::vector<int64_t> product_ids, customer_ids;
  for (auto& [sku, id] : stored_products) {
    products.emplace(sku, static_cast<uint32_t>(product_ids.size()));
    product_ids.push_back(id);
  }
  for (auto& [ext, id] : stored_customers) {
    customers.emplace(ext, static_cast<int32_t>(customer_ids.size()));
    customer_ids.push_back(id);
  }
  TextMap<int32_t> next_line;
  bool events = !o.events_path.empty();
  std::vector<PurchaseEvent> stream;
  std::vector<std::string> countries;
  std::unordered_map<std::string, uint16_t> country_index;

  RetailWriter writer(w, std::move(product_ids), std::move(customer_ids), load.now_,
                      *deferred ? SIZE_MAX : o.batch_rows, *version);
  BatchQueue<std::unique_ptr<RetailBatch>> full(kRetailBatchesAhead),
      empty(kRetailBatchesAhead + 2);
  for (std::size_t i = 0; i < kRetailBatchesAhead + 2; ++i)
    empty.push(std::make_unique<RetailBatch>());
  Status written;  // the writer thread's result; read after join()
  std::thread writer_thread([&] {
    while (auto batch = full.pop()) {
      written = writer.write(**batch);
      if (!written) {
        full.cancel();
        empty.cancel();
        return;
      }
      (*batch)->clear();
      empty.push(std::move(*batch));
    }
  });
  auto stop_writer = [&] {
    full.close();
    writer_thread.join();
  };

  // Consecutive lines share their invoice and its time: look each up once.
  std::string last_date_text, last_invoice;
  int64_t last_date_us = 0;
  int32_t* line_counter = nullptr;
  std::unique_ptr<RetailBatch> batch = *empty.pop();
  uint32_t row_index = 0;
  ImportSummary& s = load.s_;
  CsvRecord rec;
  auto reject = [&](std::string_view column_name, const std::string& why) {
    ++s.rejected;
    if (rep.rejected)
      rep.rejected(fmt::format("row {} (line {}): {}", s.rows, rec.line(),
                               Error::invalid(why, std::string(column_name)).to_string()));
  };
  while (true) {
    auto got = load.reader_->next(rec);
    if (!got) {
      ++s.rows;
      ++s.rejected;
      if (rep.rejected) rep.rejected(fmt::format("row {}: {}", s.rows, got.error().message));
      continue;
    }
    if (!*got) break;
    ++s.rows;
    ++row_index;
    if (rep.progress) rep.progress(s.rows);
    std::string_view invoice = trim_blanks(rec[col[kInvoice]]);
    std::string_view sku = trim_blanks(rec[col[kStock]]);
    if (invoice.empty()) {
      reject("InvoiceNo", "is empty");
      continue;
    }
    if (sku.empty()) {
      reject("StockCode", "is empty");
      continue;
    }
    auto qty = parse_integer(rec[col[kQuantity]]);
    if (!qty) {
      reject("Quantity", qty.error().message);
      continue;
    }
    auto price = parse_scaled_decimal(rec[col[kPrice]], 6);
    if (!price) {
      reject("UnitPrice", price.error().message);
      continue;
    }
    std::string_view date = rec[col[kDate]];
    if (date != last_date_text) {
      auto utc = uk_local_to_utc(date);
      if (!utc) {
        reject("InvoiceDate", utc.error().message);
        continue;
      }
      last_date_text.assign(date);
      last_date_us = to_unix_micros(*utc);
    }
    int64_t quantity = *qty;
    // Cancellations carry negative quantities in the data; make sure of it.
    if (invoice.front() == 'C' && quantity > 0) quantity = -quantity;
    __int128 exact = static_cast<__int128>(quantity) * *price;
    if (exact > INT64_MAX || exact < INT64_MIN) {
      reject("Quantity", "Quantity x UnitPrice is out of range");
      continue;
    }
    if (invoice != last_invoice || line_counter == nullptr) {
      auto it = next_line.find(invoice);
      if (it == next_line.end()) it = next_line.emplace(std::string(invoice), 0).first;
      line_counter = &it->second;
      last_invoice.assign(invoice);
    }
    int32_t line_no = ++*line_counter;
    int64_t unit_price_minor = divide_round_half_even(*price, kMicrosPerPenny);
    int64_t amount_minor = divide_round_half_even(static_cast<int64_t>(exact), kMicrosPerPenny);
    std::string_view customer = trim_blanks(rec[col[kCustomer]]);
    std::string_view country = trim_blanks(rec[col[kCountry]]);
    if (events) {
      auto [it, added] =
          country_index.try_emplace(std::string(country), static_cast<uint16_t>(countries.size()));
      if (added) countries.emplace_back(country);
      stream.push_back({last_date_us, row_index, line_no, std::string(invoice), std::string(sku),
                        std::string(customer), it->second, quantity, unit_price_minor,
                        amount_minor});
    }
    // Lines already stored (a re-run) are skipped. (invoice, position) is
    // unique within the file, so only keys from the store need a lookup.
    if (!lines.empty() && lines.count(store::transaction_key(invoice, line_no))) {
      ++s.skipped;
      continue;
    }
    auto prod = products.find(sku);
    if (prod == products.end()) {
      uint32_t index = static_cast<uint32_t>(products.size());
      prod = products.emplace(std::string(sku), index).first;
      auto name = trim_blanks(rec[col[kDescription]]);
      batch->product_indexes.push_back(index);
      store::ProductRow& p = batch->products.emplace_back();
      p.sku = std::string(sku);
      p.name = name.empty() ? p.sku : std::string(name);
      p.unit_price_minor = std::max<int64_t>(0, unit_price_minor);
      p.currency = "GBP";
      p.created_at = p.updated_at = format_timestamp(from_unix_micros(last_date_us));
    }
    int32_t customer_index = -1;
    if (!customer.empty()) {
      auto cust = customers.find(customer);
      if (cust == customers.end()) {
        int32_t index = static_cast<int32_t>(customers.size());
        cust = customers.emplace(std::string(customer), index).first;
        batch->customer_indexes.push_back(static_cast<uint32_t>(index));
        store::CustomerRow& c = batch->customers.emplace_back();
        c.external_id = std::string(customer);
        c.name = fmt::format("Customer {}", customer);
        if (!country.empty()) c.country = std::string(country);
        c.created_at = c.updated_at = format_timestamp(from_unix_micros(last_date_us));
      }
      customer_index = cust->second;
    }
    RetailLine& line = batch->lines.emplace_back();
    line.product = prod->second;
    line.customer = customer_index;
    line.line_no = line_no;
    line.invoice_at = static_cast<uint32_t>(batch->text.size());
    line.invoice_len = static_cast<uint32_t>(invoice.size());
    batch->text += invoice;
    line.occurred_us = last_date_us;
    line.quantity = quantity;
    line.unit_price_minor = unit_price_minor;
    line.amount_minor = amount_minor;
    ++s.imported;
    if (batch->lines.size() == kRetailBatchLines) {
      if (!full.push(std::move(batch))) break;  // the writer failed
      auto next = empty.pop();
      if (!next) break;
      batch = std::move(*next);
    }
  }
  if (batch && !batch->lines.empty()) full.push(std::move(batch));
  stop_writer();
  if (!written) return load.fail(written.error());
  if (auto rebuilt = w.rebuild_deferred(); !rebuilt) return load.fail(rebuilt.error());
  auto summary = load.finish(*journal);
  if (!summary) return summary;
  if (events) {
    auto events_written = write_events(o.events_path, stream, countries);
    if (!events_written) return events_written.error();
    summary->seconds = std::chrono::duration<double>(clock.now() - load.started_).count();
  }
  return summary;
}

}  // namespace

Result<ImportSummary> load_dataset(store::Database& db, const DatasetOptions& o, const Clock& clock,
                                   const ImportReporter& reporter) {
  switch (o.dataset) {
    case Dataset::kBankMarketing:
      return load_bank(db, o, clock, reporter);
    case Dataset::kTelcoChurn:
      return load_telco(db, o, clock, reporter);
    case Dataset::kOnlineRetail:
      return load_retail(db, o, clock, reporter);
  }
  return Error::internal("unknown data set");
}

}  // namespace icrm::ingest
