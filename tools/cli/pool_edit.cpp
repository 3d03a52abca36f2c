// pool-edit: the pool's inactive XML in a temporary file, the user's editor on it, and the
// result defined again, as virsh's edit commands do.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <memory>

#include "cli/cli_context.h"
#include "cli/command_support.h"
#include "cli/lookup.h"
#include "driver/storage_flags.h"
#include "os/file_system.h"

extern char** environ;

namespace virtus::cli {

namespace {

// $VISUAL, then $EDITOR, then vi; run through the shell so that "EDITOR='emacs -nw'" works.
// The editor needs the user's terminal, so it inherits our stdin/stdout/stderr.
Result<void> runEditor(const std::string& file) {
  const char* editor = std::getenv("VISUAL");
  if (!editor || !*editor)
    editor = std::getenv("EDITOR");
  if (!editor || !*editor)
    editor = "vi";
  std::string script = std::string(editor) + " '" + file + "'";
  const char* argv[] = {"/bin/sh", "-c", script.c_str(), nullptr};
  pid_t pid = 0;
  int rc = posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ);
  if (rc != 0)
    return systemError(ErrorDomain::None, rc, "cannot run editor '" + script + "'");
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      return systemError(ErrorDomain::None, errno, "cannot wait for editor");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return makeError(ErrorCode::InternalError, ErrorDomain::None, "editor '" + script + "' failed");
  }
  return ok();
}

struct EditOptions {
  std::string pool;
};

bool poolEdit(CliContext& ctx, const EditOptions& o) {
  auto* storage = ctx.storage();
  if (!storage)
    return false;
  auto pool = findPool(ctx, *storage, o.pool);
  if (!pool)
    return false;
  auto xml = storage->poolXml(*pool, driver::xml_flags::kInactive);
  if (!xml) {
    ctx.reportError(xml.error());
    return false;
  }
  const char* tmpdir = std::getenv("TMPDIR");
  std::string path = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/virtusXXXXXX.xml";
  int fd = mkstemps(path.data(), 4);
  if (fd < 0) {
    ctx.reportError(systemError(ErrorDomain::None, errno, "cannot create temporary file"));
    return false;
  }
  close(fd);
  struct Cleanup {
    CliContext& ctx;
    std::string path;
    ~Cleanup() { (void)ctx.fs().removeFile(path); }
  } cleanup{ctx, path};

  if (auto written = ctx.fs().writeFileAtomic(path, *xml, 0600); !written) {
    ctx.reportError(written.error());
    return false;
  }
  if (auto edited = runEditor(path); !edited) {
    ctx.reportError(edited.error());
    return false;
  }
  auto changed = readDefinitionFile(ctx, path);
  if (!changed)
    return false;
  if (*changed == *xml) {
    ctx.printExtra("Pool " + pool->name + " XML configuration not changed.\n");
    return true;
  }
  auto defined = storage->definePool(*changed, 0);
  if (!defined)
    return ctx.fail("Failed. Pool " + pool->name + " not changed", defined.error());
  ctx.printExtra("Pool " + defined->name + " XML configuration edited.\n");
  return true;
}

}  // namespace

void addPoolEditCommand(CLI::App& app, CliContext& ctx) {
  auto o = std::make_shared<EditOptions>();
  auto* cmd = app.add_subcommand("pool-edit", "edit XML configuration for a storage pool");
  cmd->add_option("pool,--pool", o->pool, "pool name or uuid")->required();
  cmd->callback([&ctx, o] { setResult(ctx, poolEdit(ctx, *o)); });
}

}  // namespace virtus::cli
