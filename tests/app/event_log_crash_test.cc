// Acknowledged means durable: a writer process is killed with SIGKILL in the
// middle of appending; every batch it had acknowledged is in the log after.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <set>
#include <string>

#include "store/event_store.h"
#include "tests/support/test_database.h"

namespace icrm::app {
namespace {

class EventLogCrashTest : public testing::StoreTest {};

TEST_P(EventLogCrashTest, KillNineLosesNoAcknowledgedEvent) {
  const size_t batch_size = 200;
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    execl(ICRM_EVENT_LOG_WRITER, ICRM_EVENT_LOG_WRITER, db_url().c_str(),
          std::to_string(batch_size).c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  FILE* lines = fdopen(out[0], "r");
  ASSERT_NE(lines, nullptr);
  long last_acked = -1;
  char line[128];
  // Let it acknowledge a few batches, then kill it while it is writing more.
  while (last_acked < 15 && std::fgets(line, sizeof line, lines) != nullptr) {
    long b = -1;
    if (std::sscanf(line, "acked %ld", &b) == 1) last_acked = b;
  }
  kill(pid, SIGKILL);
  // Acknowledgements printed before the kill landed also count.
  while (std::fgets(line, sizeof line, lines) != nullptr) {
    long b = -1;
    if (std::sscanf(line, "acked %ld", &b) == 1) last_acked = b;
  }
  fclose(lines);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the writer ended by itself (status " << status << ")";
  ASSERT_GE(last_acked, 15);

  // "Restart": a new connection reads the log.
  auto reopened = store::Database::open({.url = db_url()});
  ASSERT_TRUE(reopened.ok());
  store::EventStore log(**reopened);
  std::set<uint64_t> keys;
  int64_t after = 0;
  for (;;) {
    auto page = log.read_after(after, 10000);
    ASSERT_TRUE(page.ok()) << page.error().to_string();
    for (const store::LoggedEvent& e : *page) keys.insert(e.key);
    if (page->empty()) break;
    after = page->back().seq;
  }
  const uint64_t acked_events = static_cast<uint64_t>(last_acked + 1) * batch_size;
  for (uint64_t k = 1; k <= acked_events; ++k) {
    ASSERT_TRUE(keys.count(k)) << "acknowledged event " << k << " was lost";
  }
  // Whatever else is there came whole: a transaction is all or nothing.
  EXPECT_EQ(keys.size() % batch_size, 0u);
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(EventLogCrashTest);

}  // namespace
}  // namespace icrm::app
