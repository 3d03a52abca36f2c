// virtus-sanlock-register [--killpath PATH [--killarg ARG]...] CMD [ARGS...]
// virtus-sanlock-register --lost DIR UUID
//
// QEMU's command prefix under the sanlock lock driver: registers this process with the
// sanlock daemon (which records its pid), keeps the registration socket open across exec
// (sanlock drops the process's leases when it closes, i.e. when the process dies), and
// execs CMD with the same pid. With --killpath, sanlock runs PATH ARGS... instead of
// killing the process when a lease is lost. Exits 1 with a message when it cannot.
//
// --lost is the kill path virtusd registers: sanlock runs it when the guest UUID's leases
// are lost, and it only leaves the file DIR/UUID for virtusd, which then applies the
// guest's <on_lockfailure> (sanlock waits meanwhile instead of killing QEMU).
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
// clang-format off
extern "C" {  // sanlock's headers declare C functions without saying so
#include <sanlock.h>
#include <sanlock_resource.h>
}
// clang-format on

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

std::string errorText(int rv) {
  if (rv <= -200) {
    const char* text = sanlock_strerror(rv);
    return std::string(text ? text : "sanlock error") + " (" + std::to_string(rv) + ")";
  }
  return std::strerror(-rv);
}

int fail(const std::string& message) {
  std::fprintf(stderr, "virtus-sanlock-register: %s\n", message.c_str());
  return 1;
}

}  // namespace

// The kill path's part: tell virtusd which guest lost its leases.
int reportLost(const std::string& dir, const std::string& uuid) {
  if (uuid.empty() || uuid.find('/') != std::string::npos || uuid[0] == '.')
    return fail("--lost needs a directory and a domain UUID");
  const std::string path = dir + "/" + uuid;
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return fail("cannot create '" + path + "': " + std::strerror(errno));
  close(fd);
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--lost")
    return reportLost(argv[2], argv[3]);
  std::string killPath;
  std::string killArgs;
  int i = 1;
  for (; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--killpath" && i + 1 < argc) {
      killPath = argv[++i];
    } else if (arg == "--killarg" && i + 1 < argc) {
      // sanlock splits the arguments at spaces; escape them as it expects.
      std::string escaped;
      for (const char* p = argv[++i]; *p; ++p) {
        if (*p == ' ' || *p == '\\')
          escaped.push_back('\\');
        escaped.push_back(*p);
      }
      killArgs += (killArgs.empty() ? "" : " ") + escaped;
    } else if (arg == "--") {
      ++i;
      break;
    } else {
      break;
    }
  }
  if (i >= argc)
    return fail(
        "usage: virtus-sanlock-register [--killpath PATH [--killarg ARG]...] CMD [ARGS...]");
  if (!killArgs.empty() && killPath.empty())
    return fail("--killarg needs --killpath");

  int sock = sanlock_register();
  if (sock < 0)
    return fail("cannot register with the sanlock daemon: " + errorText(sock));
  if (!killPath.empty()) {
    if (killPath.size() >= SANLK_HELPER_PATH_LEN || killArgs.size() >= SANLK_HELPER_ARGS_LEN)
      return fail("the kill path or its arguments are too long for sanlock");
    int rv = sanlock_killpath(sock, 0, killPath.c_str(), killArgs.data());
    if (rv < 0)
      return fail("cannot register the kill path '" + killPath + "': " + errorText(rv));
  }
  int flags = fcntl(sock, F_GETFD);
  if (flags < 0 || fcntl(sock, F_SETFD, flags & ~FD_CLOEXEC) < 0)
    return fail(std::string("cannot keep the sanlock socket across exec: ") + std::strerror(errno));
  execvp(argv[i], argv + i);
  return fail(std::string("cannot execute '") + argv[i] + "': " + std::strerror(errno));
}
