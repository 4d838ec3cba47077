#include "api/static_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/temp_dir.h"

namespace icrm::api {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(base_ / "dist" / "assets");
    write(base_ / "dist" / "index.html", "<!doctype html><div id=app></div>");
    write(base_ / "dist" / "assets" / "app-3f9a.js", "console.log(1)");
    write(base_ / "dist" / "assets" / "style.css", "body{}");
    write(base_ / "dist" / "logo.svg", "<svg/>");
    write(base_ / "secret.txt", "password=hunter2");
  }
  static void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

  Result<Response> get(const StaticFiles& files, const std::string& target,
                       Method m = Method::kGet) {
    Request r;
    r.method = m;
    EXPECT_TRUE(r.set_target(target)) << target;
    return files.serve(r);
  }
  icrm::testing::TempDir tmp_{"icrm-static"};
  fs::path base_ = tmp_.dir();
};

TEST_F(StaticFilesTest, ServesFilesWithTheirContentType) {
  StaticFiles files(base_ / "dist");
  auto js = get(files, "/assets/app-3f9a.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->body, "console.log(1)");
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js->headers.get("Cache-Control").value_or(""), "public, max-age=31536000, immutable");
  EXPECT_EQ(get(files, "/assets/style.css")->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(get(files, "/logo.svg")->content_type, "image/svg+xml");
  auto index = get(files, "/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(index->headers.get("Cache-Control").value_or(""), "no-cache");
}

TEST_F(StaticFilesTest, ClientRoutesFallBackToIndex) {
  StaticFiles files(base_ / "dist");
  auto r = get(files, "/leads/42");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "<!doctype html><div id=app></div>");
  auto missing_asset = get(files, "/assets/gone.js");
  ASSERT_FALSE(missing_asset);
  EXPECT_EQ(missing_asset.error().code, ErrorCode::kNotFound);
}

TEST_F(StaticFilesTest, HeadHasNoBody) {
  StaticFiles files(base_ / "dist");
  auto r = get(files, "/logo.svg", Method::kHead);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->omit_body);
}

TEST_F(StaticFilesTest, NoPathTraversal) {
  StaticFiles files(base_ / "dist");
  for (std::string t : {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt",
                        "/assets/%2E%2E/%2E%2E/secret.txt", "/..%2fsecret.txt",
                        "/assets/..%5c..%5csecret.txt", "/./secret.txt"}) {
    auto r = get(files, t);
    EXPECT_TRUE(!r || r->body.find("hunter2") == std::string::npos) << t;
    EXPECT_FALSE(r) << t;
  }
}

TEST_F(StaticFilesTest, SymlinkOutOfTheRootIsNotFollowed) {
  fs::create_symlink(base_ / "secret.txt", base_ / "dist" / "leak.txt");
  StaticFiles files(base_ / "dist");
  auto r = get(files, "/leak.txt");
  EXPECT_FALSE(r);
}

TEST_F(StaticFilesTest, ApiPathsAndWritesAreNotServed) {
  StaticFiles files(base_ / "dist");
  auto api = get(files, "/api/v1/unknown");
  ASSERT_FALSE(api);
  EXPECT_EQ(api.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(get(files, "/leads", Method::kPost));
}

TEST_F(StaticFilesTest, MissingDirectoryGetsAHelpfulPage) {
  StaticFiles files(base_ / "not-built");
  auto r = get(files, "/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->content_type, "text/html; charset=utf-8");
  EXPECT_NE(r->body.find("npm run build"), std::string::npos);
  EXPECT_NE(r->body.find("not-built"), std::string::npos);
}

TEST_F(StaticFilesTest, AFileOnePastTheSizeLimitIsNotServed) {
  // Sparse files: no disk is used for the zeros.
  for (auto [name, size] : {std::pair{"at-limit.bin", kMaxStaticFileBytes},
                            std::pair{"past-limit.bin", kMaxStaticFileBytes + 1}}) {
    write(base_ / "dist" / "assets" / name, "");
    fs::resize_file(base_ / "dist" / "assets" / name, size);
  }
  StaticFiles files(base_ / "dist");
  auto ok = get(files, "/assets/at-limit.bin");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->body.size(), kMaxStaticFileBytes);
  auto past = get(files, "/assets/past-limit.bin");
  ASSERT_FALSE(past);
  EXPECT_EQ(past.error().code, ErrorCode::kInternal);
}

}  // namespace
}  // namespace icrm::api
