// ingest-minimal-loop: command line -> MinimalLoopConfig -> RunMinimalLoop.
#include <CLI/CLI.hpp>

#include "bench/minimal_loop/minimal_loop.h"

int main(int argc, char** argv) {
  ingest::bench::MinimalLoopConfig config;
  CLI::App app{
      "ingest-minimal-loop: the limit ingest-server is measured against (bench/ingest_path.sh).\n"
      "Serves ingest.v1.IngestService/StreamEvents: parses each batch, checks each event has an id and\n"
      "a type, appends the batch's bytes to --log-file, acks once a group fdatasync covered it.\n"
      "No database, no window, no producer state. Stops on SIGINT/SIGTERM."};
  app.add_option("--listen", config.listen, "address to serve on (host:port, port 0 = any free port)")
      ->capture_default_str();
  app.add_option("--log-file", config.log_file, "file the batches are appended to (truncated at start)")
      ->capture_default_str();
  app.add_option("--ready-file", config.ready_file, "once listening, write \"ingest=HOST:PORT\" here");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return ingest::bench::RunMinimalLoop(config);
}
