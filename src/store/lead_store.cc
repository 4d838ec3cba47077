#include "store/lead_store.h"

#include <soci/soci.h>

#include <boost/json/serialize.hpp>

#include "store/attributes.h"
#include "store/audit_log.h"
#include "store/customer_store.h"
#include "store/list_sql.h"
#include "store/sql_support.h"
#include "store/validation.h"

namespace icrm::store {
namespace {

constexpr std::string_view kEntity = entity_name(Entity::kLeads);
constexpr std::string_view kColumns =
    "id, external_id, name, email, company, source, status, owner_id, expected_value_minor, "
    "currency, attributes, customer_id, contacted_at, qualified_at, converted_at, lost_at, "
    "created_at, updated_at";
constexpr size_t kColumnCount = 18;
constexpr std::string_view kStatuses[] = {"new", "contacted", "qualified", "converted", "lost"};
constexpr ListField kFields[] = {
    {"id", "id", FieldType::kInteger, true, true},
    {"name", "name", FieldType::kText, false, true, "lower(name)"},
    {"email", "email", FieldType::kCaselessText, true, false},
    {"company", "company", FieldType::kText, true, true, "COALESCE(lower(company), '')"},
    {"source", "source", FieldType::kText, true, false},
    {"status", "status", FieldType::kEnum, true, true, {}, kStatuses},
    {"owner_id", "owner_id", FieldType::kInteger, true, false},
    {"customer_id", "customer_id", FieldType::kInteger, true, false},
    {"external_id", "external_id", FieldType::kText, true, false},
    {"expected_value_minor", "expected_value_minor", FieldType::kInteger, true, true,
     "COALESCE(expected_value_minor, 0)"},
    {"created_at", "created_at", FieldType::kTimestamp, true, true},
    {"updated_at", "updated_at", FieldType::kTimestamp, true, true},
    // The rank of the lead's latest score (1 = most promising); leads never
    // scored sort after every scored one.
    {"rank", "rank", FieldType::kInteger, false, true,
     "COALESCE((SELECT s.rank FROM latest_scores s WHERE s.entity = 'leads' AND s.entity_id = "
     "leads.id), "
     "9223372036854775807)"},
};
constexpr std::string_view kSearch[] = {"name", "email", "company"};
constexpr ListSpec kSpec{
    .entity = kEntity,
    .table = "leads",
    .columns = kColumns,
    .column_count = kColumnCount,
    .fields = kFields,
    .search_columns = kSearch,
    .owner_column = "owner_id",
    .default_sort = "-created_at",
};

Lead from_row(const SqlRow& r) {
  Lead l;
  l.id = cell_int(r[0]);
  l.external_id = cell_opt_text(r[1]);
  l.name = cell_text(r[2]);
  l.email = cell_opt_text(r[3]);
  l.company = cell_opt_text(r[4]);
  l.source = cell_opt_text(r[5]);
  l.status = parse_lead_status(cell_text(r[6])).value_or(LeadStatus::kNew);
  l.owner_id = cell_opt_int(r[7]);
  l.expected_value_minor = cell_opt_int(r[8]);
  l.currency = cell_text(r[9]);
  l.attributes = attributes_from_text(r[10]);
  l.customer_id = cell_opt_int(r[11]);
  l.contacted_at = cell_opt_time(r[12]);
  l.qualified_at = cell_opt_time(r[13]);
  l.converted_at = cell_opt_time(r[14]);
  l.lost_at = cell_opt_time(r[15]);
  l.created_at = cell_time(r[16]);
  l.updated_at = cell_time(r[17]);
  return l;
}

std::optional<Lead> select_one(soci::session& s, std::string_view where, SqlValue v) {
  auto rows =
      query_rows(s, "SELECT " + std::string(kColumns) + " FROM leads WHERE " + std::string(where),
                 {v}, kColumnCount);
  if (rows.empty()) return std::nullopt;
  return from_row(rows.front());
}

Error not_found(int64_t id) { return Error::not_found("no lead with id " + std::to_string(id)); }

// Normalises blanks and checks every field (of a change: every changed field).
Status validate(Lead& l, const Lead* before = nullptr) {
  l.name = trimmed(l.name);
  l.external_id = trimmed_or_null(l.external_id);
  l.email = trimmed_or_null(l.email);
  l.company = trimmed_or_null(l.company);
  l.source = trimmed_or_null(l.source);
  RecordChecks<Lead> check(Entity::kLeads, l, before);
  check.text("name", &Lead::name);
  check.text("external_id", &Lead::external_id);
  check.email("email", &Lead::email);
  check.text("company", &Lead::company);
  check.text("source", &Lead::source);
  check.currency("currency", &Lead::currency);
  check.attributes(&Lead::attributes);
  if (l.expected_value_minor && *l.expected_value_minor < 0) {
    check.add(Error::invalid("expected_value_minor may not be negative", "expected_value_minor"));
  }
  return check.result();
}

Status check_references(soci::session& s, const Lead& l, int64_t self) {
  if (l.external_id) {
    auto other = select_one(s, "external_id = :x", SqlValue::of(*l.external_id));
    if (other && other->id != self) {
      return Error::conflict(
          "lead " + std::to_string(other->id) + " already has the external_id " + *l.external_id,
          "external_id");
    }
  }
  if (l.owner_id && !row_exists(s, "users", *l.owner_id)) {
    return Error::invalid("owner_id " + std::to_string(*l.owner_id) + " is not a user", "owner_id");
  }
  return {};
}

std::string legal_targets(LeadStatus from) {
  std::string out;
  for (auto to : {LeadStatus::kNew, LeadStatus::kContacted, LeadStatus::kQualified,
                  LeadStatus::kConverted, LeadStatus::kLost}) {
    if (!is_legal_transition(from, to)) continue;
    out += (out.empty() ? "" : ", ") + std::string(to_string(to));
  }
  return out.empty() ? "nothing (it is final)" : out;
}

std::optional<Timestamp>* time_of(Lead& l, LeadStatus status) {
  switch (status) {
    case LeadStatus::kContacted:
      return &l.contacted_at;
    case LeadStatus::kQualified:
      return &l.qualified_at;
    case LeadStatus::kConverted:
      return &l.converted_at;
    case LeadStatus::kLost:
      return &l.lost_at;
    case LeadStatus::kNew:
      return nullptr;
  }
  return nullptr;
}

void insert_change(soci::session& s, int64_t lead_id, std::optional<LeadStatus> from, LeadStatus to,
                   Timestamp at, const Actor& actor) {
  exec(
      s,
      "INSERT INTO lead_status_changes (lead_id, from_status, to_status, changed_at, user_id) "
      "VALUES (:l, :f, :t, :a, :u)",
      {SqlValue::of(lead_id), from ? SqlValue::of(std::string(to_string(*from))) : SqlValue::null(),
       SqlValue::of(std::string(to_string(to))), SqlValue::of(at), SqlValue::of(actor.user_id)});
}

// Moves `lead` to `to` inside an open transaction: checks the rule, links the
// customer on conversion, stamps the time, writes the row and its history.
Status apply_move(soci::session& s, const Actor& actor, Timestamp now, Lead& lead, LeadStatus to,
                  std::optional<int64_t> customer_id) {
  if (!is_legal_transition(lead.status, to)) {
    return Error::conflict(
        "lead " + std::to_string(lead.id) + " cannot go from " +
            std::string(to_string(lead.status)) + " to " + std::string(to_string(to)) + "; from " +
            std::string(to_string(lead.status)) + " it may go to " + legal_targets(lead.status),
        "status");
  }
  if (to == LeadStatus::kConverted) {
    if (customer_id) {
      if (!row_exists(s, "customers", *customer_id)) {
        Error e = Error::not_found("no customer with id " + std::to_string(*customer_id));
        e.field = "customer_id";
        return e;
      }
      lead.customer_id = customer_id;
    } else if (auto existing =
                   lead.email ? CustomerStore::find_by_email_in(s, *lead.email) : std::nullopt) {
      lead.customer_id = existing->id;
    } else {
      Customer c;
      c.name = lead.name;
      c.email = lead.email;
      c.company = lead.company;
      c.owner_id = lead.owner_id;
      c.attributes = lead.attributes;
      auto created = CustomerStore::create_in(s, actor, now, std::move(c));
      if (!created) return created.error();
      lead.customer_id = created->id;
    }
  }
  LeadStatus from = lead.status;
  lead.status = to;
  *time_of(lead, to) = now;
  lead.updated_at = now;
  exec(s,
       "UPDATE leads SET status = :s, customer_id = :c, contacted_at = :t1, qualified_at = :t2, "
       "converted_at = :t3, lost_at = :t4, updated_at = :u WHERE id = :id",
       {SqlValue::of(std::string(to_string(to))), SqlValue::of(lead.customer_id),
        SqlValue::of(lead.contacted_at), SqlValue::of(lead.qualified_at),
        SqlValue::of(lead.converted_at), SqlValue::of(lead.lost_at), SqlValue::of(now),
        SqlValue::of(lead.id)});
  insert_change(s, lead.id, from, to, now, actor);
  return {};
}

}  // namespace

bool is_legal_transition(LeadStatus from, LeadStatus to) {
  switch (from) {
    case LeadStatus::kNew:
      return to == LeadStatus::kContacted;
    case LeadStatus::kContacted:
      return to == LeadStatus::kQualified || to == LeadStatus::kLost;
    case LeadStatus::kQualified:
      return to == LeadStatus::kConverted || to == LeadStatus::kLost;
    case LeadStatus::kConverted:
    case LeadStatus::kLost:
      return false;
  }
  return false;
}

Result<Lead> LeadStore::create(const Actor& actor, Lead l) {
  if (auto v = validate(l); !v) return v.error();
  if (l.status == LeadStatus::kConverted) {
    return Error::invalid("a lead cannot be created converted; create it, then convert it",
                          "status");
  }
  auto lease = db_.lease();
  if (!lease) return lease.error();
  soci::session& s = **lease;
  try {
    WriteTransaction tx(s, db_.engine());
    if (auto v = check_references(s, l, 0); !v) return v.error();
    Timestamp now = clock_.now();
    l.created_at = l.updated_at = now;
    l.customer_id.reset();
    l.converted_at.reset();
    if (auto* at = time_of(l, l.status); at != nullptr && !*at) *at = now;
    auto rows = query_rows(
        s,
        "INSERT INTO leads (external_id, name, email, company, source, status, owner_id, "
        "expected_value_minor, currency, attributes, contacted_at, qualified_at, lost_at, "
        "created_at, updated_at) VALUES (:p0, :p1, :p2, :p3, :p4, :p5, :p6, :p7, :p8, :p9, :p10, "
        ":p11, :p12, :p13, :p14) RETURNING id",
        {SqlValue::of(l.external_id), SqlValue::of(l.name), SqlValue::of(l.email),
         SqlValue::of(l.company), SqlValue::of(l.source),
         SqlValue::of(std::string(to_string(l.status))), SqlValue::of(l.owner_id),
         SqlValue::of(l.expected_value_minor), SqlValue::of(l.currency),
         SqlValue::of(boost::json::serialize(l.attributes)), SqlValue::of(l.contacted_at),
         SqlValue::of(l.qualified_at), SqlValue::of(l.lost_at), SqlValue::of(now),
         SqlValue::of(now)},
        1);
    l.id = cell_int(rows.at(0)[0]);
    insert_change(s, l.id, std::nullopt, l.status, now, actor);
    AuditLog::append_in(s, actor, now, "create", kEntity, l.id, nullptr, to_json(l));
    tx.commit();
    return l;
  } catch (const std::exception& e) {
    return db_error(e, "creating a lead");
  }
}

Result<Lead> LeadStore::get(int64_t id) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    auto l = select_one(**lease, "id = :id", SqlValue::of(id));
    if (!l) return not_found(id);
    return *l;
  } catch (const std::exception& e) {
    return db_error(e, "reading a lead");
  }
}

Result<Lead> LeadStore::find_by_external_id(std::string_view external_id) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    auto l = select_one(**lease, "external_id = :x", SqlValue::of(std::string(external_id)));
    if (!l) {
      return Error::not_found("no lead with external_id " +
                              std::string(external_id.substr(0, kMaxExternalIdLength)));
    }
    return *l;
  } catch (const std::exception& e) {
    return db_error(e, "reading a lead");
  }
}

Result<Lead> LeadStore::update(const Actor& actor, Lead changed) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  soci::session& s = **lease;
  try {
    WriteTransaction tx(s, db_.engine());
    auto before = select_one(s, "id = :id", SqlValue::of(changed.id));
    if (!before) return not_found(changed.id);
    if (auto v = validate(changed, &*before); !v) return v.error();
    if (auto v = check_references(s, changed, changed.id); !v) return v.error();
    Timestamp now = clock_.now();
    Lead l = *before;
    l.external_id = changed.external_id;
    l.name = changed.name;
    l.email = changed.email;
    l.company = changed.company;
    l.source = changed.source;
    l.owner_id = changed.owner_id;
    l.expected_value_minor = changed.expected_value_minor;
    l.currency = changed.currency;
    l.attributes = changed.attributes;
    l.updated_at = now;
    exec(s,
         "UPDATE leads SET external_id = :p0, name = :p1, email = :p2, company = :p3, "
         "source = :p4, owner_id = :p5, expected_value_minor = :p6, currency = :p7, "
         "attributes = :p8, updated_at = :p9 WHERE id = :p10",
         {SqlValue::of(l.external_id), SqlValue::of(l.name), SqlValue::of(l.email),
          SqlValue::of(l.company), SqlValue::of(l.source), SqlValue::of(l.owner_id),
          SqlValue::of(l.expected_value_minor), SqlValue::of(l.currency),
          SqlValue::of(boost::json::serialize(l.attributes)), SqlValue::of(now),
          SqlValue::of(l.id)});
    if (changed.status != before->status) {
      auto customer = changed.status == LeadStatus::kConverted ? changed.customer_id : std::nullopt;
      if (auto m = apply_move(s, actor, now, l, changed.status, customer); !m) return m.error();
    }
    AuditLog::append_in(s, actor, now, "update", kEntity, l.id, to_json(*before), to_json(l));
    tx.commit();
    return l;
  } catch (const std::exception& e) {
    return db_error(e, "updating lead " + std::to_string(changed.id));
  }
}

Result<Lead> LeadStore::move(const Actor& actor, int64_t id, LeadStatus to,
                             std::optional<int64_t> customer_id, std::string_view action) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  soci::session& s = **lease;
  try {
    WriteTransaction tx(s, db_.engine());
    auto before = select_one(s, "id = :id", SqlValue::of(id));
    if (!before) return not_found(id);
    Lead l = *before;
    Timestamp now = clock_.now();
    if (auto m = apply_move(s, actor, now, l, to, customer_id); !m) return m.error();
    AuditLog::append_in(s, actor, now, action, kEntity, id, to_json(*before), to_json(l));
    tx.commit();
    return l;
  } catch (const std::exception& e) {
    return db_error(e, "changing the status of lead " + std::to_string(id));
  }
}

Result<Lead> LeadStore::transition(const Actor& actor, int64_t id, LeadStatus to) {
  if (to == LeadStatus::kConverted) return convert(actor, id);
  return move(actor, id, to, std::nullopt, "transition");
}

Result<Lead> LeadStore::convert(const Actor& actor, int64_t id,
                                std::optional<int64_t> customer_id) {
  return move(actor, id, LeadStatus::kConverted, customer_id, "convert");
}

Status LeadStore::remove(const Actor& actor, int64_t id) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  soci::session& s = **lease;
  try {
    WriteTransaction tx(s, db_.engine());
    auto before = select_one(s, "id = :id", SqlValue::of(id));
    if (!before) return not_found(id);
    // Explicitly, so the history goes even where ON DELETE CASCADE is off.
    exec(s, "DELETE FROM lead_status_changes WHERE lead_id = :id", {SqlValue::of(id)});
    exec(s, "DELETE FROM leads WHERE id = :id", {SqlValue::of(id)});
    AuditLog::append_in(s, actor, clock_.now(), "delete", kEntity, id, to_json(*before), nullptr);
    tx.commit();
    return {};
  } catch (const std::exception& e) {
    return db_error(e, "deleting lead " + std::to_string(id));
  }
}

Result<std::vector<LeadStatusChange>> LeadStore::history(int64_t id) {
  auto lease = db_.lease();
  if (!lease) return lease.error();
  try {
    if (!row_exists(**lease, "leads", id)) return not_found(id);
    auto rows = query_rows(**lease,
                           "SELECT id, lead_id, from_status, to_status, changed_at, user_id FROM "
                           "lead_status_changes WHERE lead_id = :id ORDER BY changed_at, id",
                           {SqlValue::of(id)}, 6);
    std::vector<LeadStatusChange> out;
    for (const auto& r : rows) {
      LeadStatusChange c;
      c.id = cell_int(r[0]);
      c.lead_id = cell_int(r[1]);
      if (r[2]) c.from_status = parse_lead_status(*r[2]);
      c.to_status = parse_lead_status(cell_text(r[3])).value_or(LeadStatus::kNew);
      c.changed_at = cell_time(r[4]);
      c.user_id = cell_opt_int(r[5]);
      out.push_back(c);
    }
    return out;
  } catch (const std::exception& e) {
    return db_error(e, "reading the history of lead " + std::to_string(id));
  }
}

Result<Page<Lead>> LeadStore::list(const ListQuery& query) {
  auto rows = run_list(db_, kSpec, query);
  if (!rows) return rows.error();
  Page<Lead> page;
  for (const auto& r : rows->rows) page.items.push_back(from_row(r));
  page.next_cursor = std::move(rows->next_cursor);
  return page;
}

ListCapabilities LeadStore::list_capabilities() { return capabilities(kSpec); }

}  // namespace icrm::store
