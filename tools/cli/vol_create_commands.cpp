// Volume creation: vol-create, vol-create-as, vol-create-from, vol-clone.
#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <ostream>
#include <pugixml.hpp>
#include <sstream>

#include "cli/cli_context.h"
#include "cli/command_support.h"
#include "cli/lookup.h"
#include "cli/progress_bar.h"
#include "cli/vol_xml_args.h"
#include "driver/storage_flags.h"

namespace virtus::cli {

Result<std::string> renameVolXml(std::string_view xml, std::string_view newName) {
  pugi::xml_document doc;
  auto parsed =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default | pugi::parse_ws_pcdata);
  auto name = doc.child("volume").child("name");
  if (!parsed || !name) {
    return makeError(ErrorCode::XmlError, ErrorDomain::None,
                     "volume definition has no /volume/name element");
  }
  name.text().set(std::string(newName).c_str());
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration);
  std::string text = out.str();
  if (text.empty() || text.back() != '\n')
    text += '\n';
  return text;
}

std::string buildVolXml(const VolAsArgs& a, std::uint64_t capacity,
                        std::optional<std::uint64_t> allocation,
                        const std::optional<std::string>& backingPath) {
  std::string x = "<volume>\n";
  x += "  <name>" + a.name + "</name>\n";
  x += "  <capacity>" + std::to_string(capacity) + "</capacity>\n";
  if (allocation)
    x += "  <allocation>" + std::to_string(*allocation) + "</allocation>\n";
  if (a.format)
    x += "  <target>\n    <format type='" + *a.format + "'/>\n  </target>\n";
  if (backingPath) {
    x += "  <backingStore>\n    <path>" + *backingPath + "</path>\n";
    if (a.backingVolFormat)
      x += "    <format type='" + *a.backingVolFormat + "'/>\n";
    x += "  </backingStore>\n";
  }
  x += "</volume>\n";
  return x;
}

namespace {

struct VolAsOptions {
  std::string pool;
  VolAsArgs args;
  bool preallocMetadata = false;
  bool printXml = false;
};

bool volCreateAs(CliContext& ctx, const VolAsOptions& o) {
  auto* storage = ctx.storage();
  if (!storage)
    return false;
  auto pool = findPool(ctx, *storage, o.pool);
  if (!pool)
    return false;
  auto capacity = parseVolSize(ctx, o.args.capacity);
  if (!capacity)
    return false;
  std::optional<std::uint64_t> allocation;
  if (o.args.allocation) {
    allocation = parseVolSize(ctx, *o.args.allocation);
    if (!allocation)
      return false;
  }
  std::optional<std::string> backingPath;
  if (o.args.backingVol) {
    // virsh: the backing volume by name in this pool, then by key, then by path.
    const std::string& b = *o.args.backingVol;
    Result<driver::VolHandle> found = storage->lookupVolByName(*pool, b);
    if (!found)
      found = storage->lookupVolByKey(b);
    if (!found)
      found = storage->lookupVolByPath(b);
    if (!found)
      return ctx.fail("failed to get vol '" + b + "'", found.error());
    auto path = storage->volPath(*found);
    if (!path) {
      ctx.reportError(path.error());
      return false;
    }
    backingPath = *path;
  }
  const std::string xml = buildVolXml(o.args, *capacity, allocation, backingPath);
  if (o.printXml) {
    ctx.out() << xml;
    return true;
  }
  auto vol = storage->createVol(*pool, xml,
                                o.preallocMetadata ? driver::create_vol::kPreallocMetadata : 0);
  if (!vol)
    return ctx.fail("Failed to create vol " + o.args.name, vol.error());
  ctx.printExtra("Vol " + o.args.name + " created\n");
  return true;
}

struct VolCreateOptions {
  std::string pool;
  std::string file;
  std::string vol;
  std::optional<std::string> inputPool;
  std::optional<std::string> volPool;  // vol-clone --pool
  bool preallocMetadata = false, reflink = false, validate = false, printXml = false;

  unsigned flags() const {
    unsigned f = 0;
    if (preallocMetadata)
      f |= driver::create_vol::kPreallocMetadata;
    if (reflink)
      f |= driver::create_vol::kReflink;
    if (validate)
      f |= driver::create_vol::kValidate;
    return f;
  }
};

bool volCreate(CliContext& ctx, const VolCreateOptions& o) {
  auto* storage = ctx.storage();
  if (!storage)
    return false;
  auto pool = findPool(ctx, *storage, o.pool);
  if (!pool)
    return false;
  auto xml = readDefinitionFile(ctx, o.file);
  if (!xml)
    return false;
  auto vol = storage->createVol(*pool, *xml, o.flags());
  if (!vol)
    return ctx.fail("Failed to create vol from " + o.file, vol.error());
  ctx.printExtra("Vol " + vol->name + " created from " + o.file + "\n");
  return true;
}

bool volCreateFrom(CliContext& ctx, const VolCreateOptions& o) {
  auto* storage = ctx.storage();
  if (!storage)
    return false;
  auto pool = findPool(ctx, *storage, o.pool);
  if (!pool)
    return false;
  auto input = findVol(ctx, *storage, o.vol, o.inputPool, "inputpool");
  if (!input)
    return false;
  auto xml = readDefinitionFile(ctx, o.file);
  if (!xml)
    return false;
  Result<driver::VolHandle> vol = makeError(ErrorCode::InternalError, ErrorDomain::None, "");
  {
    ProgressBar bar(ctx.err(), "Copying " + input->name, ctx.showProgress());
    vol = storage->createVolFrom(*pool, *xml, *input, o.flags(), bar.callback());
  }
  if (!vol)
    return ctx.fail("Failed to create vol from " + o.file, vol.error());
  ctx.printExtra("Vol " + vol->name + " created from input vol " + input->name + "\n");
  return true;
}

bool volClone(CliContext& ctx, const VolCreateOptions& o) {
  // Here `vol` is the source and `file` the new name.
  auto* storage = ctx.storage();
  if (!storage)
    return false;
  auto source = findVol(ctx, *storage, o.vol, o.volPool, "pool");
  if (!source)
    return false;
  auto pool = storage->lookupPoolByVolume(*source);
  if (!pool)
    return ctx.fail("failed to get parent pool", pool.error());
  auto origXml = storage->volXml(*source, 0);
  if (!origXml) {
    ctx.reportError(origXml.error());
    return false;
  }
  auto newXml = renameVolXml(*origXml, o.file);
  if (!newXml) {
    ctx.error("Failed to allocate XML buffer");
    return false;
  }
  if (o.printXml) {
    ctx.out() << *newXml;
    return true;
  }
  Result<driver::VolHandle> vol = makeError(ErrorCode::InternalError, ErrorDomain::None, "");
  {
    ProgressBar bar(ctx.err(), "Cloning " + source->name, ctx.showProgress());
    vol = storage->createVolFrom(*pool, *newXml, *source, o.flags(), bar.callback());
  }
  if (!vol)
    return ctx.fail("Failed to clone vol from " + source->name, vol.error());
  ctx.printExtra("Vol " + vol->name + " cloned from " + source->name + "\n");
  return true;
}

}  // namespace

void addVolCreateCommands(CLI::App& app, CliContext& ctx) {
  {
    auto o = std::make_shared<VolAsOptions>();
    auto* cmd = app.add_subcommand("vol-create-as", "create a volume from a set of args");
    cmd->add_option("pool,--pool", o->pool, "pool name")->required();
    cmd->add_option("name,--name", o->args.name, "name of the volume")->required();
    cmd->add_option("capacity,--capacity", o->args.capacity,
                    "size of the vol, as scaled integer (default bytes)")
        ->required();
    cmd->add_option("allocation,--allocation", o->args.allocation,
                    "initial allocation size, as scaled integer (default bytes)");
    cmd->add_option("format,--format", o->args.format,
                    "file format type raw,bochs,qcow,qcow2,qed,vmdk");
    cmd->add_option("--backing-vol", o->args.backingVol, "the backing volume if taking a snapshot");
    cmd->add_option("--backing-vol-format", o->args.backingVolFormat,
                    "format of backing volume if taking a snapshot");
    cmd->add_flag("--prealloc-metadata", o->preallocMetadata,
                  "preallocate metadata (for qcow2 instead of full allocation)");
    cmd->add_flag("--print-xml", o->printXml, "print XML document, but don't define/create");
    cmd->callback([&ctx, o] { setResult(ctx, volCreateAs(ctx, *o)); });
  }
  {
    auto o = std::make_shared<VolCreateOptions>();
    auto* cmd = app.add_subcommand("vol-create", "create a vol from an XML file");
    cmd->add_option("pool,--pool", o->pool, "pool name")->required();
    cmd->add_option("file,--file", o->file, "file containing an XML vol description")->required();
    cmd->add_flag("--prealloc-metadata", o->preallocMetadata,
                  "preallocate metadata (for qcow2 instead of full allocation)");
    cmd->add_flag("--validate", o->validate, "validate the XML against the schema");
    cmd->callback([&ctx, o] { setResult(ctx, volCreate(ctx, *o)); });
  }
  {
    auto o = std::make_shared<VolCreateOptions>();
    auto* cmd =
        app.add_subcommand("vol-create-from", "create a vol, using another volume as input");
    cmd->add_option("pool,--pool", o->pool, "pool name or uuid")->required();
    cmd->add_option("file,--file", o->file, "file containing an XML vol description")->required();
    cmd->add_option("vol,--vol", o->vol, "vol name, key or path")->required();
    cmd->add_option("--inputpool", o->inputPool, "pool name or uuid of the input volume's pool");
    cmd->add_flag("--prealloc-metadata", o->preallocMetadata,
                  "preallocate metadata (for qcow2 instead of full allocation)");
    cmd->add_flag("--reflink", o->reflink, "use btrfs COW lightweight copy");
    cmd->add_flag("--validate", o->validate, "validate the XML against the schema");
    cmd->callback([&ctx, o] { setResult(ctx, volCreateFrom(ctx, *o)); });
  }
  {
    auto o = std::make_shared<VolCreateOptions>();
    auto* cmd = app.add_subcommand("vol-clone", "clone a volume.");
    cmd->add_option("vol,--vol", o->vol, "vol name, key or path")->required();
    cmd->add_option("newname,--newname", o->file, "clone name")->required();
    cmd->add_option("pool,--pool", o->volPool, "pool name or uuid");
    cmd->add_flag("--prealloc-metadata", o->preallocMetadata,
                  "preallocate metadata (for qcow2 instead of full allocation)");
    cmd->add_flag("--reflink", o->reflink, "use btrfs COW lightweight copy");
    cmd->add_flag("--print-xml", o->printXml, "print XML document instead of cloning the volume");
    cmd->callback([&ctx, o] { setResult(ctx, volClone(ctx, *o)); });
  }
}

}  // namespace virtus::cli
