// ingest-admin's command line: parses the arguments with CLI11, connects to the admin API,
// runs one subcommand and returns the exit code. main.cc only forwards argv to RunAdminCli.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace ingest::admin {

// Where results (out) and errors (err) go, the columns tables must fit (0: see TerminalWidth in
// human_format.h, asked again for every --watch frame), whether out is a terminal (unset: ask
// isatty) and how --watch waits between frames (empty: until SIGINT or SIGTERM).
struct Console {
  std::ostream& out;
  std::ostream& err;
  size_t width = 0;
  std::optional<bool> terminal = std::nullopt;
  std::function<bool(absl::Duration)> wait_for_stop = nullptr;
};

// `args` without the program name. Returns 0 on success, 1 when the work failed or the answer
// is negative, 2 on bad usage or when the server cannot be reached. Never throws.
int RunAdminCli(const std::vector<std::string>& args, const Console& console);

}  // namespace ingest::admin
