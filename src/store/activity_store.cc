#include "store/activity_store.h"

#include <soci/soci.h>

#include "store/audit_log.h"
#include "store/list_sql.h"
#include "store/sql_support.h"
#include "store/validation.h"

namespace icrm::store {
namespace {

constexpr std::string_view kEntity = entity_name(Entity::kActivities);
constexpr std::string_view kColumns =
    "id, kind, subject, due_at, status, owner_id, lead_id, customer_id, created_by_user_id, "
    "created_by_system, completed_at, created_at, updated_at";
constexpr size_t kColumnCount = 13;
constexpr std::string_view kKinds[] = {"call", "email", "meeting", "offer", "task", "nurture"};
constexpr std::string_view kStatuses[] = {"open", "done", "cancelled"};
constexpr ListField kFields[] = {
    {"id", "id", FieldType::kInteger, true, true},
    {"kind", "kind", FieldType::kEnum, true, true, {}, kKinds},
    {"status", "status", FieldType::kEnum, true, true, {}, kStatuses},
    {"owner_id", "owner_id", FieldType::kInteger, true, false},
    {"lead_id", "lead_id", FieldType::kInteger, true, false},
    {"customer_id", "customer_id", FieldType::kInteger, true, false},
    // Activities without a due time sort after every dated one.
    {"due_at", "due_at", FieldType::kTimestamp, true, true,
     "COALESCE(due_at, '9999-12-31T23:59:59.999999Z')"},
    {"created_at", "created_at", FieldType::kTimestamp, true, true},
    {"updated_at", "updated_at", FieldType::kTimestamp, true, true},
};
constexpr std::string_view kSearch[] = {"subject"};
constexpr ListSpec kSpec{
    .entity = kEntity,
    .table = "activities",
    .columns = kColumns,
    .column_count = kColumnCount,
    .fields = kFields,
    .search_columns = kSearch,
    .owner_column = "owner_id",
    .default_sort = "due_at",
};

Activity from_row(const SqlRow& r) {
  Activity a;
  a.id = cell_int(r[0]);
  a.kind = parse_activity_kind(cell_text(r[1])).value_or(ActivityKind::kTask);
  a.subject = cell_text(r[2]);
  a.due_at = cell_opt_time(r[3]);
  a.status = parse_activity_status(cell_text(r[4])).value_or(ActivityStatus::kOpen);
  a.owner_id = cell_opt_int(r[5]);
  a.lead_id = cell_opt_int(r[6]);
  a.customer_id = cell_opt_int(r[7]);
  a.created_by_user_id = cell_opt_int(r[8]);
  a.created_by_system = cell_int(r[9]) != 0;
  a.completed_at = cell_opt_time(r[10]);
  a.created_at = cell_time(r[11]);
  a.updated_at = cell_time(r[12]);
  return a;
}

std::optional<Activity> select_one(soci::session& s, int64_t id) {
  auto rows = query_rows(s, "SELECT " + std::string(kColumns) + " FROM activities WHERE id = :id",
                         {SqlValue::of(id)}, kColumnCount);
  if (rows.empty()) return std::nullopt;
  return from_row(rows.front());
}

Error not_found(int64_t id) {
  return Error::not_found("no activity with id " + std::to_string(id));
}

// Normalises blanks and checks every field (of a change: every changed field).
Status validate(Activity& a, const Activity* before = nullptr) {
  a.subject = trimmed(a.subject);
  RecordChecks<Activity> check(Entity::kActivities, a, before);
  check.text("subject", &Activity::subject);
  check.time("due_at", &Activity::due_at);
  check.time("completed_at", &Activity::completed_at);
  check.one_party(&Activity::lead_id, &Activity::customer_id);
  return check.result();
}

Status check_references(soci::session& s, const Activity& a) {
  Status checks[] = {
      check_link(s, "users", "owner_id", a.owner_id, "user"),
      check_link(s, "leads", "lead_id", a.lead_id, "lead"),
      check_link(s, "customers", "customer_id", a.customer_id, "customer"),
  };
  for (auto& c : checks) {
    if (!c) return c;
  }
  return {};
}

}  // namespace

int64_t ActivityStore::insert_in(SqlRunner& r, const Activity& a) {
  auto rows = r.query(
      "INSERT INTO activities (kind, subject, due_at, status, owner_id, lead_id, customer_id, "
      "created_by_user_id, created_by_system, completed_at, created_at, updated_at) VALUES "
      "(:p0, :p1, :p2, :p3, :p4, :p5, :p6, :p7, :p8, :p9, :p10, :p11) RETURNING id",
      {SqlValue::of(std::string(to_string(a.kind))), SqlValue::of(a.subject),
       SqlValue::of(a.due_at), SqlValue::of(std::string(to_string(a.status))),
       SqlValue::of(a.owner_id), SqlValue::of(a.lead_id), SqlValue::of(a.customer_id),
       SqlValue::of(a.created_by_user_id), SqlValue::of(int64_t{a.created_by_system ? 1 : 0}),
       SqlValue::of(a.completed_at), SqlValue::of(a.created_at), SqlValue::of(a.updated_at)},
      1);
  return cell_int(rows.at(0)[0]);
}

Result<Activity> ActivityStore::create(const Actor& actor, Activity a) {
  if (auto v = validate(a); !v) return v.error();
  return in_write_transaction(
      db_, "creating an activity", [&](soci::session& s) -> Result<Activity> {
        if (auto v = check_references(s, a); !v) return v.error();
        Timestamp now = clock_.now();
        a.created_by_user_id = actor.user_id;
        a.created_by_system = actor.is_system();
        a.created_at = a.updated_at = now;
        if (a.status == ActivityStatus::kOpen) {
          a.completed_at.reset();
        } else if (!a.completed_at) {
          a.completed_at = now;
        }
        SociRunner run(s, db_.engine());
        a.id = insert_in(run, a);
        AuditLog::append_in(s, actor, now, "create", kEntity, a.id, nullptr, to_json(a));
        return a;
      });
}

Result<Activity> ActivityStore::get(int64_t id) {
  return with_connection(db_, "reading an activity", [&](soci::session& s) -> Result<Activity> {
    auto a = select_one(s, id);
    if (!a) return not_found(id);
    return *a;
  });
}

Result<Activity> ActivityStore::update(const Actor& actor, Activity changed) {
  return change(actor, changed.id, [&changed](Activity& a) {
    a.kind = changed.kind;
    a.subject = changed.subject;
    a.due_at = changed.due_at;
    a.status = changed.status;
    a.owner_id = changed.owner_id;
    a.lead_id = changed.lead_id;
    a.customer_id = changed.customer_id;
  });
}

Result<Activity> ActivityStore::set_status(const Actor& actor, int64_t id, ActivityStatus status) {
  return change(actor, id, [status](Activity& a) { a.status = status; });
}

Result<Activity> ActivityStore::change(const Actor& actor, int64_t id,
                                       const std::function<void(Activity&)>& edit) {
  return in_write_transaction(
      db_, "updating activity " + std::to_string(id), [&](soci::session& s) -> Result<Activity> {
        auto before = select_one(s, id);
        if (!before) return not_found(id);
        Activity a = *before;
        edit(a);
        if (auto v = validate(a, &*before); !v) return v.error();
        if (auto v = check_references(s, a); !v) return v.error();
        Timestamp now = clock_.now();
        if (a.status != before->status) {
          a.completed_at = a.status == ActivityStatus::kOpen ? std::nullopt : std::optional(now);
        }
        a.updated_at = now;
        exec(s,
             "UPDATE activities SET kind = :p0, subject = :p1, due_at = :p2, status = :p3, "
             "owner_id = :p4, lead_id = :p5, customer_id = :p6, completed_at = :p7, "
             "updated_at = :p8 WHERE id = :p9",
             {SqlValue::of(std::string(to_string(a.kind))), SqlValue::of(a.subject),
              SqlValue::of(a.due_at), SqlValue::of(std::string(to_string(a.status))),
              SqlValue::of(a.owner_id), SqlValue::of(a.lead_id), SqlValue::of(a.customer_id),
              SqlValue::of(a.completed_at), SqlValue::of(now), SqlValue::of(a.id)});
        AuditLog::append_in(s, actor, now, "update", kEntity, a.id, to_json(*before), to_json(a));
        return a;
      });
}

Status ActivityStore::remove(const Actor& actor, int64_t id) {
  return in_write_transaction(
      db_, "deleting activity " + std::to_string(id), [&](soci::session& s) -> Status {
        auto before = select_one(s, id);
        if (!before) return not_found(id);
        exec(s, "DELETE FROM activities WHERE id = :id", {SqlValue::of(id)});
        AuditLog::append_in(s, actor, clock_.now(), "delete", kEntity, id, to_json(*before),
                            nullptr);
        return {};
      });
}

ListCapabilities ActivityStore::list_capabilities() { return capabilities(kSpec); }

Result<Page<Activity>> ActivityStore::list(const ListQuery& query) {
  return list_page(db_, kSpec, query, from_row);
}

}  // namespace icrm::store
