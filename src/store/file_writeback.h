// FileWriteback: asks the kernel to start writing a file's dirty pages to
// disk now, without waiting for them (Linux sync_file_range with
// SYNC_FILE_RANGE_WRITE), so that a later fsync finds little left to write.
//
// Used by BulkWriter while a load writes a fresh SQLite file through the
// rollback journal: SQLite writes the pages of the file as its small page
// cache spills, and they would otherwise stay dirty in the OS cache until
// the load's one commit, whose fdatasync then writes the whole file (~75 MB
// for Online Retail, 0.13-0.16 s of waiting at the end of a 2 s load;
// bench/README.md, "Seventh round"). Started after each batch, the disk
// writes them while the load goes on computing.
//
// It changes nothing about durability or ordering: the kernel may write a
// dirty page back at any moment anyway, and SQLite writes a page into the
// database file only once the journal that can undo it is on disk.
//
// It uses a descriptor the process already has open on the file (SQLite's
// own, found through /proc/self/fd by device and inode) and never closes it:
// closing any descriptor of a file drops the process's POSIX locks on it,
// which are SQLite's locks.
#pragma once

#include <string>

namespace icrm::store {

class FileWriteback {
 public:
  FileWriteback() = default;
  // The open descriptor of `path` in this process; inactive when there is
  // none or the platform has no /proc/self/fd.
  static FileWriteback of_open_file(const std::string& path);

  bool active() const { return fd_ >= 0; }
  // Starts writing the file's dirty pages; returns at once (unless the
  // device's queue is full). Errors are ignored: the commit's fsync still
  // writes whatever this did not.
  void start() const;

 private:
  explicit FileWriteback(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace icrm::store
