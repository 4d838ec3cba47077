#include "store/private_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace icrm::store {

Error io_error(std::string_view what, const std::string& path) {
  return Error::unavailable(std::string(what) + " " + path + ": " + std::strerror(errno));
}

int sync_descriptor(int fd, bool data_only) {
  int rc = 0;
  do {
    rc = data_only ? ::fdatasync(fd) : ::fsync(fd);
  } while (rc != 0 && errno == EINTR);
  return rc;
}

Status create_private_file(const std::string& path) {
  // O_EXCL: never opens (and so never closes) a descriptor on an existing
  // file, which would drop this process's POSIX locks on it (SQLite's).
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return ok_status();
    return io_error("cannot create", path);
  }
  // The umask can only take bits away from 0600; fchmod makes it exact.
  int rc = ::fchmod(fd, 0600);
  ::close(fd);
  if (rc != 0) return io_error("cannot restrict the mode of", path);
  return sync_directory_of(path);
}

Status sync_directory_of(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open the directory of", path);
  int rc = sync_descriptor(fd);
  ::close(fd);
  if (rc != 0) return io_error("cannot sync the directory of", path);
  return ok_status();
}

Status durable_rename(const std::string& from, const std::string& to) {
  int fd = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open", from);
  int rc = sync_descriptor(fd);
  ::close(fd);
  if (rc != 0) return io_error("cannot sync", from);
  if (std::rename(from.c_str(), to.c_str()) != 0)
    return io_error("cannot move " + from + " into place at", to);
  return sync_directory_of(to);
}

}  // namespace icrm::store
