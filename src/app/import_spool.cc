#include "app/import_spool.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "store/private_file.h"

namespace icrm::app {
namespace {

namespace fs = std::filesystem;
using store::io_error;

// A directory being made is locked before it gets its final name, so no
// cleaner ever sees one of ours unlocked.
constexpr std::string_view kMakingPrefix = ".insightcrm-imports-new-";

}  // namespace

int remove_stale_spools(const fs::path& parent) {
  std::error_code ec;
  int removed = 0;
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(kSpoolDirPrefix) || !entry.is_directory(ec)) continue;
    int fd = ::open(entry.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) continue;
    struct stat st {};
    bool ours = ::fstat(fd, &st) == 0 && st.st_uid == ::geteuid();
    // Held by a live runner (maybe another process on this host): leave it.
    if (ours && ::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      fs::remove_all(entry.path(), ec);
      if (!ec) ++removed;
    }
    ::close(fd);
  }
  return removed;
}

Result<std::unique_ptr<ImportSpool>> ImportSpool::open(const fs::path& parent) {
  std::error_code ec;
  fs::create_directories(parent, ec);
  remove_stale_spools(parent);
  std::string making = (parent / (std::string(kMakingPrefix) + "XXXXXX")).string();
  if (::mkdtemp(making.data()) == nullptr)
    return io_error("cannot make a spool directory in", parent.string());
  int fd = ::open(making.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || ::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    Error e = io_error("cannot lock the spool directory", making);
    if (fd >= 0) ::close(fd);
    fs::remove(making, ec);
    return e;
  }
  fs::path dir = parent / (std::string(kSpoolDirPrefix) +
                           making.substr(making.size() - std::string_view("XXXXXX").size()));
  if (std::rename(making.c_str(), dir.c_str()) != 0) {
    Error e = io_error("cannot name the spool directory", dir.string());
    ::close(fd);
    fs::remove(making, ec);
    return e;
  }
  return std::unique_ptr<ImportSpool>(new ImportSpool(std::move(dir), fd));
}

ImportSpool::~ImportSpool() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
  ::close(lock_fd_);
}

Result<std::string> ImportSpool::write(std::string_view bytes) const {
  std::string path = (dir_ / "upload-XXXXXX").string();
  int fd = ::mkstemp(path.data());  // 0600, a name nobody can guess
  if (fd < 0) return io_error("cannot create a spool file in", dir_.string());
  for (std::size_t done = 0; done < bytes.size();) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Error e = io_error("cannot write the upload to", path);
      ::close(fd);
      ::unlink(path.c_str());
      return e;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) {
    Error e = io_error("cannot write the upload to", path);
    ::unlink(path.c_str());
    return e;
  }
  return path;
}

}  // namespace icrm::app
