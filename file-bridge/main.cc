// file-bridge: watches a folder and uploads complete CSV files to ingest-server (UploadFile).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "common/tls_options.h"
#include "common/units.h"
#include "file-bridge/bridge_config.h"
#include "file-bridge/bridge_loop.h"

namespace {

constexpr char kFooter[] = R"(
A file is taken once its size and mtime have not changed for --settle (it is looked at twice,
that far apart); dot-files, *.tmp and folders are never taken. Every --interval the oldest
complete files (by mtime, then name), at most --max-files-per-trigger, are uploaded one after the
other: header (name, sha256, size), then the bytes in 64 KiB chunks.
  result (duplicate or not)  -> ARCHIVE/<name> and ARCHIVE/<name>.result.json
                                (<stem>.1<ext>... when ARCHIVE holds other content of that name)
  INVALID_ARGUMENT, RESOURCE_EXHAUSTED, FAILED_PRECONDITION
                             -> FAILED/<name> and FAILED/<name>.reason
  UNAVAILABLE, DEADLINE_EXCEEDED, lost connection
                             -> stays; retried with backoff 500ms..30s (or the server's
                                retry-after-ms), later files wait behind it
A file is moved only after the server's answer, so a restart at any moment neither loses a file
nor ingests one twice (the server answers a second upload of a file as a duplicate). The three
folders are created when missing and must be on one filesystem.

With --once on a terminal, a line on stderr shows the progress: files done of those found, rows
accepted (and their rate) and rejected, failed files, duplicates, retries, elapsed time and how
much of the current file is sent. Into a pipe or a file it is left out; INGEST_PROGRESS=always
draws it there too, INGEST_PROGRESS=never nowhere.

Examples:
  file-bridge                                    # watch data/input, one trigger every 10s
  file-bridge --once --json                      # upload what is there now, print a summary
  file-bridge --watch /srv/in --archive /srv/done --failed /srv/bad --max-files-per-trigger 10

Exit codes: 0 success (rejected rows are not a failure; SIGINT/SIGTERM end a watch with 0);
1 a file went to FAILED or could not be uploaded; 2 bad usage, or the server could not be
reached within --connect-timeout.)";

bool ParseDurationOption(const std::string& name, const std::string& text, absl::Duration* out) {
  auto parsed = ingest::ParseDuration(text);
  if (!parsed.ok()) {
    std::fprintf(stderr, "file-bridge: %s: %s\n", name.c_str(),
                 std::string(parsed.status().message()).c_str());
    return false;
  }
  *out = *parsed;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  ingest::bridge::BridgeConfig config;
  std::string interval = "10s", settle = "1s", settle_limit = "1m", connect_timeout = "10s",
              upload_timeout = "10m", log_level = "info";

  CLI::App app{
      "file-bridge: watches a folder for complete CSV files, uploads each to ingest-server (gRPC\n"
      "UploadFile) and moves it to an archive folder once the server has made its rows durable."};
  app.footer(kFooter);
  app.set_config("--config", "", "Read options from a TOML/INI file (same names as the flags)");
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return absl::StrCat("file-bridge: ", e.what(), " (see --help)\n");
  });
  app.add_option("--watch", config.watch_dir, "Folder to take complete CSV files from")
      ->type_name("DIR")
      ->capture_default_str();
  app.add_option("--archive", config.archive_dir, "Where uploaded files go, each with <name>.result.json")
      ->type_name("DIR")
      ->capture_default_str();
  app.add_option("--failed", config.failed_dir, "Where files the server refused go, each with <name>.reason")
      ->type_name("DIR")
      ->capture_default_str();
  app.add_option("--max-files-per-trigger", config.max_files_per_trigger,
                 "Files uploaded per trigger at most")
      ->capture_default_str();
  app.add_option("--interval", interval, "Time between two triggers: seconds or a duration (500ms, 10s, 1m)")
      ->type_name("DURATION")
      ->capture_default_str();
  app.add_option("--settle", settle, "A file is complete when its size and mtime stay unchanged this long")
      ->type_name("DURATION")
      ->capture_default_str();
  app.add_option("--settle-limit", settle_limit,
                 "With --once: how long to wait for a file that keeps changing before leaving it")
      ->type_name("DURATION")
      ->capture_default_str();
  app.add_option("--target", config.target, "ingest-server address host:port")
      ->type_name("ADDR")
      ->capture_default_str();
  app.add_flag("--once", config.once,
               "Upload the complete files present now (in batches of --max-files-per-trigger), then exit");
  app.add_option("--connect-timeout", connect_timeout, "Give up when no connection is made for this long")
      ->type_name("DURATION")
      ->capture_default_str();
  app.add_option("--upload-timeout", upload_timeout, "Deadline of one upload (then it is retried)")
      ->type_name("DURATION")
      ->capture_default_str();
  ingest::AddClientSecurityOptions(app, config.tls, config.token_file);
  app.add_flag("--json", config.json, "Print the summary as one JSON object");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : ingest::bridge::kExitUsage;
  }
  if (!ParseDurationOption("--interval", interval, &config.interval) ||
      !ParseDurationOption("--settle", settle, &config.settle) ||
      !ParseDurationOption("--settle-limit", settle_limit, &config.settle_limit) ||
      !ParseDurationOption("--connect-timeout", connect_timeout, &config.connect_timeout) ||
      !ParseDurationOption("--upload-timeout", upload_timeout, &config.upload_timeout)) {
    return ingest::bridge::kExitUsage;
  }
  if (absl::Status s = ingest::SetLogLevel(log_level); !s.ok()) {
    std::fprintf(stderr, "file-bridge: --log-level: %s\n", std::string(s.message()).c_str());
    return ingest::bridge::kExitUsage;
  }
  config.progress = ingest::ProgressModeFromEnvironment("file-bridge");
  return ingest::bridge::Run(config);
}
