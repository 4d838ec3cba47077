#include "store/wal_sync.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "store/private_file.h"

namespace icrm::store {

Result<std::shared_ptr<const WalSync>> WalSync::open(const std::string& wal_path) {
  int fd = ::open(wal_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open the write-ahead log", wal_path);
  std::shared_ptr<const WalSync> wal(new WalSync(wal_path, fd));
  if (auto s = sync_directory_of(wal_path); !s) return s.error();
  return wal;
}

WalSync::~WalSync() { ::close(fd_); }

Status WalSync::sync() const {
  if (sync_descriptor(fd_, /*data_only=*/true) != 0)
    return io_error("cannot sync the write-ahead log", path_);
  return ok_status();
}

}  // namespace icrm::store
