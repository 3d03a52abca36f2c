// Real block devices for tests: a loop device over a sparse image file, and a guard that
// unmounts whatever a test mounted under a directory. Both clean up in their destructors, so
// that no test leaves a loop device attached or a filesystem mounted, even when it fails.
// Header-only.
//
//   TEST(FsReal, Mounts) {
//     VIRTUS_NEED_LOOP_DEVICE(loop, dir.path(), 320 << 20, /*partscan=*/false);
//     MountGuard mounts(dir.path() + "/mnt");
//     ... loop.path() is "/dev/loopN" ...
//
// Without loop devices (no root, no /dev/loop-control) the test is skipped, unless
// VIRTUS_REQUIRE_SERVICES is set (make check sets it), where it fails.
#pragma once

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/services.h"

namespace virtus::testing {

// Runs argv (no shell) and returns its exit status (-1 when it could not run); its stdout
// goes to `out` when given, its stderr to the test's stderr.
inline int runTool(const std::vector<std::string>& argv, std::string* out = nullptr) {
  int pipeFds[2];
  if (::pipe(pipeFds) != 0)
    return -1;
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(pipeFds[0]);
    ::close(pipeFds[1]);
    return -1;
  }
  if (pid == 0) {
    ::dup2(pipeFds[1], STDOUT_FILENO);
    ::close(pipeFds[0]);
    ::close(pipeFds[1]);
    std::vector<char*> args;
    for (const std::string& a : argv)
      args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(pipeFds[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = ::read(pipeFds[0], buf, sizeof buf)) > 0;)
    text.append(buf, static_cast<std::size_t>(n));
  ::close(pipeFds[0]);
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid)
    return -1;
  if (out)
    *out = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// A sparse image file of `size` bytes attached to a free loop device (`losetup -f --show`,
// with -P when `partscan`). Detached on destruction, its partitions dropped first (partx -d),
// since partitions added on a loop without partition scanning can outlive `losetup -d`.
class LoopDevice {
 public:
  LoopDevice(const std::string& dir, std::uint64_t size, bool partscan = false) {
    image_ =
        dir + "/loop-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++) + ".img";
    {
      std::ofstream create(image_);
      if (!create)
        return;
    }
    if (::truncate(image_.c_str(), static_cast<off_t>(size)) != 0)
      return;
    std::vector<std::string> argv = {"losetup", "-f", "--show"};
    if (partscan)
      argv.push_back("-P");
    argv.push_back(image_);
    std::string out;
    if (runTool(argv, &out) != 0)
      return;
    while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
      out.pop_back();
    path_ = out;
  }
  ~LoopDevice() { detach(); }
  LoopDevice(const LoopDevice&) = delete;
  LoopDevice& operator=(const LoopDevice&) = delete;

  bool ok() const { return !path_.empty(); }
  // "/dev/loopN"
  const std::string& path() const { return path_; }
  const std::string& image() const { return image_; }
  // Partition N's node: "/dev/loopNpM".
  std::string partition(int n) const { return path_ + "p" + std::to_string(n); }

  void detach() {
    if (path_.empty())
      return;
    runTool({"partx", "-d", path_});
    runTool({"losetup", "-d", path_});
    path_.clear();
  }

 private:
  static int& counter() {
    static int n = 0;  // only names files; tests of one binary run on one thread
    return n;
  }

  std::string image_;
  std::string path_;
};

// The mount points under `dir`, deepest first, from /proc/self/mounts.
inline std::vector<std::string> mountsUnder(const std::string& dir) {
  std::vector<std::string> found;
  std::ifstream in("/proc/self/mounts");
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string source, target;
    fields >> source >> target;
    if (target == dir || target.rfind(dir + "/", 0) == 0)
      found.insert(found.begin(), target);
  }
  return found;
}

// Unmounts everything mounted at or under `dir` when it goes (lazily, so that a busy mount
// cannot keep a test waiting).
class MountGuard {
 public:
  explicit MountGuard(std::string dir) : dir_(std::move(dir)) {}
  ~MountGuard() {
    for (const std::string& target : mountsUnder(dir_))
      ::umount2(target.c_str(), MNT_DETACH);
  }
  MountGuard(const MountGuard&) = delete;
  MountGuard& operator=(const MountGuard&) = delete;

 private:
  std::string dir_;
};

}  // namespace virtus::testing

// Declares `var` (a LoopDevice over a sparse image of `size` bytes in `dir`) or ends the
// test: skipped without loop devices, failed under VIRTUS_REQUIRE_SERVICES.
#define VIRTUS_NEED_LOOP_DEVICE(var, dir, size, partscan)                        \
  ::virtus::testing::LoopDevice var((dir), (size), (partscan));                  \
  if (!var.ok()) {                                                               \
    if (::virtus::testing::servicesRequired())                                   \
      FAIL() << "cannot attach a loop device (losetup -f --show) for this test"; \
    GTEST_SKIP() << "no loop devices here (losetup -f --show failed)";           \
  }
