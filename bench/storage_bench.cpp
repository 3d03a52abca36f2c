// The Virtus side of the storage benchmark (libvirtd_bench.py is the libvirtd side, run.sh
// runs both): a dir pool of N volumes, half raw, half qcow2, through the in-process driver.
// It times the pool's first start (once, with the files' page cache dropped: cold-ish), K
// warm refreshes (median and min), then M qcow2 creations and their deletions (per-operation
// medians).
#include <stdlib.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bench_data.h"
#include "bench_stats.h"
#include "common/result.h"
#include "driver/connection.h"
#include "os/linux_file_system.h"
#include "os/root_paths.h"
#include "storage/local_connection.h"

namespace virtus::bench {
namespace {

constexpr const char* kPoolName = "virtus-bench";

struct Options {
  int volumes = 10000;
  int creates = 500;
  int repeat = 10;
  bool json = false;
  bool evict = true;
  std::string dir;           // populated already; empty: a temp directory populated here
  std::string populateOnly;  // write the volumes there and exit
};

struct Results {
  int volumesSeen = 0;
  double poolStart = 0;
  Summary refresh, create, remove;
  // Mean CPU seconds per operation (this process and its children).
  double cpuRefresh = 0, cpuCreate = 0, cpuRemove = 0;
};

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Error benchError(std::string message) {
  return Error{ErrorCode::InternalError, ErrorDomain::None, std::move(message)};
}

// A mkdtemp directory, removed with everything under it when the scope ends.
class TempDir {
 public:
  static Result<TempDir> make(const std::string& prefix) {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      return benchError("cannot create a temporary directory '" + pattern + "'");
    }
    return TempDir(pattern);
  }
  TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempDir& operator=(TempDir&&) = delete;
  ~TempDir() {
    if (path_.empty())
      return;
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

std::string poolXml(const std::string& dir) {
  return "<pool type='dir'><name>" + std::string(kPoolName) + "</name><target><path>" + dir +
         "</path></target></pool>";
}

std::string volumeXml(const std::string& name, std::uint64_t capacity) {
  return "<volume><name>" + name + "</name><capacity unit='bytes'>" + std::to_string(capacity) +
         "</capacity><target><format type='qcow2'/></target></volume>";
}

std::string createdName(int i) {
  char name[32];
  std::snprintf(name, sizeof name, "bench-new-%04d.qcow2", i);
  return name;
}

Result<void> checkQcow2(os::FileSystem& fs, const std::string& path) {
  TRY_ASSIGN(os::FilePtr file, fs.open(path, os::OpenMode::Read));
  char magic[4] = {};
  TRY_ASSIGN(std::size_t got, file->readAt(0, magic));
  if (got != 4 || magic[0] != 'Q' || magic[1] != 'F' || magic[2] != 'I' || magic[3] != '\xfb') {
    return benchError("'" + path + "' is not a qcow2 image");
  }
  return ok();
}

// The manager on a fresh root: nothing to autostart, nothing left from earlier runs.
Result<std::unique_ptr<storage::LocalConnection>> openVirtus(const std::string& root) {
  storage::LocalConnectionOptions options;
  options.paths = os::RootPaths::underRoot(root);
  options.autostart = false;
  std::unique_ptr<storage::LocalConnection> conn = storage::openLocalConnection(options);
  if (!conn)
    return benchError("cannot open the storage manager on root '" + root + "'");
  if (!conn->startupProblems().empty())
    return conn->startupProblems().front();
  return conn;
}

// The measured steps, on a pool that the caller removes afterwards.
Result<void> measure(driver::StorageDriver& storage, const driver::PoolHandle& pool,
                     os::FileSystem& fs, const Options& options, const std::string& dir,
                     Results& results) {
  if (options.evict)
    evictPageCache(dir);
  auto start = std::chrono::steady_clock::now();
  TRY(storage.startPool(pool, 0));
  results.poolStart = secondsSince(start);

  TRY_ASSIGN(const std::vector<driver::VolHandle> vols, storage.listAllVolumes(pool, 0));
  results.volumesSeen = static_cast<int>(vols.size());
  if (results.volumesSeen != options.volumes) {
    return benchError("the pool holds " + std::to_string(results.volumesSeen) +
                      " volumes, expected " + std::to_string(options.volumes));
  }

  auto perOp = [](double cpu, std::size_t ops) { return ops == 0 ? 0.0 : cpu / ops; };
  double cpu = processCpuSeconds();
  std::vector<double> samples;
  for (int i = 0; i < options.repeat; ++i) {
    start = std::chrono::steady_clock::now();
    TRY(storage.refreshPool(pool, 0));
    samples.push_back(secondsSince(start));
  }
  results.refresh = summarize(samples);
  results.cpuRefresh = perOp(processCpuSeconds() - cpu, samples.size());
  cpu = processCpuSeconds();

  samples.clear();
  std::vector<driver::VolHandle> created;
  created.reserve(options.creates);
  Result<void> status;  // the first error; creation stops there
  for (int i = 0; i < options.creates && status; ++i) {
    const std::string xml = volumeXml(createdName(i), kGiB);
    start = std::chrono::steady_clock::now();
    Result<driver::VolHandle> vol = storage.createVol(pool, xml, 0);
    const double took = secondsSince(start);
    if (!vol) {
      status = std::move(vol).error();
      break;
    }
    samples.push_back(took);
    created.push_back(*vol);
  }
  results.create = summarize(samples);
  results.cpuCreate = perOp(processCpuSeconds() - cpu, created.size());
  if (status && !created.empty())
    status = checkQcow2(fs, dir + "/" + createdName(0));

  // Deleting is measured, and also the cleanup after a failed creation.
  samples.clear();
  cpu = processCpuSeconds();
  for (const driver::VolHandle& vol : created) {
    start = std::chrono::steady_clock::now();
    Result<void> removed = storage.deleteVol(vol, 0);
    samples.push_back(secondsSince(start));
    if (!removed && status)
      status = std::move(removed).error();
  }
  results.remove = summarize(samples);
  results.cpuRemove = perOp(processCpuSeconds() - cpu, samples.size());
  return status;
}

Result<Results> runBench(const Options& options, const std::string& dir) {
  TRY_ASSIGN(TempDir root, TempDir::make("virtus-bench-root."));
  os::LinuxFileSystem fs;
  TRY_ASSIGN(std::unique_ptr<storage::LocalConnection> conn, openVirtus(root.path()));
  driver::StorageDriver& storage = conn->storage();
  TRY_ASSIGN(const driver::PoolHandle pool, storage.definePool(poolXml(dir), 0));

  Results results;
  Result<void> measured = measure(storage, pool, fs, options, dir, results);

  // The pool goes whatever happened; the first error is the one reported.
  if (storage.poolIsActive(pool).value_or(false)) {
    Result<void> destroyed = storage.destroyPool(pool);
    if (!destroyed && measured)
      measured = std::move(destroyed).error();
  }
  Result<void> undefined = storage.undefinePool(pool);
  if (!undefined && measured)
    measured = std::move(undefined).error();
  TRY(measured);
  return results;
}

nlohmann::json summaryJson(const Summary& s) {
  return {{"count", s.count}, {"median", s.median}, {"min", s.min}, {"max", s.max}, {"p90", s.p90}};
}

void printJson(const Options& options, const Results& r) {
  const nlohmann::json out = {
      {"side", "virtus"},
      {"volumes", options.volumes},
      {"volumes_seen", r.volumesSeen},
      {"evicted_before_start", options.evict},
      {"pool_start_s", r.poolStart},
      {"refresh_s", summaryJson(r.refresh)},
      {"create_qcow2_s", summaryJson(r.create)},
      {"delete_s", summaryJson(r.remove)},
      {"cpu_per_op_s",
       {{"refresh_s", r.cpuRefresh}, {"create_qcow2_s", r.cpuCreate}, {"delete_s", r.cpuRemove}}},
  };
  std::cout << out.dump(2) << "\n";
}

void printText(const Options& options, const Results& r) {
  auto ms = [](double s) { return s * 1e3; };
  std::printf("virtus, %d volumes\n", options.volumes);
  std::printf("  pool first start     %.3f ms%s\n", ms(r.poolStart),
              options.evict ? " (page cache of the files dropped first)" : "");
  std::printf("  refresh (warm)       median %.3f ms  min %.3f ms  (%zu runs, %.1f us/volume)\n",
              ms(r.refresh.median), ms(r.refresh.min), r.refresh.count,
              r.refresh.median / options.volumes * 1e6);
  std::printf("  create qcow2         median %.3f ms  min %.3f ms  (%zu ops)\n",
              ms(r.create.median), ms(r.create.min), r.create.count);
  std::printf("  delete               median %.3f ms  min %.3f ms  (%zu ops)\n",
              ms(r.remove.median), ms(r.remove.min), r.remove.count);
  std::printf("  CPU per operation    refresh %.3f ms  create %.3f ms  delete %.3f ms\n",
              ms(r.cpuRefresh), ms(r.cpuCreate), ms(r.cpuRemove));
}

int run(const Options& options) {
  os::LinuxFileSystem fs;
  if (!options.populateOnly.empty()) {
    Result<void> written = populateVolumes(fs, options.populateOnly, options.volumes);
    if (!written) {
      std::cerr << "virtus-bench: " << written.error().text() << "\n";
      return 1;
    }
    return 0;
  }

  std::optional<TempDir> ownData;
  std::string dir = options.dir;
  if (dir.empty()) {
    Result<TempDir> made = TempDir::make("virtus-bench-data.");
    if (!made) {
      std::cerr << "virtus-bench: " << made.error().text() << "\n";
      return 1;
    }
    ownData.emplace(std::move(*made));
    dir = ownData->path() + "/pool";
    Result<void> written = populateVolumes(fs, dir, options.volumes);
    if (!written) {
      std::cerr << "virtus-bench: " << written.error().text() << "\n";
      return 1;
    }
  }
  std::error_code ec;
  const std::string canonical = std::filesystem::canonical(dir, ec).string();
  if (ec) {
    std::cerr << "virtus-bench: cannot resolve '" << dir << "': " << ec.message() << "\n";
    return 1;
  }

  Result<Results> results = runBench(options, canonical);
  if (!results) {
    std::cerr << "virtus-bench: " << results.error().text() << "\n";
    return 1;
  }
  if (options.json) {
    printJson(options, *results);
  } else {
    printText(options, *results);
  }
  return 0;
}

}  // namespace
}  // namespace virtus::bench

int main(int argc, char** argv) {
  virtus::bench::Options options;
  CLI::App app{"Virtus storage benchmark: pool start, refresh, qcow2 create and delete"};
  app.add_option("--volumes", options.volumes, "volumes in the pool, half raw, half qcow2")
      ->check(CLI::Range(2, 10000000));
  app.add_option("--creates", options.creates, "qcow2 volumes created then deleted")
      ->check(CLI::Range(0, 1000000));
  app.add_option("--repeat", options.repeat, "warm refreshes (median and min reported)")
      ->check(CLI::Range(1, 100000));
  app.add_flag("--json", options.json, "print the results as JSON");
  app.add_option("--dir", options.dir,
                 "a directory populated already (else a temp directory populated now)");
  app.add_flag("!--no-evict", options.evict, "keep the files' page cache before the first start");
  app.add_option("--populate-only", options.populateOnly, "write the volumes there and exit");
  CLI11_PARSE(app, argc, argv);
  return virtus::bench::run(options);
}
