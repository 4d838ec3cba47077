#include "app/event_file_replay.h"

#include <fmt/format.h>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <fstream>
#include <future>
#include <optional>
#include <thread>

#include "ingest/csv_reader.h"
#include "ingest/event_reader.h"

namespace icrm::app {
namespace {

using Micros = std::chrono::microseconds;

// Lines of one chunk as NDJSON, and the file line each came from.
struct Chunk {
  std::string ndjson;
  std::vector<uint64_t> lines;
};

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class Replayer {
 public:
  Replayer(EventIngestor& ingestor, const FileReplayOptions& options)
      : ingestor_(ingestor), options_(options), started_(std::chrono::steady_clock::now()) {}

  Status chunk(Chunk& c) {
    if (c.lines.empty()) return {};
    auto types = ingestor_.types();
    auto parsed =
        ingest::read_events(c.ndjson, ingest::EventBodyFormat::kNdjson, *types, ingestor_.clock());
    if (!parsed) return parsed.error();
    summary_.lines += parsed->received;
    for (const auto& r : parsed->rejected) reject(c.lines[r.index], r.field, r.reason);
    // Groups of events due at about the same moment, sent together.
    size_t begin = 0;
    while (begin < parsed->events.size()) {
      size_t end = begin + 1;
      Micros due = due_of(parsed->events[begin].ts);
      while (end < parsed->events.size() && due_of(parsed->events[end].ts) <= due + Micros(1000))
        ++end;
      pace(due);
      ingest::ParsedEvents group;
      group.received = end - begin;
      for (size_t i = begin; i < end; ++i) {
        group.events.push_back(std::move(parsed->events[i]));
        group.positions.push_back(parsed->positions[i]);
      }
      std::promise<Result<IngestReport>> promise;
      auto answer = promise.get_future();
      ingestor_.ingest(std::move(group), types,
                       [&promise](Result<IngestReport> r) { promise.set_value(std::move(r)); });
      auto report = answer.get();
      if (!report) return report.error();
      summary_.accepted += report->accepted;
      summary_.duplicates += report->duplicates;
      summary_.too_late += report->too_late;
      for (const auto& r : report->rejected) reject(c.lines[r.index], r.field, r.reason);
      begin = end;
    }
    c.ndjson.clear();
    c.lines.clear();
    return {};
  }

  void reject(uint64_t line, const std::string& field, const std::string& reason) {
    ++summary_.rejected;
    if (options_.rejected) options_.rejected(line, field, reason);
  }

  FileReplaySummary finish() {
    summary_.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    return summary_;
  }

 private:
  // When, after the start, an event of time `ts` is due at this speed.
  Micros due_of(Timestamp ts) {
    if (options_.speed <= 0) return Micros(0);
    if (!first_) first_ = ts;
    auto d = std::chrono::duration_cast<Micros>(ts - *first_);
    if (d.count() < 0) return Micros(0);  // out of order: send it now
    return Micros(static_cast<int64_t>(static_cast<double>(d.count()) / options_.speed));
  }
  void pace(Micros due) {
    if (options_.speed <= 0) return;
    if (options_.sleep) {
      // An injected sleep (tests) waits the whole difference from the last due time.
      if (due > slept_) options_.sleep(due - slept_);
      slept_ = std::max(slept_, due);
      return;
    }
    auto elapsed = std::chrono::duration_cast<Micros>(std::chrono::steady_clock::now() - started_);
    if (due > elapsed) std::this_thread::sleep_for(due - elapsed);
  }
  EventIngestor& ingestor_;
  const FileReplayOptions& options_;
  std::chrono::steady_clock::time_point started_;
  std::optional<Timestamp> first_;
  Micros slept_{0};
  FileReplaySummary summary_;
};

Status replay_jsonl(const std::string& path, Replayer& replayer) {
  std::ifstream in(path);
  if (!in) return Error::not_found("cannot open " + path);
  Chunk chunk;
  std::string line;
  for (uint64_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    chunk.ndjson += line;
    chunk.ndjson += '\n';
    chunk.lines.push_back(number);
    if (chunk.lines.size() == ingest::kMaxEventsPerRequest) {
      if (auto s = replayer.chunk(chunk); !s) return s;
    }
  }
  if (in.bad()) return Error::unavailable("reading " + path + " failed");
  return replayer.chunk(chunk);
}

Status replay_csv(const std::string& path, Replayer& replayer) {
  auto reader = ingest::CsvReader::open(path);
  if (!reader) return reader.error();
  const auto& header = (*reader)->header();
  const std::vector<std::string> known = {"id", "entity", "type", "ts", "value", "attrs"};
  std::vector<int> column(known.size(), -1);
  for (size_t c = 0; c < header.size(); ++c)
    for (size_t k = 0; k < known.size(); ++k)
      if (header[c] == known[k]) column[k] = static_cast<int>(c);
  for (size_t k : {1, 2, 3})
    if (column[k] < 0)
      return Error::invalid("the CSV header has no '" + known[k] + "' column", "file");
  Chunk chunk;
  ingest::CsvRecord record;
  while (true) {
    auto more = (*reader)->next(record);
    if (!more) {
      // A broken record: rejected alone, the reader goes on.
      replayer.reject(0, "", more.error().message);
      continue;
    }
    if (!*more) break;
    boost::json::object o;
    for (size_t k = 0; k < known.size(); ++k) {
      int c = column[k];
      if (c < 0 || static_cast<size_t>(c) >= record.size() || record[c].empty()) continue;
      std::string_view text = record[c];
      if (known[k] == "value") {
        double v = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec == std::errc() && end == text.data() + text.size())
          o["value"] = v;
        else
          o["value"] = text;  // rejected by validation, with the field named
      } else if (known[k] == "attrs") {
        o["attrs"] = text;  // validation wants an object: parsed below when it is one
        boost::system::error_code ec;
        auto parsed = boost::json::parse(text, ec);
        if (!ec && parsed.is_object()) o["attrs"] = std::move(parsed);
      } else {
        o[known[k]] = text;
      }
    }
    chunk.ndjson += boost::json::serialize(o);
    chunk.ndjson += '\n';
    chunk.lines.push_back(record.line());
    if (chunk.lines.size() == ingest::kMaxEventsPerRequest) {
      if (auto s = replayer.chunk(chunk); !s) return s;
    }
  }
  return replayer.chunk(chunk);
}

}  // namespace

std::string FileReplaySummary::to_json() const {
  return fmt::format(
      R"({{"lines":{},"accepted":{},"duplicates":{},"too_late":{},"rejected":{},"seconds":{:.3f},"events_per_second":{:.0f}}})",
      lines, accepted, duplicates, too_late, rejected, seconds,
      seconds > 0 ? static_cast<double>(accepted) / seconds : 0.0);
}

Result<FileReplaySummary> replay_event_file(EventIngestor& ingestor,
                                            const FileReplayOptions& options) {
  if (options.speed < 0) return Error::invalid("speed must be positive (or max)", "speed");
  auto format = options.format;
  if (format == FileReplayOptions::Format::kAuto)
    format = ends_with(options.path, ".csv") ? FileReplayOptions::Format::kCsv
                                             : FileReplayOptions::Format::kJsonl;
  Replayer replayer(ingestor, options);
  Status s = format == FileReplayOptions::Format::kCsv ? replay_csv(options.path, replayer)
                                                       : replay_jsonl(options.path, replayer);
  if (!s) return s.error();
  return replayer.finish();
}

}  // namespace icrm::app
