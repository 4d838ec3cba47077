// CommunicationStore: the messages a team exchanges with a lead or a
// customer — e-mails, text messages, calls and chats, inbound or outbound.
// Each belongs to exactly one lead or one customer, which must exist; subject
// and body are text within their limits (kMaxSubjectLength, kMaxBodyLength).
// Every change is audited in its own transaction ("communications" entity).
//
// Response time (derived, never given): the messages of one party (its lead,
// or else its customer) are ordered by occurred_at, then id. An outbound
// message that directly follows an inbound one answers it, and records
// response_seconds, the whole seconds between the two: the time since the
// latest inbound message no outbound message had answered yet. Every other
// message has none (inbound ones, an outbound one after another outbound one,
// one that opens a conversation). Since the value depends only on the
// previous message, each write re-derives it for the message written and for
// the party's message that follows it, wherever it lands in time, so a
// backfilled message leaves no stale response time behind.
//
// list() filters: lead_id, customer_id (also "null"), direction, channel,
// occurred_at, response_seconds (both also _from/_to); sorts: id,
// occurred_at, response_seconds (none first) (default "-occurred_at"); q
// searches subject and body; visible_to_owner keeps the messages about leads
// that user owns or nobody owns, and those about customers.
#pragma once

#include <cstdint>

#include "core/clock.h"
#include "core/result.h"
#include "store/actor.h"
#include "store/database.h"
#include "store/list_query.h"
#include "store/records.h"

namespace icrm::store {

class SqlRunner;

class CommunicationStore {
 public:
  CommunicationStore(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Stores a new message; draft.id, response_seconds and created_at are
  // ignored.
  Result<Communication> create(const Actor& actor, Communication draft);
  // not_found for an unknown id.
  Result<Communication> get(int64_t id);
  // Replaces party, direction, channel, subject, body and time of message
  // changed.id, re-deriving the response times around its old and new place.
  Result<Communication> update(const Actor& actor, Communication changed);
  Status remove(const Actor& actor, int64_t id);
  Result<Page<Communication>> list(const ListQuery& query);
  // What list() accepts, for documentation.
  static ListCapabilities list_capabilities();

  // The row insert and the response-time derivation, inside the caller's open
  // transaction on `r`: no validation, no audit (BulkWriter's import path,
  // which checked the row, and create() share it). A message with both links
  // belongs to its lead's conversation. Returns the new id; throws what `r`
  // throws.
  static int64_t insert_in(SqlRunner& r, const Communication& c);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace icrm::store
