#include "admin-cli/cli.h"

#include <CLI/CLI.hpp>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "admin-cli/admin_client.h"
#include "admin-cli/command.h"
#include "admin-cli/commands.h"
#include "admin-cli/human_format.h"
#include "admin-cli/watch.h"
#include "common/client_access.h"
#include "common/tls_options.h"
#include "common/units.h"

namespace ingest::admin {
namespace {

constexpr char kFooter[] = R"(
Examples:
  ingest-admin status
  ingest-admin --watch batches --limit 5
  ingest-admin rejections --code bad_number
  ingest-admin where gen-1a2b3c4d-1-17
  ingest-admin flush --timeout 2m
  ingest-admin --target unix:/run/ingest/admin.sock health
  ingest-admin status --json | jq .totals

Tables fit the terminal (or $COLUMNS); piped output is not cut unless $COLUMNS is set.
Exit codes: 0 success; 1 the work failed or the answer is negative (flush not committed,
health not SERVING, where: event unknown, an error from the server); 2 bad usage or the server
unreachable.)";

void AddGlobalOptions(CLI::App& app, GlobalOptions* options) {
  app.add_option("--target", options->target,
                 "The ingest-server admin listener (its --admin-listen): HOST:PORT or unix:/path")
      ->capture_default_str()
      ->check([](const std::string& v) { return v.empty() ? "must not be empty" : ""; });
  AddClientSecurityOptions(app, options->tls, options->token_file);
  app.add_flag("--json", options->json,
               "Print the server's answer as one JSON document (proto field names, every scalar "
               "field present) instead of a table");
  AddDurationOption(&app, "--timeout", &options->timeout,
                    "How long to wait for the connection and for each answer");
  auto watch = [options](const std::string& text) {
    absl::StatusOr<absl::Duration> parsed = ParseDuration(text);
    if (!parsed.ok()) throw CLI::ValidationError("--watch", std::string(parsed.status().message()));
    if (*parsed < kMinWatchInterval) {
      throw CLI::ValidationError("--watch", absl::StrCat("must be at least ", DurationText(kMinWatchInterval),
                                                         ", got '", text, "'"));
    }
    options->watch = *parsed;
  };
  app.add_option_function<std::string>(
         "--watch", watch,
         absl::StrCat(
             "Run the command again every SECONDS (default ", DurationText(kDefaultWatchInterval),
             "; e.g. 5 or 500ms) and redraw it in place until Ctrl-C; the exit code is the last run's"))
      ->type_name("[SECONDS]");
}

// "run ingest-admin batches --help" when the error names an option or argument of the
// subcommand given.
std::string HelpHint(const CLI::App& app, const std::string& message) {
  std::string option = message.substr(0, message.find(' '));
  option = option.substr(0, option.find(':'));
  for (const CLI::App* sub : app.get_subcommands()) {
    if (!option.empty() && sub->get_option_no_throw(option) != nullptr) {
      return "run ingest-admin " + sub->get_name() + " --help";
    }
  }
  return "run ingest-admin --help";
}

// Said instead of CLI11's "A subcommand is required" when no subcommand matched:
// "unknown command 'statsu' (the commands are ...)" or "no command given (...)".
std::string CommandProblem(const CLI::App& app, const std::vector<Command>& commands) {
  std::string known;
  for (const Command& command : commands) {
    known += (known.empty() ? "" : ", ") + command.app->get_name();
  }
  for (const std::string& word : app.remaining()) {
    if (!word.empty() && word[0] != '-') {
      return "unknown command '" + word + "' (the commands are " + known + ")";
    }
    return "unknown option '" + word + "'";
  }
  return "no command given (the commands are " + known + ")";
}

int Execute(const Command& command, const GlobalOptions& options, const Console& console) {
  const bool watching = options.watch > absl::ZeroDuration();
  StopWait stop = console.wait_for_stop;
  if (watching && !stop) stop = StopOnSignal();  // before the channel starts its threads
  auto access = LoadClientAccess(options.tls, options.token_file);
  if (!access.ok()) {
    console.err << "ingest-admin: " << access.status().message() << "\n";
    return kExitUsage;
  }
  AdminClient client(options.target, *access);
  absl::Status connected = client.Connect(options.timeout);
  if (!connected.ok()) {
    console.err << "ingest-admin: " << connected.message()
                << ": is the server running? pass --target HOST:PORT if it listens elsewhere"
                << TlsHint(options.tls, connected.message()) << "\n";
    return kExitUsage;
  }
  auto run = [&](std::ostream& out, std::ostream& err) {
    CommandContext context{options,    client, out, err, console.width > 0 ? console.width : TerminalWidth(),
                           absl::Now()};
    return command.run(context);
  };
  if (!watching) return run(console.out, console.err);
  std::string title;
  if (!options.json) {
    title = absl::StrCat("every ", DurationText(options.watch), ": ingest-admin ", command.app->get_name(),
                         " at ", options.target);
  }
  WatchFrame frame{options.watch, console.terminal.value_or(StdoutIsTerminal()), title};
  return Watch(frame, run, console.out, console.err, stop);
}

}  // namespace

int RunAdminCli(const std::vector<std::string>& args, const Console& console) {
  CLI::App app("Inspect and steer a running ingest-server through its admin API (gRPC).", "ingest-admin");
  app.footer(kFooter);
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand: `status --json`
  GlobalOptions options;
  AddGlobalOptions(app, &options);
  const std::vector<Command> commands = {
      AddStatusCommand(app), AddBatchesCommand(app), AddProducersCommand(app), AddRejectionsCommand(app),
      AddFilesCommand(app),  AddWhereCommand(app),   AddFlushCommand(app),     AddHealthCommand(app)};

  const std::vector<std::string> words = WithWatchDefault(args);
  std::vector<const char*> argv = {"ingest-admin"};
  for (const auto& arg : words) argv.push_back(arg.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      return app.exit(e, console.out, console.err);  // --help
    }
    bool no_command = app.get_subcommands().empty() && (dynamic_cast<const CLI::RequiredError*>(&e) ||
                                                        dynamic_cast<const CLI::ExtrasError*>(&e));
    std::string message = no_command ? CommandProblem(app, commands) : e.what();
    console.err << "ingest-admin: " << message << ": " << HelpHint(app, e.what()) << "\n";
    return kExitUsage;
  }
  for (const Command& command : commands) {
    if (!command.app->parsed()) continue;
    if (options.watch > absl::ZeroDuration() && !command.watchable) {
      console.err << "ingest-admin: --watch does not apply to " << command.app->get_name()
                  << ", which changes the server's state: run it without --watch\n";
      return kExitUsage;
    }
    return Execute(command, options, console);
  }
  console.err << "ingest-admin: no command given (run ingest-admin --help)\n";
  return kExitUsage;
}

}  // namespace ingest::admin
