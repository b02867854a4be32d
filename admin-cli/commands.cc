#include "admin-cli/commands.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "admin-cli/batches_view.h"
#include "admin-cli/status_view.h"
#include "common/units.h"

namespace ingest::admin {
namespace {

using grpc::health::v1::HealthCheckResponse;

// The server caps batches at this many too.
constexpr uint32_t kMaxBatchesLimit = 10000;

}  // namespace

Command AddStatusCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand(
      "status",
      "Show the server's state: version, uptime, listeners, intake mode, the open window, the "
      "last committed batch, totals, the database writer (sink) and disk use");
  return {sub, [](CommandContext& context) {
            return ShowAnswer("GetStatus", context.client.GetStatus(context.options.timeout), context,
                              [&](const auto& status) { return RenderStatus(status, context.now); });
          }};
}

Command AddBatchesCommand(CLI::App& app) {
  CLI::App* sub =
      app.add_subcommand("batches",
                         "List the newest committed micro-batches, newest first, with row counts, "
                         "database write time and the producers and files that contributed");
  auto limit = AddLimitOption(sub, 20, kMaxBatchesLimit, "batches");
  return {sub, [limit](CommandContext& context) {
            return ShowAnswer("ListBatches", context.client.ListBatches(*limit, context.options.timeout),
                              context,
                              [&](const auto& batches) { return RenderBatches(batches, context.width); });
          }};
}

Command AddFlushCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand(
      "flush",
      "Seal the open window and wait until everything the server received before the call is "
      "committed to PostgreSQL; exits 1 if the database stays unavailable");
  auto timeout = std::make_shared<absl::Duration>(absl::Seconds(60));
  AddDurationOption(sub, "--timeout", timeout.get(),
                    "How long to wait for the commit (the server answers UNAVAILABLE shortly "
                    "before this when the database stays down)");
  return Command(
      sub,
      [timeout](CommandContext& context) {
        auto flushed = context.client.Flush(*timeout);
        if (flushed.status().code() == absl::StatusCode::kUnavailable) {
          context.err << "ingest-admin: flush did not complete: " << flushed.status().message()
                      << " (the server keeps retrying; see ingest-admin status)\n";
          return kExitFailed;
        }
        if (!flushed.ok()) return ReportRpcError("Flush", flushed.status(), *timeout, context);
        if (context.options.json) return PrintJson(*flushed, context);
        if (!flushed->empty()) {
          context.out << "flushed: batch " << flushed->batch_id() << " committed\n";
        } else if (flushed->batch_id() == 0) {
          context.out << "flushed: nothing to commit (no batch committed yet)\n";
        } else {
          context.out << "flushed: nothing to commit (last committed batch " << flushed->batch_id() << ")\n";
        }
        return kExitOk;
      },
      /*watchable=*/false);
}

Command AddHealthCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand(
      "health",
      "Ask the standard gRPC health service; prints SERVING or NOT_SERVING and exits 0 only "
      "when SERVING");
  auto service = std::make_shared<std::string>();
  sub->add_option("--service", *service,
                  "The service to ask about, e.g. ingest.v1.IngestService (default: the server "
                  "as a whole)");
  return {sub, [service](CommandContext& context) {
            auto health = context.client.CheckHealth(*service, context.options.timeout);
            if (!health.ok()) {
              return ReportRpcError("Health/Check", health.status(), context.options.timeout, context);
            }
            int printed = kExitOk;
            if (context.options.json) {
              printed = PrintJson(*health, context);
            } else {
              context.out << HealthCheckResponse::ServingStatus_Name(health->status()) << "\n";
            }
            if (health->status() == HealthCheckResponse::SERVICE_UNKNOWN) {
              context.err << "ingest-admin: the server has no service named '" << *service
                          << "' (leave out --service to ask about the server as a whole)\n";
            }
            bool serving = health->status() == HealthCheckResponse::SERVING;
            return serving && printed == kExitOk ? kExitOk : kExitFailed;
          }};
}

}  // namespace ingest::admin
