// ingest-admin: status, batches, producers, rejections, files, where, flush and health of a
// running ingest-server.
#include <iostream>
#include <string>
#include <vector>

#include "admin-cli/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return ingest::admin::RunAdminCli(args, {std::cout, std::cerr});
}
