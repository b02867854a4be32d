// The frame every ingest-admin subcommand fits in: the global options, the context a command
// runs with (a connected client, output streams, terminal width), and the shared ways to print
// JSON, report an RPC failure and read a duration option.
#pragma once

#include <google/protobuf/message.h>

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "admin-cli/admin_client.h"
#include "common/tls_credentials.h"

namespace ingest::admin {

// Exit codes of every ingest client binary.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // the work failed or the answer is negative
inline constexpr int kExitUsage = 2;   // bad usage, or the server is unreachable

// Options that apply to every command.
struct GlobalOptions {
  std::string target = "127.0.0.1:50052";
  std::string token_file;  // --token-file: the bearer token
  TlsFiles tls;            // --tls-ca (TLS on), --tls-cert/--tls-key (mTLS)
  bool json = false;
  absl::Duration timeout = absl::Seconds(10);
  absl::Duration watch = absl::ZeroDuration();  // --watch: redraw every this long; 0: once
};

// What a command runs with, once the client is connected.
struct CommandContext {
  const GlobalOptions& options;
  AdminClient& client;
  std::ostream& out;
  std::ostream& err;
  size_t width;  // columns tables must fit in
  absl::Time now;
};

// A subcommand of the app and how to run it once it was parsed.
struct Command {
  Command(CLI::App* app, std::function<int(CommandContext&)> run, bool watchable = true)
      : app(app), run(std::move(run)), watchable(watchable) {}

  CLI::App* app;
  std::function<int(CommandContext&)> run;
  bool watchable;  // false: --watch is refused (flush changes state)
};

// The response as one JSON document (proto field names, defaults included) and a newline.
int PrintJson(const google::protobuf::Message& message, CommandContext& context);

// One line on stderr naming the RPC, the target and the server's answer, with a hint for the
// codes that have one (`timeout` is the deadline the call had); returns kExitFailed.
int ReportRpcError(const std::string& rpc, const absl::Status& status, absl::Duration timeout,
                   CommandContext& context);

// The usual end of a command: the RPC's error reported, or its answer printed as JSON or as
// `render(answer)` gives it.
template <typename Response, typename Render>
int ShowAnswer(const std::string& rpc, const absl::StatusOr<Response>& answer, CommandContext& context,
               Render render) {
  if (!answer.ok()) return ReportRpcError(rpc, answer.status(), context.options.timeout, context);
  if (context.options.json) return PrintJson(*answer, context);
  context.out << render(*answer);
  return kExitOk;
}

// Adds `--limit` ("How many `what` to list"): a whole number from 1 to `max`, `default_limit`
// when not given; the value is read through the returned pointer when the command runs.
std::shared_ptr<uint32_t> AddLimitOption(CLI::App* app, uint32_t default_limit, uint32_t max,
                                         const std::string& what);

// Adds an option written as a duration ("500ms", "10s", "2m", "1h", bare number = seconds).
CLI::Option* AddDurationOption(CLI::App* app, const std::string& name, absl::Duration* value,
                               const std::string& description);

}  // namespace ingest::admin
