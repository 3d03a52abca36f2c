// Test helpers for the formats tests: temporary directories, files read through ReadAt,
// and running qemu-img. Test-only (header-only so that it stays out of the library).
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "storage/formats/image_probe.h"
#include "storage/formats/qcow2_writer.h"
#include "support/temp_dir.h"

namespace virtus::formats::testing {

// A directory created for one test and removed with everything in it afterwards.
using fixtures::TempDir;

struct CommandOutput {
  int exitCode = -1;
  std::string output;  // stdout and stderr
};

inline std::string shellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

inline CommandOutput runShell(const std::string& command) {
  CommandOutput result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr)
    return result;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0)
    result.output.append(buf, n);
  int status = ::pclose(pipe);
  result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

inline bool haveQemuImg() {
  return runShell("qemu-img --version").exitCode == 0;
}

// A ReadAt over an in-memory file, counting the reads and the bytes asked for.
struct MemoryFile {
  std::string bytes;
  std::string name = "image";  // what probeImage sees as the file's name
  mutable int reads = 0;
  mutable std::uint64_t bytesRequested = 0;

  ReadAt reader() const {
    return [this](std::uint64_t offset, std::span<char> buf) -> Result<std::size_t> {
      ++reads;
      bytesRequested += buf.size();
      if (offset >= bytes.size())
        return std::size_t{0};
      std::size_t n = std::min<std::size_t>(buf.size(), bytes.size() - offset);
      std::memcpy(buf.data(), bytes.data() + offset, n);
      return n;
    };
  }
  Result<ImageInfo> probe() const { return probeImage(bytes.size(), reader(), name); }
};

inline Result<ImageInfo> probeFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return systemError(ErrorDomain::Storage, errno, "cannot open '" + path + "'");
  struct stat st {};
  ::fstat(fd, &st);
  ReadAt read = [fd](std::uint64_t offset, std::span<char> buf) -> Result<std::size_t> {
    std::size_t done = 0;
    while (done < buf.size()) {
      ssize_t n =
          ::pread(fd, buf.data() + done, buf.size() - done, static_cast<off_t>(offset + done));
      if (n < 0)
        return systemError(ErrorDomain::Storage, errno, "cannot read image");
      if (n == 0)
        break;
      done += static_cast<std::size_t>(n);
    }
    return done;
  };
  auto info = probeImage(static_cast<std::uint64_t>(st.st_size), read, path);
  ::close(fd);
  return info;
}

// Applies a layout to a new file; returns an empty string or what failed.
inline std::string writeLayout(const std::string& path, const ImageLayout& layout) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    return "open: " + std::string(std::strerror(errno));
  std::string failure;
  for (const auto& [offset, bytes] : layout.writes) {
    ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (n != static_cast<ssize_t>(bytes.size()))
      failure = "short pwrite";
  }
  if (::ftruncate(fd, static_cast<off_t>(layout.fileSize)) != 0)
    failure = "ftruncate failed";
  ::close(fd);
  return failure;
}

// The bytes the file system allocated to the file (st_blocks), as libvirt reports allocation,
// once written back: ext4 counts an extent tree block (files of more than 4 extents) only then.
inline std::uint64_t allocatedBytes(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  struct stat st {};
  const bool ok = ::fsync(fd) == 0 && ::fstat(fd, &st) == 0;
  ::close(fd);
  return ok ? static_cast<std::uint64_t>(st.st_blocks) * 512 : 0;
}

inline std::string readWholeFile(const std::string& path) {
  std::string out;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr)
    return out;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
    out.append(buf, n);
  std::fclose(f);
  return out;
}

}  // namespace virtus::formats::testing
