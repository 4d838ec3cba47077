// `insightcrm replay --file F.jsonl|F.csv [--speed N|max]`: past events
// through the live pipeline (validation, entity check, durable log, windows,
// alerts), time compressed N times or as fast as the store takes them.
#include <iostream>
#include <memory>

#include "app/event_file_replay.h"
#include "app/event_ingestor.h"
#include "cli/command.h"
#include "core/clock.h"
#include "core/event_bus.h"
#include "store/database.h"

namespace icrm::cli {
namespace {

// Rejected lines echoed to stderr; the rest are only counted.
constexpr uint64_t kMaxEchoedRejections = 20;

struct ReplayArgs {
  DbOption db;
  std::string file;
  std::string speed = "max";
  bool accept_visitors = false;
};

int run(const ReplayArgs& a) {
  app::FileReplayOptions o;
  o.path = a.file;
  if (a.speed != "max") {
    try {
      size_t used = 0;
      o.speed = std::stod(a.speed, &used);
      if (used != a.speed.size() || !(o.speed > 0)) throw std::invalid_argument("speed");
    } catch (const std::exception&) {
      return report(Error::invalid("--speed must be a positive number or max", "speed"));
    }
  }
  auto db = open_migrated_database(a.db, {.pool_size = 4});
  if (!db) return report(db.error());
  EventBus bus;
  app::IngestorOptions options;
  options.resolver.accept_visitors = a.accept_visitors;
  auto ingestor = app::EventIngestor::start(**db, SystemClock::instance(), bus, options);
  if (!ingestor) return report(ingestor.error());
  uint64_t echoed = 0;
  o.rejected = [&echoed](uint64_t line, const std::string& field, const std::string& reason) {
    if (echoed++ < kMaxEchoedRejections)
      std::cerr << "rejected: line " << line << (field.empty() ? "" : " (" + field + ")") << ": "
                << reason << "\n";
  };
  auto summary = app::replay_event_file(**ingestor, o);
  if (echoed > kMaxEchoedRejections)
    std::cerr << "... " << (echoed - kMaxEchoedRejections) << " more rejected line(s)\n";
  if (!summary) return report(summary.error());
  std::cout << summary->to_json() << std::endl;
  return kExitOk;
}

}  // namespace

void add_replay_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "replay",
      "Replay past events (JSONL, or CSV with entity,type,ts[,id,value,attrs] columns) into the\n"
      "event log and the live stream, time compressed by --speed (or as fast as possible).\n"
      "Bad lines are rejected one by one; events already stored are not counted again.");
  auto a = std::make_shared<ReplayArgs>();
  add_db_option(*cmd, a->db);
  cmd->add_option("--file", a->file, "Events file (.jsonl or .csv)")->required();
  cmd->add_option("--speed", a->speed, "Time compression factor, or max")->capture_default_str();
  cmd->add_flag("--anonymous-visitors", a->accept_visitors,
                "Accept events for visitor:ext:<id> entities that have no record");
  cmd->callback([a] {
    int code = run(*a);
    if (code != kExitOk) throw CLI::RuntimeError(code);
  });
}

}  // namespace icrm::cli
