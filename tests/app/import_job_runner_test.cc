// ImportJobRunner keeps its jobs in the database (migration 0010): a finished
// job is still there for a new runner (a restarted server) with its counts and
// refused rows, and a restarted instance fails the jobs its previous process
// left unfinished while leaving a live process's jobs alone. Both engines.
#include "app/import_job_runner.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/clock.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"

namespace icrm::app {
namespace {

class ImportJobRunnerTest : public testing::StoreTest {
 protected:
  ManualClock clock_{std::chrono::sys_days{std::chrono::year{2026} / 11 / 23}};

  std::string host() {
    char name[256] = {};
    EXPECT_EQ(::gethostname(name, sizeof name - 1), 0);
    return name;
  }
  // A job left running by the process `runner`, stored as a runner would.
  int64_t unfinished_job(const std::string& runner) {
    store::ImportJobStore jobs(db());
    store::ImportJobRecord r;
    r.kind = "customers";
    r.user_id = 1;
    r.runner = runner;
    r.created_at = clock_.now();
    auto created = jobs.create(r);
    EXPECT_TRUE(created) << created.error().to_string();
    EXPECT_TRUE(jobs.start(created->id, clock_.now()));
    return created->id;
  }
};

TEST_P(ImportJobRunnerTest, FinishedJobOutlivesTheRunner) {
  int64_t id = 0;
  {
    ImportJobRunner runner(db(), clock_);
    ingest::ImportOptions options;
    options.kind = ingest::RecordKind::kCustomers;
    auto job = runner.submit(options, "name,email\nAda,ada@example.com\nBad,not-an-email\n", 7);
    ASSERT_TRUE(job) << job.error().to_string();
    id = job->id;
    runner.wait_idle();
  }
  ImportJobRunner restarted(db(), clock_);
  auto job = restarted.get(id);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->status, "succeeded");
  EXPECT_EQ(job->user_id, 7);
  EXPECT_EQ(job->kind, "customers");
  EXPECT_EQ(job->summary.rows, 2u);
  EXPECT_EQ(job->summary.imported, 1u);
  EXPECT_EQ(job->summary.rejected, 1u);
  ASSERT_EQ(job->rejected.size(), 1u);
  EXPECT_EQ(job->rejected[0].row, 2u);
  EXPECT_EQ(job->rejected[0].line, 3u);
  EXPECT_NE(job->rejected[0].error.find("email"), std::string::npos) << job->rejected[0].error;
  EXPECT_TRUE(job->started_at);
  EXPECT_TRUE(job->finished_at);
  EXPECT_FALSE(restarted.get(id + 1000));
}

TEST_P(ImportJobRunnerTest, RestartFailsOnlyTheJobsOfAProcessThatIsGone) {
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(0);
  ASSERT_EQ(::waitpid(child, nullptr, 0), child);  // now a pid no process has
  int64_t gone = unfinished_job(fmt::format("{}:{}:1", host(), child));
  // An earlier process with our pid (a restarted container's pid 1).
  int64_t previous_self = unfinished_job(fmt::format("{}:{}:0", host(), ::getpid()));
  int64_t live = unfinished_job(fmt::format("{}:{}:1", host(), ::getppid()));
  int64_t elsewhere = unfinished_job(fmt::format("{}-other-host:{}:1", host(), child));

  ImportJobRunner runner(db(), clock_);
  for (int64_t id : {gone, previous_self}) {
    auto job = runner.get(id);
    ASSERT_TRUE(job);
    EXPECT_EQ(job->status, "failed");
    ASSERT_TRUE(job->error);
    EXPECT_EQ(*job->error, kImportInterrupted);
    EXPECT_TRUE(job->finished_at);
  }
  for (int64_t id : {live, elsewhere}) {
    auto job = runner.get(id);
    ASSERT_TRUE(job);
    EXPECT_EQ(job->status, "running");
  }
}

int mode_of(const std::filesystem::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 0777) : -1;
}

// A directory a crashed runner left: nobody holds its lock.
std::filesystem::path stale_spool(const std::filesystem::path& parent) {
  auto dir = parent / (std::string(kSpoolDirPrefix) + "crashed");
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "upload-abc123") << "external_id,name\nC1,Ada\n";
  return dir;
}

// Uploads used to be /tmp/icrm-import-<pid>-<job id>.upload with the umask's
// mode: guessable (another user could plant or read them) and left behind by
// a crash.
TEST(ImportSpool, PrivateUnguessableFilesAndStaleDirectoriesRemoved) {
  icrm::testing::TempDir parent("icrm-spool");
  const mode_t old_umask = ::umask(022);
  auto stale = stale_spool(parent.dir());
  auto spool = ImportSpool::open(parent.dir());
  ASSERT_TRUE(spool) << spool.error().to_string();
  EXPECT_FALSE(std::filesystem::exists(stale));
  EXPECT_EQ(mode_of((*spool)->dir()), 0700);
  auto a = (*spool)->write("name\nAda\n");
  auto b = (*spool)->write("name\nGrace\n");
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(std::filesystem::path(*a).parent_path(), (*spool)->dir());
  EXPECT_EQ(mode_of(*a), 0600);
  auto own_part = std::filesystem::relative(*a, parent.dir()).string();  // the dir and file names
  EXPECT_EQ(own_part.find(std::to_string(::getpid())), std::string::npos) << own_part;
  std::ifstream in(*b);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text, "name\nGrace\n");

  // A live runner's directory is locked: a second runner leaves it alone.
  auto other = ImportSpool::open(parent.dir());
  ASSERT_TRUE(other);
  EXPECT_TRUE(std::filesystem::exists(*a));
  EXPECT_EQ(remove_stale_spools(parent.dir()), 0);
  auto dir = (*spool)->dir();
  spool->reset();
  EXPECT_FALSE(std::filesystem::exists(dir));
  ::umask(old_umask);
}

TEST_P(ImportJobRunnerTest, StartingRemovesTheUploadsACrashedRunnerLeft) {
  icrm::testing::TempDir parent("icrm-spool");
  auto stale = stale_spool(parent.dir());
  ImportJobRunner runner(db(), clock_, parent.dir());
  EXPECT_FALSE(std::filesystem::exists(stale));
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(ImportJobRunnerTest);

}  // namespace
}  // namespace icrm::app
