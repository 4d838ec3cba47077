#include "store/file_writeback.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <filesystem>
#include <system_error>

namespace icrm::store {

FileWriteback FileWriteback::of_open_file(const std::string& path) {
  struct stat want {};
  if (::stat(path.c_str(), &want) != 0) return {};
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    int fd = -1;
    try {
      fd = std::stoi(it->path().filename().string());
    } catch (const std::exception&) {
      continue;
    }
    struct stat got {};
    if (::fstat(fd, &got) == 0 && S_ISREG(got.st_mode) && got.st_dev == want.st_dev &&
        got.st_ino == want.st_ino && (::fcntl(fd, F_GETFL) & O_ACCMODE) != O_RDONLY)
      return FileWriteback(fd);
  }
  return {};
}

void FileWriteback::start() const {
#ifdef SYNC_FILE_RANGE_WRITE
  if (fd_ >= 0) (void)::sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
}

}  // namespace icrm::store
