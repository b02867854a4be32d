#include "admin-cli/cli.h"

#include <CLI/CLI.hpp>

#include "absl/time/clock.h"
#include "admin-cli/admin_client.h"
#include "admin-cli/command.h"
#include "admin-cli/commands.h"
#include "admin-cli/human_format.h"

namespace ingest::admin {
namespace {

constexpr char kFooter[] = R"(
Examples:
  ingest-admin status
  ingest-admin batches --limit 5
  ingest-admin flush --timeout 2m
  ingest-admin --target unix:/run/ingest/admin.sock health
  ingest-admin status --json | jq .totals

Exit codes: 0 success; 1 the work failed or the answer is negative (flush not committed,
health not SERVING, an error from the server); 2 bad usage or the server unreachable.)";

void AddGlobalOptions(CLI::App& app, GlobalOptions* options) {
  app.add_option("--target", options->target,
                 "The ingest-server admin listener (its --admin-listen): HOST:PORT or unix:/path")
      ->capture_default_str()
      ->check([](const std::string& v) { return v.empty() ? "must not be empty" : ""; });
  app.add_flag("--json", options->json,
               "Print the server's answer as one JSON document (proto field names, every field "
               "present) instead of a table");
  AddDurationOption(&app, "--timeout", &options->timeout,
                    "How long to wait for the connection and for each answer");
}

// "run ingest-admin batches --help" when the error names an option of the subcommand given.
std::string HelpHint(const CLI::App& app, const std::string& message) {
  std::string option = message.substr(0, message.find(':'));
  for (const CLI::App* sub : app.get_subcommands()) {
    if (option.rfind("--", 0) == 0 && sub->get_option_no_throw(option) != nullptr) {
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
  AdminClient client(options.target);
  absl::Status connected = client.Connect(options.timeout);
  if (!connected.ok()) {
    console.err << "ingest-admin: " << connected.message()
                << ": is the server running? pass --target HOST:PORT if it listens elsewhere\n";
    return kExitUsage;
  }
  CommandContext context{options,
                         client,
                         console.out,
                         console.err,
                         console.width > 0 ? console.width : static_cast<size_t>(TerminalWidth()),
                         absl::Now()};
  return command.run(context);
}

}  // namespace

int RunAdminCli(const std::vector<std::string>& args, const Console& console) {
  CLI::App app("Inspect and steer a running ingest-server through its admin API (gRPC).", "ingest-admin");
  app.footer(kFooter);
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand: `status --json`
  GlobalOptions options;
  AddGlobalOptions(app, &options);
  const std::vector<Command> commands = {AddStatusCommand(app), AddBatchesCommand(app), AddFlushCommand(app),
                                         AddHealthCommand(app)};

  std::vector<const char*> argv = {"ingest-admin"};
  for (const auto& arg : args) argv.push_back(arg.c_str());
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
    if (command.app->parsed()) return Execute(command, options, console);
  }
  console.err << "ingest-admin: no command given (run ingest-admin --help)\n";
  return kExitUsage;
}

}  // namespace ingest::admin
