// The page size of a SQLite file this program creates (SQLite's default is
// 4,096). The event log's durable append is SQLite-bound: every row descends
// the table and its unique index, and every dirty page is a WAL frame. With
// 16 KiB pages the trees are a level shallower, pages split a quarter as
// often and a commit writes fewer, larger frames: the writer thread spent
// less CPU per event (bench/README.md, "Page size and a cheaper load
// generator"). SQLite fixes the page size when a file is first written, so a
// file created before keeps its own; both work. WAL sizes that
// DatabaseOptions gives in 4 KiB pages (sqlite_checkpoint_pages) are scaled to
// the file's page size.
#pragma once

namespace icrm::store {

inline constexpr int kSqlitePageSize = 16384;
// The unit of DatabaseOptions::sqlite_checkpoint_pages.
inline constexpr int kSqliteCheckpointUnitBytes = 4096;

}  // namespace icrm::store
