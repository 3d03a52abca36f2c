// Temporary directories for tests: fresh under the system's temporary directory (never a
// fixed path), and removed with their contents when a TempDir goes away.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

namespace virtus::fixtures {

// Creates PREFIX-XXXXXX under the temporary directory; "" (and a test failure) when it
// cannot. The caller removes it.
inline std::string makeTempDir(std::string_view prefix = "virtus") {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / std::string(prefix)).string() + "-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed for " << tmpl;
    return "";
  }
  return tmpl;
}

class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "virtus") : path_(makeTempDir(prefix)) {}
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty())
      std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  bool ok() const { return !path_.empty(); }
  const std::string& path() const { return path_; }
  std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }
  void write(std::string_view name, std::string_view text) const {
    std::ofstream(file(name), std::ios::binary) << text;
  }

 private:
  std::string path_;
};

}  // namespace virtus::fixtures
