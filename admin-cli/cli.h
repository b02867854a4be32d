// ingest-admin's command line: parses the arguments with CLI11, connects to the admin API,
// runs one subcommand and returns the exit code. main.cc only forwards argv to RunAdminCli.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace ingest::admin {

// Where results (out) and errors (err) go, and the columns tables must fit (0: the terminal's
// width, or $COLUMNS, or 120).
struct Console {
  std::ostream& out;
  std::ostream& err;
  size_t width = 0;
};

// `args` without the program name. Returns 0 on success, 1 when the work failed or the answer
// is negative, 2 on bad usage or when the server cannot be reached. Never throws.
int RunAdminCli(const std::vector<std::string>& args, const Console& console);

}  // namespace ingest::admin
