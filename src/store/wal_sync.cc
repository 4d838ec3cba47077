#include "store/wal_sync.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace icrm::store {
namespace {

Error io_error(std::string_view what, const std::string& path) {
  return Error::unavailable(std::string(what) + " " + path + ": " + std::strerror(errno));
}

// fdatasync, retried when a signal interrupts it.
int data_sync(int fd) {
  int rc = 0;
  do {
    rc = ::fdatasync(fd);
  } while (rc != 0 && errno == EINTR);
  return rc;
}

}  // namespace

Result<std::shared_ptr<const WalSync>> WalSync::open(const std::string& wal_path) {
  int fd = ::open(wal_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open the write-ahead log", wal_path);
  std::shared_ptr<const WalSync> wal(new WalSync(wal_path, fd));
  std::string dir = std::filesystem::path(wal_path).parent_path().string();
  if (dir.empty()) dir = ".";
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return io_error("cannot open the directory of", wal_path);
  int rc = ::fsync(dir_fd);
  ::close(dir_fd);
  if (rc != 0) return io_error("cannot sync the directory of", wal_path);
  return wal;
}

WalSync::~WalSync() { ::close(fd_); }

Status WalSync::sync() const {
  if (data_sync(fd_) != 0) return io_error("cannot sync the write-ahead log", path_);
  return ok_status();
}

}  // namespace icrm::store
