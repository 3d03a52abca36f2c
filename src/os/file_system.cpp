#include "os/file_system.h"

#include <algorithm>
#include <cerrno>

#include "common/path_util.h"

namespace virtus::os {

namespace {

// A Directory made of the FileSystem's path-based calls: correct everywhere, without the
// savings of a descriptor-relative implementation.
class PathDirectory final : public Directory {
 public:
  PathDirectory(FileSystem& fs, std::string path) : fs_(fs), path_(std::move(path)) {}

  const std::string& path() const override { return path_; }
  Result<std::vector<std::string>> list() override { return fs_.listDirectory(path_); }
  Result<FileStat> statAt(const std::string& name) override { return fs_.stat(join(name)); }
  Result<FileStat> lstatAt(const std::string& name) override { return fs_.lstat(join(name)); }
  Result<FilePtr> openAt(const std::string& name) override {
    return fs_.open(join(name), OpenMode::Read);
  }

 private:
  std::string join(const std::string& name) const { return joinPath(path_, name); }

  FileSystem& fs_;
  std::string path_;
};

}  // namespace

Result<DirectoryPtr> FileSystem::openDirectory(const std::string& path) {
  auto st = stat(path);
  if (st && st->isDirectory)
    return DirectoryPtr(std::make_unique<PathDirectory>(*this, path));
  if (st)
    return systemError(ErrorDomain::None, ENOTDIR, "cannot open directory '" + path + "'");
  // Worded as a failed open of the directory, keeping the stat's reason.
  Error err = std::move(st).error();
  const std::string statPrefix = "cannot stat file '" + path + "'";
  if (err.message.rfind(statPrefix, 0) == 0)
    err.message = "cannot open directory '" + path + "'" + err.message.substr(statPrefix.size());
  return err;
}

std::vector<XmlFile> readXmlFiles(FileSystem& fs, const std::string& dir,
                                  std::vector<Error>& problems) {
  std::vector<XmlFile> files;
  if (!fs.exists(dir))
    return files;
  auto entries = fs.listDirectory(dir);
  if (!entries) {
    problems.push_back(std::move(entries).error());
    return files;
  }
  std::sort(entries->begin(), entries->end());
  for (auto& entry : *entries) {
    if (entry.size() <= 4 || !entry.ends_with(".xml"))
      continue;
    std::string path = dir + "/" + entry;
    auto st = fs.stat(path);
    if (!st || !st->isRegular)
      continue;
    auto text = fs.readFile(path);
    if (!text) {
      problems.push_back(std::move(text).error());
      continue;
    }
    files.push_back({std::move(entry), std::move(path), std::move(*text)});
  }
  return files;
}

}  // namespace virtus::os
