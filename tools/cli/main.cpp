// virtus: the command-line client. Wires the real host (stdout, the Linux file system,
// the in-process connection) to runCli().
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "cli/app.h"
#include "cli/connection_opener.h"
#include "os/linux_file_system.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  virtus::os::LinuxFileSystem fs;
  virtus::cli::CliHost host{std::cout, std::cerr, fs, isatty(STDOUT_FILENO) == 1,
                            virtus::cli::openConnection};
  return virtus::cli::runCli(args, host);
}
