// vol-upload and vol-download: a local file as the other end of the volume's stream.
#include <CLI/CLI.hpp>
#include <memory>
#include <optional>

#include "cli/cli_context.h"
#include "cli/command_support.h"
#include "cli/local_file_stream.h"
#include "cli/lookup.h"
#include "cli/progress_bar.h"
#include "driver/storage_flags.h"
#include "os/file_system.h"

namespace virtus::cli {

namespace {

struct StreamOptions {
  std::string vol;
  std::string file;
  std::optional<std::string> pool;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  bool sparse = false;
};

bool volUpload(CliContext& ctx, const StreamOptions& o) {
  auto* storage = ctx.storage();
  if (!storage)
    return false;
  auto vol = findVol(ctx, *storage, o.vol, o.pool);
  if (!vol)
    return false;
  auto file = ctx.fs().open(o.file, os::OpenMode::Read);
  if (!file)
    return ctx.fail("cannot read " + o.file, file.error());
  LocalFileSource source(**file, o.sparse);
  Result<void> done = ok();
  {
    ProgressBar bar(ctx.err(), "Uploading " + vol->name, ctx.showProgress());
    done = storage->uploadVol(*vol, o.offset, o.length,
                              o.sparse ? driver::stream_flags::kSparseStream : 0, source,
                              bar.callback());
  }
  if (!done)
    return ctx.fail("cannot upload to volume " + o.vol, done.error());
  return true;
}

bool volDownload(CliContext& ctx, const StreamOptions& o) {
  auto* storage = ctx.storage();
  if (!storage)
    return false;
  auto vol = findVol(ctx, *storage, o.vol, o.pool);
  if (!vol)
    return false;
  // As virsh: create the file, or truncate it when it exists; remove it on failure only
  // when this command created it.
  bool created = true;
  auto file = ctx.fs().open(o.file, os::OpenMode::CreateExclusive, 0666);
  if (!file && ctx.fs().exists(o.file)) {
    created = false;
    file = ctx.fs().open(o.file, os::OpenMode::ReadWrite);
    if (file) {
      auto st = (*file)->stat();
      if (st && st->isRegular) {
        if (auto truncated = (*file)->truncate(0); !truncated) {
          return ctx.fail("cannot create " + o.file, truncated.error());
        }
      }
    }
  }
  if (!file)
    return ctx.fail("cannot create " + o.file, file.error());
  LocalFileSink sink(**file);
  Result<void> done = ok();
  {
    ProgressBar bar(ctx.err(), "Downloading " + vol->name, ctx.showProgress());
    done = storage->downloadVol(*vol, o.offset, o.length,
                                o.sparse ? driver::stream_flags::kSparseStream : 0, sink,
                                bar.callback());
  }
  if (!done) {
    file->reset();
    if (created)
      (void)ctx.fs().removeFile(o.file);
    return ctx.fail("cannot download from volume " + o.vol, done.error());
  }
  return true;
}

CLI::App* streamCommand(CLI::App& app, const char* name, const char* help, StreamOptions& o,
                        const char* offsetHelp, const char* lengthHelp) {
  auto* cmd = app.add_subcommand(name, help);
  cmd->add_option("vol,--vol", o.vol, "vol name, key or path")->required();
  cmd->add_option("file,--file", o.file, "file")->required();
  cmd->add_option("pool,--pool", o.pool, "pool name or uuid");
  cmd->add_option("--offset", o.offset, offsetHelp);
  cmd->add_option("--length", o.length, lengthHelp);
  cmd->add_flag("--sparse", o.sparse, "preserve sparseness of volume");
  return cmd;
}

}  // namespace

void addVolStreamCommands(CLI::App& app, CliContext& ctx) {
  {
    auto o = std::make_shared<StreamOptions>();
    auto* cmd = streamCommand(app, "vol-upload", "upload file contents to a volume", *o,
                              "volume offset to upload to", "amount of data to upload");
    cmd->callback([&ctx, o] { setResult(ctx, volUpload(ctx, *o)); });
  }
  {
    auto o = std::make_shared<StreamOptions>();
    auto* cmd = streamCommand(app, "vol-download", "download volume contents to a file", *o,
                              "volume offset to download from", "amount of data to download");
    cmd->callback([&ctx, o] { setResult(ctx, volDownload(ctx, *o)); });
  }
}

}  // namespace virtus::cli
