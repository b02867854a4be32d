// producers, rejections, files and where: read-only views of what the server and its database hold.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "admin-cli/commands.h"
#include "admin-cli/files_view.h"
#include "admin-cli/producers_view.h"
#include "admin-cli/rejections_view.h"
#include "admin-cli/where_view.h"
#include "common/validation.h"

namespace ingest::admin {
namespace {

// What the server caps these lists at, too.
constexpr uint32_t kMaxProducersLimit = 10000;
constexpr uint32_t kMaxRowsLimit = 1000;

const std::vector<std::string>& RejectionCodes() {
  static const auto* codes = new std::vector<std::string>{
      code::kMissingField,    code::kTooLong,      code::kBadNumber,       code::kOutOfRange,
      code::kBadEnum,         code::kBadTimestamp, code::kFutureTimestamp, code::kBadUtf8,
      code::kWrongFieldCount, code::kDbRefused};
  return *codes;
}

CLI::Validator RejectionCode() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        for (const auto& c : RejectionCodes()) {
          if (text == c) return "";
        }
        return absl::StrCat("unknown code '", text, "' (the codes are ",
                            absl::StrJoin(RejectionCodes(), ", "), ")");
      },
      "CODE");
}

}  // namespace

Command AddProducersCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand(
      "producers",
      "List the producers, most recently seen first: live stream (peer, connected for how long), "
      "last seen, last received / durable / committed sequence, events received since the server started");
  auto limit = AddLimitOption(sub, 100, kMaxProducersLimit, "producers");
  return {sub, [limit](CommandContext& context) {
            return ShowAnswer("ListProducers", context.client.ListProducers(*limit, context.options.timeout),
                              context, [&](const auto& producers) {
                                return RenderProducers(producers, context.width, context.now);
                              });
          }};
}

Command AddRejectionsCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand(
      "rejections",
      "List the newest rejected events (rejected_events), newest first: origin, position or line, "
      "event id, code, reason and batch");
  auto limit = AddLimitOption(sub, 20, kMaxRowsLimit, "rejections");
  auto code = std::make_shared<std::string>();
  sub->add_option("--code", *code, "Only this rejection code: " + absl::StrJoin(RejectionCodes(), ", "))
      ->check(RejectionCode());
  return {sub, [limit, code](CommandContext& context) {
            return ShowAnswer(
                "ListRejections", context.client.ListRejections(*limit, *code, context.options.timeout),
                context,
                [&](const auto& rejections) { return RenderRejections(rejections, context.width, *code); });
          }};
}

Command AddFilesCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand(
      "files",
      "List the newest ingested files (ingested_files), newest first: name, size, rows accepted and "
      "rejected, the batch holding their rows, sha256");
  auto limit = AddLimitOption(sub, 20, kMaxRowsLimit, "files");
  return {sub, [limit](CommandContext& context) {
            return ShowAnswer("ListFiles", context.client.ListFiles(*limit, context.options.timeout), context,
                              [&](const auto& files) { return RenderFiles(files, context.width); });
          }};
}

Command AddWhereCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand(
      "where",
      "Show where one event is: in_window (received, in the open window), sealed (durable, waiting "
      "for batch N), committed (batch N at time T), rejected (code and reason) or unknown (exit 1)");
  auto event_id = std::make_shared<std::string>();
  sub->add_option("EVENT_ID", *event_id, "The event_id to look up")->required();
  return {sub, [event_id](CommandContext& context) {
            auto where = context.client.WhereIsEvent(*event_id, context.options.timeout);
            if (!where.ok()) {
              return ReportRpcError("WhereIsEvent", where.status(), context.options.timeout, context);
            }
            int printed = kExitOk;
            if (context.options.json) {
              printed = PrintJson(*where, context);
            } else {
              context.out << RenderWhere(*event_id, *where, context.now);
            }
            if (where->state() != "unknown") return printed;
            context.err << "ingest-admin: event '" << *event_id << "' is unknown to the server at "
                        << context.options.target
                        << ": it is not in the open window, a sealed batch or the database (check the id; "
                           "an event not yet acked is not there until its producer sends it)\n";
            return kExitFailed;
          }};
}

}  // namespace ingest::admin
