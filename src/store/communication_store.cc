#include "store/communication_store.h"

#include <soci/soci.h>

#include "store/audit_log.h"
#include "store/list_sql.h"
#include "store/sql_support.h"
#include "store/validation.h"

namespace icrm::store {
namespace {

constexpr std::string_view kEntity = entity_name(Entity::kCommunications);
constexpr std::string_view kColumns =
    "id, lead_id, customer_id, direction, channel, subject, body, occurred_at, response_seconds, "
    "created_at";
constexpr size_t kColumnCount = 10;
constexpr std::string_view kDirections[] = {"in", "out"};
constexpr std::string_view kChannels[] = {"email", "sms", "call", "chat"};
constexpr ListField kFields[] = {
    {"id", "id", FieldType::kInteger, true, true},
    {"lead_id", "lead_id", FieldType::kInteger, true, false},
    {"customer_id", "customer_id", FieldType::kInteger, true, false},
    {"direction", "direction", FieldType::kEnum, true, false, {}, kDirections},
    {"channel", "channel", FieldType::kEnum, true, false, {}, kChannels},
    {"occurred_at", "occurred_at", FieldType::kTimestamp, true, true},
    {"response_seconds", "response_seconds", FieldType::kInteger, true, true,
     "COALESCE(response_seconds, -1)"},
};
constexpr std::string_view kSearch[] = {"subject", "body"};
constexpr ListSpec kSpec{
    .entity = kEntity,
    .table = "communications",
    .columns = kColumns,
    .column_count = kColumnCount,
    .fields = kFields,
    .search_columns = kSearch,
    // A message is seen as the lead it is about; one about a customer has no
    // owner here, so every reader of customers sees it.
    .owner_column = "(SELECT leads.owner_id FROM leads WHERE leads.id = communications.lead_id)",
    .default_sort = "-occurred_at",
};

Communication from_row(const SqlRow& r) {
  Communication c;
  c.id = cell_int(r[0]);
  c.lead_id = cell_opt_int(r[1]);
  c.customer_id = cell_opt_int(r[2]);
  c.direction = parse_direction(cell_text(r[3])).value_or(Direction::kIn);
  c.channel = parse_channel(cell_text(r[4])).value_or(Channel::kEmail);
  c.subject = cell_opt_text(r[5]);
  c.body = cell_opt_text(r[6]);
  c.occurred_at = cell_time(r[7]);
  c.response_seconds = cell_opt_int(r[8]);
  c.created_at = cell_time(r[9]);
  return c;
}

std::optional<Communication> select_one(SqlRunner& r, int64_t id) {
  auto rows = r.query("SELECT " + std::string(kColumns) + " FROM communications WHERE id = :p0",
                      {SqlValue::of(id)}, kColumnCount);
  if (rows.empty()) return std::nullopt;
  return from_row(rows.front());
}

Error not_found(int64_t id) {
  return Error::not_found("no communication with id " + std::to_string(id));
}

// Normalises blanks and checks every field (of a change: every changed field).
Status validate(Communication& c, const Communication* before = nullptr) {
  c.subject = trimmed_or_null(c.subject);
  // A body keeps its blank lines and indentation; only an empty one is absent.
  if (c.body && c.body->empty()) c.body.reset();
  RecordChecks<Communication> check(Entity::kCommunications, c, before);
  check.text("subject", &Communication::subject);
  check.text("body", &Communication::body);
  check.time("occurred_at", &Communication::occurred_at);
  check.one_party(&Communication::lead_id, &Communication::customer_id);
  return check.result();
}

Status check_references(soci::session& s, const Communication& c) {
  if (auto v = check_link(s, "leads", "lead_id", c.lead_id, "lead"); !v) return v;
  return check_link(s, "customers", "customer_id", c.customer_id, "customer");
}

// The conversation a message belongs to: its lead's, else its customer's
// (messages of the customer that also name a lead are the lead's).
struct Party {
  std::string_view table;  // leads or customers
  int64_t id;

  // The condition on communications, with placeholder :pp<n>.
  std::string where(int n) const {
    std::string p = ":pp" + std::to_string(n);
    return table == "leads" ? "lead_id = " + p : "customer_id = " + p + " AND lead_id IS NULL";
  }
};

Party party_of(const Communication& c) {
  if (c.lead_id) return {"leads", *c.lead_id};
  return {"customers", c.customer_id.value_or(0)};
}

// Holds the party's row lock until the transaction ends, so two writers of
// one conversation take turns on PostgreSQL (SQLite has one writer at a
// time anyway). NO KEY UPDATE leaves inserts that refer to the party free.
void lock_party(SqlRunner& r, const Party& party) {
  if (r.engine() != Engine::kPostgres) return;
  r.query("SELECT id FROM " + std::string(party.table) + " WHERE id = :p0 FOR NO KEY UPDATE",
          {SqlValue::of(party.id)}, 1);
}

struct Neighbour {
  int64_t id = 0;
  Direction direction = Direction::kIn;
  Timestamp at{};
  std::optional<int64_t> response_seconds;
};

struct Neighbours {
  std::optional<Neighbour> before, after;
};

// The party's messages right before and right after position (at, id) in
// (occurred_at, id) order, in one query. An id of INT64_MAX stands for a
// message not stored yet, which will come after every stored one at `at`.
Neighbours neighbours(SqlRunner& r, const Party& party, Timestamp at, int64_t id) {
  auto side = [&](const char* tag, const char* cmp, const char* dir, int n) {
    std::string k = std::to_string(n);
    return "SELECT * FROM (SELECT " + std::string(tag) +
           " AS side, id, direction, occurred_at, response_seconds FROM communications WHERE " +
           party.where(n) + " AND (occurred_at " + cmp + " :t" + k + "a OR (occurred_at = :t" + k +
           "b AND id " + cmp + " :id" + k + ")) ORDER BY occurred_at" + dir + ", id" + dir +
           " LIMIT 1) n" + k;
  };
  SqlParams one = {SqlValue::of(party.id), SqlValue::of(at), SqlValue::of(at), SqlValue::of(id)};
  SqlParams params = one;
  params.insert(params.end(), one.begin(), one.end());
  auto rows =
      r.query(side("0", "<", " DESC", 1) + " UNION ALL " + side("1", ">", "", 2), params, 5);
  Neighbours out;
  for (const auto& row : rows) {
    Neighbour n{cell_int(row[1]), parse_direction(cell_text(row[2])).value_or(Direction::kIn),
                cell_time(row[3]), cell_opt_int(row[4])};
    (cell_int(row[0]) == 0 ? out.before : out.after) = n;
  }
  return out;
}

// The rule of the header: an outbound message right after an inbound one.
std::optional<int64_t> response_after(const std::optional<Neighbour>& before, Direction direction,
                                      Timestamp at) {
  if (direction != Direction::kOut || !before || before->direction != Direction::kIn) {
    return std::nullopt;
  }
  return std::chrono::duration_cast<std::chrono::seconds>(at - before->at).count();
}

void store_response(SqlRunner& r, const Neighbour& n, std::optional<int64_t> seconds) {
  if (seconds == n.response_seconds) return;
  r.query("UPDATE communications SET response_seconds = :p0 WHERE id = :p1",
          {SqlValue::of(seconds), SqlValue::of(n.id)}, 0);
}

// Re-derives the response times of stored message `id` and of the message
// after it, from the stored conversation.
void settle(SqlRunner& r, int64_t id) {
  auto c = select_one(r, id);
  if (!c) return;
  Neighbours around = neighbours(r, party_of(*c), c->occurred_at, c->id);
  Neighbour self{c->id, c->direction, c->occurred_at, c->response_seconds};
  store_response(r, self, response_after(around.before, c->direction, c->occurred_at));
  if (around.after) {
    store_response(r, *around.after,
                   response_after(self, around.after->direction, around.after->at));
  }
}

}  // namespace

int64_t CommunicationStore::insert_in(SqlRunner& r, const Communication& c) {
  Party party = party_of(c);
  lock_party(r, party);
  Neighbours around = neighbours(r, party, c.occurred_at, INT64_MAX);
  std::optional<int64_t> seconds = response_after(around.before, c.direction, c.occurred_at);
  auto rows = r.query(
      "INSERT INTO communications (lead_id, customer_id, direction, channel, subject, body, "
      "occurred_at, response_seconds, created_at) VALUES (:p0, :p1, :p2, :p3, :p4, :p5, :p6, :p7, "
      ":p8) RETURNING id",
      {SqlValue::of(c.lead_id), SqlValue::of(c.customer_id),
       SqlValue::of(std::string(to_string(c.direction))),
       SqlValue::of(std::string(to_string(c.channel))), SqlValue::of(c.subject),
       SqlValue::of(c.body), SqlValue::of(c.occurred_at), SqlValue::of(seconds),
       SqlValue::of(c.created_at)},
      1);
  int64_t id = cell_int(rows.at(0)[0]);
  if (around.after) {
    Neighbour self{id, c.direction, c.occurred_at, seconds};
    store_response(r, *around.after,
                   response_after(self, around.after->direction, around.after->at));
  }
  return id;
}

Result<Communication> CommunicationStore::create(const Actor& actor, Communication c) {
  if (auto v = validate(c); !v) return v.error();
  return in_write_transaction(db_, "storing a communication",
                              [&](soci::session& s) -> Result<Communication> {
                                if (auto v = check_references(s, c); !v) return v.error();
                                c.created_at = clock_.now();
                                SociRunner run(s, db_.engine());
                                int64_t id = insert_in(run, c);
                                auto stored = select_one(run, id);
                                AuditLog::append_in(s, actor, c.created_at, "create", kEntity, id,
                                                    nullptr, to_json(*stored));
                                return *stored;
                              });
}

Result<Communication> CommunicationStore::get(int64_t id) {
  return with_connection(db_, "reading a communication",
                         [&](soci::session& s) -> Result<Communication> {
                           SociRunner run(s, db_.engine());
                           auto c = select_one(run, id);
                           if (!c) return not_found(id);
                           return *c;
                         });
}

Result<Communication> CommunicationStore::update(const Actor& actor, Communication c) {
  return in_write_transaction(
      db_, "updating communication " + std::to_string(c.id),
      [&](soci::session& s) -> Result<Communication> {
        SociRunner run(s, db_.engine());
        auto before = select_one(run, c.id);
        if (!before) return not_found(c.id);
        if (auto v = validate(c, &*before); !v) return v.error();
        if (auto v = check_references(s, c); !v) return v.error();
        lock_party(run, party_of(*before));
        lock_party(run, party_of(c));
        auto old_next = neighbours(run, party_of(*before), before->occurred_at, before->id).after;
        exec(s,
             "UPDATE communications SET lead_id = :p0, customer_id = :p1, direction = :p2, "
             "channel = :p3, subject = :p4, body = :p5, occurred_at = :p6 WHERE id = :p7",
             {SqlValue::of(c.lead_id), SqlValue::of(c.customer_id),
              SqlValue::of(std::string(to_string(c.direction))),
              SqlValue::of(std::string(to_string(c.channel))), SqlValue::of(c.subject),
              SqlValue::of(c.body), SqlValue::of(c.occurred_at), SqlValue::of(c.id)});
        settle(run, c.id);
        if (old_next) settle(run, old_next->id);
        auto after = select_one(run, c.id);
        AuditLog::append_in(s, actor, clock_.now(), "update", kEntity, c.id, to_json(*before),
                            to_json(*after));
        return *after;
      });
}

Status CommunicationStore::remove(const Actor& actor, int64_t id) {
  return in_write_transaction(
      db_, "deleting communication " + std::to_string(id), [&](soci::session& s) -> Status {
        SociRunner run(s, db_.engine());
        auto before = select_one(run, id);
        if (!before) return not_found(id);
        lock_party(run, party_of(*before));
        auto next = neighbours(run, party_of(*before), before->occurred_at, before->id).after;
        exec(s, "DELETE FROM communications WHERE id = :id", {SqlValue::of(id)});
        if (next) settle(run, next->id);
        AuditLog::append_in(s, actor, clock_.now(), "delete", kEntity, id, to_json(*before),
                            nullptr);
        return {};
      });
}

ListCapabilities CommunicationStore::list_capabilities() { return capabilities(kSpec); }

Result<Page<Communication>> CommunicationStore::list(const ListQuery& query) {
  return list_page(db_, kSpec, query, from_row);
}

}  // namespace icrm::store
