// Progress: the one progress line of the CLI — a bar, the count, the rate and
// the ETA; redrawn at most every kProgressRedraw within a stage, at once for
// a new stage or its last item; nothing at all when disabled.
#include "cli/progress.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

namespace icrm::cli {
namespace {

TEST(Progress, ShowsRowsRateAndEta) {
  ManualClock clock(from_unix_micros(0));
  std::ostringstream out;
  Progress bar(clock, out, true);
  std::string text = Progress::render("", 250, 1000, "rows", std::chrono::seconds(1));
  EXPECT_NE(text.find("250 rows"), std::string::npos);
  EXPECT_NE(text.find("250 rows/s"), std::string::npos);
  EXPECT_NE(text.find("ETA 3s"), std::string::npos);
  EXPECT_NE(text.find(" 25%"), std::string::npos);
  bar.stage("", 1, 1000, "rows");
  clock.advance(std::chrono::milliseconds(10));
  bar.stage("", 2, 1000, "rows");  // within kProgressRedraw: not drawn again
  std::string drawn = out.str();
  EXPECT_EQ(std::count(drawn.begin(), drawn.end(), '\r'), 1);
  Progress off(clock, out, false);
  std::string before = out.str();
  off.stage("", 5, 10, "rows");
  off.update("reading");
  off.done();
  EXPECT_EQ(out.str(), before);
}

TEST(Progress, NamedStagesDrawCountsAndRedrawOnANewStageOrTheLastItem) {
  EXPECT_EQ(Progress::render("scoring", 1200, 4000, "", std::chrono::seconds(1)),
            "scoring [#########.....................]  30% 1200/4000  ETA 2s");
  EXPECT_EQ(Progress::render("reading events", 52000, 0, "", std::chrono::seconds(1)),
            "reading events 52000");
  EXPECT_EQ(Progress::render("inferring outcomes", 0, 0, "", std::chrono::seconds(1)),
            "inferring outcomes");
  ManualClock clock(from_unix_micros(0));
  std::ostringstream out;
  {
    Progress p(clock, out, true);
    p.stage("deciding", 1, 3);
    p.stage("deciding", 2, 3);  // throttled
    p.stage("deciding", 3, 3);  // the last: drawn
    p.stage("writing", 0, 0);   // a new stage: drawn
    p.update("done soon");      // text: drawn
  }                             // erased on destruction
  std::string drawn = out.str();
  EXPECT_EQ(std::count(drawn.begin(), drawn.end(), '\r'), 5);
  EXPECT_EQ(drawn.find("2/3"), std::string::npos);
  EXPECT_NE(drawn.find("deciding [##############################] 100% 3/3"), std::string::npos);
  EXPECT_TRUE(drawn.ends_with("\r\x1b[K")) << drawn;
}

}  // namespace
}  // namespace icrm::cli
