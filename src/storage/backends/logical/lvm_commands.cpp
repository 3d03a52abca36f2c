#include "storage/backends/logical/lvm_commands.h"

namespace virtus::storage::logical {

namespace {

os::Command command(std::string program, std::vector<std::string> args) {
  os::Command cmd;
  cmd.program = std::move(program);
  cmd.args = std::move(args);
  return cmd;
}

std::string kibibytes(std::uint64_t bytes) {
  return std::to_string(bytes / 1024 + (bytes % 1024 ? 1 : 0)) + "K";
}

// Extra room libvirt reserves for a LUKS header.
constexpr std::uint64_t kLuksHeaderRoom = 2 * 1024 * 1024;

}  // namespace

os::Command buildVgchangeCommand(const model::PoolDef& def, bool activate) {
  return command("vgchange", {activate ? "-aly" : "-aln", def.source.name});
}

os::Command buildPvcreate(const std::string& device) {
  return command("pvcreate", {device});
}

os::Command buildPvremove(const std::string& device) {
  return command("pvremove", {device});
}

os::Command buildVgcreate(const model::PoolDef& def) {
  os::Command cmd = command("vgcreate", {def.source.name});
  for (const auto& dev : def.source.devices)
    cmd.args.push_back(dev.path);
  return cmd;
}

os::Command buildVgremove(const model::PoolDef& def) {
  return command("vgremove", {"-f", def.source.name});
}

os::Command buildVgscan() {
  return command("vgscan", {});
}

os::Command buildPvs() {
  return command("pvs", {"--noheadings", "-o", "pv_name,vg_name"});
}

os::Command buildVgs(const model::PoolDef& def) {
  return command("vgs", {"--separator", ":", "--noheadings", "--units", "b", "--unbuffered",
                         "--nosuffix", "--options", "vg_size,vg_free", def.source.name});
}

os::Command buildLvs(const model::PoolDef& def) {
  return command("lvs", {"--separator", "#", "--noheadings", "--units", "b", "--unbuffered",
                         "--nosuffix", "--options",
                         "lv_name,origin,uuid,devices,segtype,stripes,seg_size,vg_extent_size,"
                         "size,lv_attr",
                         def.source.name});
}

bool isSparseRequest(const model::VolDef& vol) {
  return vol.capacity != vol.allocation;
}

os::Command buildLvcreate(const model::PoolDef& def, const model::VolDef& vol) {
  os::Command cmd = command("lvcreate", {"--name", vol.name, "-L"});
  if (isSparseRequest(vol)) {
    cmd.args.push_back(kibibytes(vol.allocation ? vol.allocation : 1));
    cmd.args.insert(cmd.args.end(), {"--type", "snapshot", "--virtualsize"});
  }
  std::uint64_t capacity = vol.capacity;
  if (vol.target.encryption)
    capacity += kLuksHeaderRoom;
  cmd.args.push_back(kibibytes(capacity));
  if (vol.backingStore && !vol.backingStore->path.empty()) {
    cmd.args.insert(cmd.args.end(), {"-s", vol.backingStore->path});
  } else {
    cmd.args.push_back(def.source.name);
  }
  // No question about signatures found on the new LV's extents: nobody answers them.
  cmd.args.push_back("--yes");
  return cmd;
}

os::Command buildLvremove(const std::string& lvPath) {
  return command("lvremove", {"-f", lvPath});
}

os::Command buildLvchangeDeactivate(const std::string& lvPath) {
  return command("lvchange", {"-aln", lvPath});
}

os::Command buildLvresize(const model::PoolDef& def, const std::string& lvName, std::uint64_t bytes,
                          bool shrink) {
  os::Command cmd = command("lvresize", {});
  if (shrink)
    cmd.args.push_back("-f");
  cmd.args.insert(cmd.args.end(),
                  {"-L", std::to_string(bytes) + "b", def.source.name + "/" + lvName});
  return cmd;
}

}  // namespace virtus::storage::logical
