#include "storage/backends/dir/qemu_img_commands.h"

#include "storage/volume_copy_rules.h"

namespace virtus::storage::dir {

namespace {

Error configUnsupported(std::string message) {
  return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Storage, std::move(message));
}

std::uint64_t kibUp(std::uint64_t bytes) {
  return bytes / 1024 + (bytes % 1024 != 0 ? 1 : 0);
}

}  // namespace

Result<std::string> qemuImgCreateOptions(const model::VolDef& vol, const std::string& backingFormat,
                                         unsigned flags) {
  const std::string format = volumeFormat(vol);
  const bool isQcow2 = format == "qcow2";
  if (vol.target.encryption) {
    return configUnsupported("storage pool does not support encrypted volumes");
  }
  if (!isQcow2 && (!vol.target.compat.empty() || vol.target.hasFeatures)) {
    return configUnsupported("format features only available with qcow2");
  }
  if (isQcow2 && vol.target.lazyRefcounts && vol.target.compat == "0.10") {
    return configUnsupported("lazy_refcounts not supported with compat level 0.10");
  }
  std::string opts;
  auto add = [&opts](const std::string& opt) {
    if (!opts.empty())
      opts += ',';
    opts += opt;
  };
  if (vol.backingStore)
    add("backing_fmt=" + backingFormat);
  if (flags & driver::create_vol::kPreallocMetadata) {
    add(kibUp(vol.capacity) > kibUp(vol.allocation) ? "preallocation=metadata"
                                                    : "preallocation=falloc");
  }
  if (vol.target.nocow == model::TriState::Yes)
    add("nocow=on");
  if (!vol.target.compat.empty()) {
    add("compat=" + vol.target.compat);
  } else if (isQcow2) {
    add("compat=0.10");
  }
  if (vol.target.clusterSize && *vol.target.clusterSize > 0) {
    add("cluster_size=" + std::to_string(*vol.target.clusterSize));
  }
  if (isQcow2 && vol.target.lazyRefcounts)
    add("lazy_refcounts");
  if (isQcow2 && vol.target.extendedL2)
    add("extended_l2=on");
  return opts;
}

Result<os::Command> buildQemuImgCreate(const model::VolDef& vol, const std::string& backingFormat,
                                       unsigned flags) {
  TRY_ASSIGN(auto opts, qemuImgCreateOptions(vol, backingFormat, flags));
  os::Command cmd;
  cmd.program = kQemuImg;
  cmd.args = {"create", "-f", volumeFormat(vol)};
  if (vol.backingStore) {
    cmd.args.push_back("-b");
    cmd.args.push_back(vol.backingStore->path);
  }
  if (!opts.empty()) {
    cmd.args.push_back("-o");
    cmd.args.push_back(opts);
  }
  cmd.args.push_back(vol.target.path);
  if (vol.hasCapacity || !vol.backingStore) {
    cmd.args.push_back(std::to_string(kibUp(vol.capacity)) + "K");
  }
  return cmd;
}

Result<os::Command> buildQemuImgConvert(const model::VolDef& vol, const model::VolDef& source,
                                        unsigned flags) {
  if (source.target.encryption) {
    return configUnsupported("storage pool does not support encrypted volumes");
  }
  // A converted image carries no backing reference of its own.
  model::VolDef noBacking = vol;
  noBacking.backingStore.reset();
  TRY_ASSIGN(auto opts, qemuImgCreateOptions(noBacking, "", flags));
  os::Command cmd;
  cmd.program = kQemuImg;
  cmd.args = {"convert", "-f", volumeFormat(source), "-O", volumeFormat(vol)};
  if (!opts.empty()) {
    cmd.args.push_back("-o");
    cmd.args.push_back(opts);
  }
  cmd.args.push_back(source.target.path);
  cmd.args.push_back(vol.target.path);
  return cmd;
}

os::Command buildQemuImgResize(const std::string& path, std::uint64_t capacity, bool shrink) {
  os::Command cmd;
  cmd.program = kQemuImg;
  cmd.args = {"resize"};
  if (shrink)
    cmd.args.push_back("--shrink");
  cmd.args.push_back(path);
  // qemu-img refuses sizes that are not a multiple of 512.
  cmd.args.push_back(std::to_string((capacity + 511) / 512 * 512));
  return cmd;
}

std::optional<std::string> scrubPatternName(driver::WipeAlgorithm algorithm) {
  using driver::WipeAlgorithm;
  switch (algorithm) {
    case WipeAlgorithm::Nnsa:
      return "nnsa";
    case WipeAlgorithm::Dod:
      return "dod";
    case WipeAlgorithm::Bsi:
      return "bsi";
    case WipeAlgorithm::Gutmann:
      return "gutmann";
    case WipeAlgorithm::Schneier:
      return "schneier";
    case WipeAlgorithm::Pfitzner7:
      return "pfitzner7";
    case WipeAlgorithm::Pfitzner33:
      return "pfitzner33";
    case WipeAlgorithm::Random:
      return "random";
    case WipeAlgorithm::Zero:
    case WipeAlgorithm::Trim:
      return std::nullopt;
  }
  return std::nullopt;
}

os::Command buildScrub(const std::string& pattern, const std::string& path) {
  os::Command cmd;
  cmd.program = kScrub;
  cmd.args = {"-f", "-p", pattern, path};
  return cmd;
}

}  // namespace virtus::storage::dir
