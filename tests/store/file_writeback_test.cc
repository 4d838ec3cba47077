#include "store/file_writeback.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace icrm::store {
namespace {

class FileWritebackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "writeback-" + std::to_string(::getpid());
    std::filesystem::create_directories(dir_);
    path_ = dir_ + "/data";
    std::ofstream(path_) << "some bytes";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_, path_;
};

TEST_F(FileWritebackTest, FindsOnlyADescriptorOpenForWritingOnThatFile) {
  EXPECT_FALSE(FileWriteback::of_open_file(path_).active());  // not open in this process
  EXPECT_FALSE(FileWriteback::of_open_file(dir_ + "/missing").active());
  int read_only = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(read_only, 0);
  EXPECT_FALSE(FileWriteback::of_open_file(path_).active());  // nothing to write through it
  int writable = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(writable, 0);
  auto writeback = FileWriteback::of_open_file(path_);
  EXPECT_TRUE(writeback.active());
  ASSERT_EQ(::pwrite(writable, "more", 4, 10), 4);
  writeback.start();  // returns without waiting; the descriptor stays open
  EXPECT_EQ(::fcntl(writable, F_GETFD), FD_CLOEXEC);
  ::close(writable);
  ::close(read_only);
  EXPECT_EQ(std::filesystem::file_size(path_), 14u);
}

TEST_F(FileWritebackTest, DoesNothingWhenInactive) {
  FileWriteback none;
  EXPECT_FALSE(none.active());
  none.start();
}

}  // namespace
}  // namespace icrm::store
