// web/src/records.gen.ts is the records' field tables as TypeScript: this
// fails when a table changed and the file was not written again.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "api/record_schemas.h"

namespace icrm::api {
namespace {

TEST(RecordTypesTest, TheDashboardsRecordTypesAreTheFieldTables) {
  const std::string path = std::string(ICRM_SOURCE_DIR) + "/web/src/records.gen.ts";
  const std::string want = typescript_record_types();
  if (std::getenv("ICRM_WRITE_RECORD_TYPES") != nullptr) {
    std::ofstream(path, std::ios::binary) << want;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "cannot read " << path;
  std::stringstream have;
  have << in.rdbuf();
  EXPECT_EQ(have.str(), want) << path << " is stale: run ICRM_WRITE_RECORD_TYPES=1 "
                              << "build/tests/api_test --gtest_filter='RecordTypes*'";
  // A field of each record, as the dashboard reads it.
  EXPECT_NE(want.find("export interface Lead {\n  id: number;\n"), std::string::npos);
  EXPECT_NE(want.find("  status: 'new' | 'contacted' | 'qualified' | 'converted' | 'lost';\n"),
            std::string::npos);
  EXPECT_NE(want.find("  email: string | null;\n"), std::string::npos);
}

}  // namespace
}  // namespace icrm::api
