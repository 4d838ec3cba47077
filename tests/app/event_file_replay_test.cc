// `insightcrm replay`'s engine on both engines: JSONL and CSV files through
// the live pipeline, bad lines rejected by line number, a second replay of
// the same file counted as duplicates, and --speed pacing by event time.
#include "app/event_file_replay.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "store/event_store.h"
#include "store/lead_store.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"

namespace icrm::app {
namespace {

class EventFileReplayTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    store::Lead l;
    l.name = "Ada";
    l.external_id = "crm-7";
    auto made = store::LeadStore(db(), clock_).create(store::Actor::system(), l);
    ASSERT_TRUE(made.ok()) << made.error().to_string();
    lead_ = "lead:" + std::to_string(made->id);
    auto started = EventIngestor::start(db(), clock_, bus_);
    ASSERT_TRUE(started.ok()) << started.error().to_string();
    ingestor_ = std::move(*started);
  }
  void TearDown() override {
    ingestor_.reset();
    StoreTest::TearDown();
  }
  std::string write(const std::string& name, const std::string& text) {
    return dir_.write(name, text);
  }
  Result<FileReplaySummary> replay(const std::string& path, double speed = 0) {
    FileReplayOptions o;
    o.path = path;
    o.speed = speed;
    o.sleep = [this](std::chrono::microseconds d) { slept_.push_back(d); };
    o.rejected = [this](uint64_t line, const std::string& field, const std::string&) {
      rejections_.push_back(std::to_string(line) + ":" + field);
    };
    return replay_event_file(*ingestor_, o);
  }

  ManualClock clock_{*parse_timestamp("2026-11-23T12:00:00Z")};
  EventBus bus_;
  std::unique_ptr<EventIngestor> ingestor_;
  icrm::testing::TempDir dir_{"icrm-replay"};
  std::string lead_;
  std::vector<std::string> rejections_;
  std::vector<std::chrono::microseconds> slept_;
};

TEST_P(EventFileReplayTest, JsonlLinesAreStoredAndBadOnesNamedByLine) {
  std::string text =
      R"({"entity":")" + lead_ +
      R"(","type":"page_view","ts":"2026-11-20T10:00:00Z"})"
      "\n"
      "\n"  // blank lines are skipped but still counted as lines of the file
      R"({"entity":"lead:ext:crm-7","type":"purchase","ts":"2026-11-20T10:05:00Z","value":12.5})"
      "\n"
      R"({"entity":"lead:999999","type":"page_view","ts":"2026-11-20T10:06:00Z"})"
      "\n"
      R"({"entity":")" +
      lead_ +
      R"(","type":"teleport","ts":"2026-11-20T10:07:00Z"})"
      "\n"
      "{not json\n";
  auto path = write("events.jsonl", text);
  auto s = replay(path);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_EQ(s->lines, 5u);
  EXPECT_EQ(s->accepted, 2u);
  EXPECT_EQ(s->rejected, 3u);
  std::sort(rejections_.begin(), rejections_.end());
  EXPECT_EQ(rejections_, (std::vector<std::string>{"4:entity", "5:type", "6:"}));
  EXPECT_EQ(*store::EventStore(db()).count(), 2);
  // The same file again: recognised, not stored or counted twice.
  rejections_.clear();
  auto again = replay(path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->accepted, 0u);
  EXPECT_EQ(again->duplicates, 2u);
  EXPECT_EQ(*store::EventStore(db()).count(), 2);
}

TEST_P(EventFileReplayTest, CsvColumnsAreMappedByHeader) {
  auto path = write("events.csv",
                    "ts,entity,type,value,id\n"
                    "2026-11-20T10:00:00Z," +
                        lead_ +
                        ",purchase,20,a1\n"
                        "2026-11-20T11:00:00Z,lead:ext:crm-7,purchase,abc,a2\n"
                        "2026-11-20T12:00:00Z,lead:ext:crm-7,email_open,,a3\n");
  auto s = replay(path);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_EQ(s->accepted, 2u);
  EXPECT_EQ(rejections_, (std::vector<std::string>{"3:value"}));
  auto missing = write("bad.csv", "when,entity,type\n2026-11-20T10:00:00Z,lead:1,call\n");
  auto refused = replay(missing);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("'ts'"), std::string::npos);
  EXPECT_FALSE(replay(dir_.path("absent.jsonl")).ok());
}

TEST_P(EventFileReplayTest, SpeedCompressesTheTimeBetweenEvents) {
  std::string text;
  for (int minute : {0, 10, 10, 30})
    text += R"({"entity":")" + lead_ + R"(","type":"call","ts":"2026-11-20T10:)" +
            (minute < 10 ? "0" : "") + std::to_string(minute) + R"(:00Z","id":"c)" +
            std::to_string(text.size()) + "\"}\n";
  auto s = replay(write("calls.jsonl", text), 60);  // an hour per minute
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_EQ(s->accepted, 4u);
  // 10 min and then 20 min of event time, 60 times faster: 10 s and 20 s.
  EXPECT_EQ(slept_, (std::vector<std::chrono::microseconds>{std::chrono::seconds(10),
                                                            std::chrono::seconds(20)}));
}

ICRM_INSTANTIATE_ON_BOTH_ENGINES(EventFileReplayTest);

}  // namespace
}  // namespace icrm::app
