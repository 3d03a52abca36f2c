#include "storage/formats/qcow2_writer.h"

#include <array>
#include <string_view>

#include "storage/formats/byte_order.h"

namespace virtus::formats {

namespace {

constexpr std::uint32_t kMinClusterSize = 512;
constexpr std::uint32_t kMaxClusterSize = 2u << 20;
constexpr std::uint64_t kMaxL1Entries = (32u << 20) / 8;  // qemu's 32 MiB L1 table limit
constexpr std::uint64_t kMaxRefTableBytes = 8u << 20;     // qemu's 8 MiB refcount table limit
constexpr std::uint64_t kMaxHostOffset = std::uint64_t{1} << 56;
// Preallocated metadata is built in memory; beyond this the caller should let qemu-img do it.
constexpr std::uint64_t kMaxMetadataBytes = 256u << 20;
constexpr std::size_t kMaxBackingName = 1023;
constexpr std::uint64_t kCopied = std::uint64_t{1} << 63;  // refcount is exactly one
constexpr std::uint32_t kV3HeaderLength = 112;             // with the compression type byte
constexpr std::uint32_t kExtBackingFormat = 0xE2792ACA;
constexpr std::uint32_t kExtFeatureTable = 0x6803F857;

struct FeatureName {
  std::uint8_t type;  // 0 incompatible, 1 compatible, 2 autoclear
  std::uint8_t bit;
  std::string_view name;
};
// The names qemu 7.2 records, so that other tools can name bits they do not know.
constexpr std::array<FeatureName, 8> kFeatureNames = {{
    {0, 0, "dirty bit"},
    {0, 1, "corrupt bit"},
    {0, 2, "external data file"},
    {0, 3, "compression type"},
    {0, 4, "extended L2 entries"},
    {1, 0, "lazy refcounts"},
    {2, 0, "bitmaps"},
    {2, 1, "raw external data"},
}};
constexpr std::size_t kFeatureEntrySize = 48;

Error invalidArg(std::string message) {
  return makeError(ErrorCode::InvalidArg, ErrorDomain::Storage, std::move(message));
}
Error unsupported(std::string message) {
  return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Storage, std::move(message));
}

std::uint64_t divUp(std::uint64_t a, std::uint64_t b) {
  return a / b + (a % b != 0);
}

int log2Exact(std::uint32_t v) {
  int bits = 0;
  while ((std::uint32_t{1} << bits) < v)
    ++bits;
  return bits;
}

std::size_t padded8(std::size_t n) {
  return (n + 7) & ~std::size_t{7};
}

// One header extension: magic, length, data padded to 8 bytes.
void appendExtension(std::string& out, std::uint32_t magic, std::string_view data) {
  const std::size_t at = out.size();
  out.resize(at + 8 + padded8(data.size()), '\0');
  putBE32(out, at, magic);
  putBE32(out, at + 4, static_cast<std::uint32_t>(data.size()));
  out.replace(at + 8, data.size(), data);
}

std::string featureTable() {
  std::string table(kFeatureNames.size() * kFeatureEntrySize, '\0');
  for (std::size_t i = 0; i < kFeatureNames.size(); ++i) {
    const std::size_t at = i * kFeatureEntrySize;
    table[at] = static_cast<char>(kFeatureNames[i].type);
    table[at + 1] = static_cast<char>(kFeatureNames[i].bit);
    table.replace(at + 2, kFeatureNames[i].name.size(), kFeatureNames[i].name);
  }
  return table;
}

// The header extensions and backing name that follow the fixed header, as qemu lays them out:
// backing format, feature names (v3, clusters above 4 KiB), end marker, backing file name.
Result<std::string> headerTail(const Qcow2Options& o, std::size_t fixedLength) {
  const bool v3 = o.compat == "1.1";
  std::string backingFormatExt;
  if (o.backingFormat) {
    appendExtension(backingFormatExt, kExtBackingFormat, imageFormatName(*o.backingFormat));
  }
  // qemu-img 7.2 writes the feature name table only for clusters larger than 4 KiB.
  std::string featureExt;
  if (v3 && o.clusterSize > 4096)
    appendExtension(featureExt, kExtFeatureTable, featureTable());
  const std::size_t nameLength = o.backingFile ? o.backingFile->size() : 0;
  const std::size_t base = fixedLength + backingFormatExt.size() + 8 + nameLength;
  if (base > o.clusterSize) {
    return invalidArg("backing file name '" + *o.backingFile +
                      "' is too long for qcow2 cluster size '" + std::to_string(o.clusterSize) +
                      "'");
  }
  std::string tail = backingFormatExt + featureExt + std::string(8, '\0');
  if (o.backingFile)
    tail += *o.backingFile;
  return tail;
}

}  // namespace

Result<Qcow2Options> validateQcow2Options(Qcow2Options o) {
  if (o.clusterSize < kMinClusterSize || o.clusterSize > kMaxClusterSize ||
      (o.clusterSize & (o.clusterSize - 1)) != 0) {
    return invalidArg("qcow2 cluster size '" + std::to_string(o.clusterSize) +
                      "' must be a power of two between 512 and 2097152 bytes");
  }
  if (o.compat != "0.10" && o.compat != "1.1") {
    return unsupported("qcow2 compat level '" + o.compat +
                       "' is not supported, use '0.10' or '1.1'");
  }
  if (o.lazyRefcounts && o.compat == "0.10") {
    return unsupported("lazy refcounts are not supported with qcow2 compat level '0.10'");
  }
  // qemu-img rounds the size up to whole sectors.
  if (o.virtualSize > static_cast<std::uint64_t>(INT64_MAX) - 511) {
    return invalidArg("virtual size '" + std::to_string(o.virtualSize) +
                      "' is too large for qcow2");
  }
  o.virtualSize = divUp(o.virtualSize, 512) * 512;
  const std::uint64_t l2Coverage = std::uint64_t{o.clusterSize} * (o.clusterSize / 8);
  if (divUp(o.virtualSize, l2Coverage) > kMaxL1Entries) {
    return invalidArg("virtual size '" + std::to_string(o.virtualSize) +
                      "' is too large for qcow2 with cluster size '" +
                      std::to_string(o.clusterSize) + "', use a larger cluster size");
  }
  if (o.backingFormat && !o.backingFile) {
    return invalidArg("backing format '" + std::string(imageFormatName(*o.backingFormat)) +
                      "' is given without a backing file");
  }
  if (o.backingFormat &&
      (*o.backingFormat == ImageFormat::None || *o.backingFormat == ImageFormat::Dir)) {
    return invalidArg("backing format '" + std::string(imageFormatName(*o.backingFormat)) +
                      "' is not a disk image format");
  }
  if (o.backingFile) {
    if (o.backingFile->empty())
      return invalidArg("backing file name '' is empty");
    if (o.backingFile->find('\0') != std::string::npos) {
      return invalidArg("backing file name '" + *o.backingFile + "' contains a NUL byte");
    }
    if (o.backingFile->size() > kMaxBackingName) {
      return invalidArg("backing file name '" + *o.backingFile + "' is longer than " +
                        std::to_string(kMaxBackingName) + " bytes");
    }
    if (o.preallocateMetadata) {
      return unsupported("qcow2 metadata preallocation cannot be combined with backing file '" +
                         *o.backingFile + "'");
    }
  }
  const std::size_t fixed = o.compat == "1.1" ? kV3HeaderLength : 72;
  TRY(headerTail(o, fixed));
  return o;
}

Result<ImageLayout> layoutQcow2(const Qcow2Options& options) {
  TRY_ASSIGN(const Qcow2Options o, validateQcow2Options(options));
  const bool v3 = o.compat == "1.1";
  const std::uint64_t c = o.clusterSize;
  const std::uint64_t l2Entries = c / 8;
  const std::uint64_t refcountEntries = c / 2;  // 16-bit refcounts

  const std::uint64_t l1Size = divUp(o.virtualSize, c * l2Entries);
  const std::uint64_t l1Clusters = divUp(l1Size * 8, c);
  const std::uint64_t l2Tables = o.preallocateMetadata ? l1Size : 0;
  const std::uint64_t dataClusters = o.preallocateMetadata ? divUp(o.virtualSize, c) : 0;
  const std::uint64_t fixedClusters = 1 + l1Clusters + l2Tables + dataClusters;

  // The refcount blocks count themselves and the table: iterate to the fixed point.
  std::uint64_t refBlocks = 1, refTableClusters = 1;
  for (;;) {
    const std::uint64_t total = fixedClusters + refTableClusters + refBlocks;
    const std::uint64_t needBlocks = divUp(total, refcountEntries);
    const std::uint64_t needTable = divUp(needBlocks * 8, c);
    if (needBlocks == refBlocks && needTable == refTableClusters)
      break;
    refBlocks = std::max(refBlocks, needBlocks);
    refTableClusters = std::max(refTableClusters, needTable);
  }
  const std::uint64_t totalClusters = fixedClusters + refTableClusters + refBlocks;
  if (refTableClusters * c > kMaxRefTableBytes || totalClusters > kMaxHostOffset / c) {
    return unsupported("qcow2 image of virtual size '" + std::to_string(o.virtualSize) +
                       "' needs more metadata than qcow2 allows with cluster size '" +
                       std::to_string(c) + "'");
  }
  const std::uint64_t metadataBytes =
      (refTableClusters + refBlocks + (o.preallocateMetadata ? l1Clusters + l2Tables : 0)) * c;
  if (metadataBytes > kMaxMetadataBytes) {
    return unsupported("qcow2 metadata of '" + std::to_string(metadataBytes) +
                       "' bytes for virtual size '" + std::to_string(o.virtualSize) +
                       "' is more than the native writer builds in memory");
  }

  const std::uint64_t refTableOffset = c;
  const std::uint64_t refBlocksOffset = refTableOffset + refTableClusters * c;
  const std::uint64_t l1Offset = refBlocksOffset + refBlocks * c;
  const std::uint64_t l2Offset = l1Offset + l1Clusters * c;
  const std::uint64_t dataOffset = l2Offset + l2Tables * c;

  ImageLayout layout;

  // Header cluster.
  const std::size_t fixed = v3 ? kV3HeaderLength : 72;
  TRY_ASSIGN(std::string tail, headerTail(o, fixed));
  std::string header(fixed, '\0');
  header.replace(0, 4, "QFI\xfb");
  putBE32(header, 4, v3 ? 3 : 2);
  if (o.backingFile) {
    putBE64(header, 8, fixed + tail.size() - o.backingFile->size());
    putBE32(header, 16, static_cast<std::uint32_t>(o.backingFile->size()));
  }
  putBE32(header, 20, static_cast<std::uint32_t>(log2Exact(o.clusterSize)));
  putBE64(header, 24, o.virtualSize);
  putBE32(header, 36, static_cast<std::uint32_t>(l1Size));
  putBE64(header, 40, l1Size != 0 ? l1Offset : 0);
  putBE64(header, 48, refTableOffset);
  putBE32(header, 56, static_cast<std::uint32_t>(refTableClusters));
  if (v3) {
    putBE64(header, 80, o.lazyRefcounts ? 1 : 0);  // compatible feature: lazy refcounts
    putBE32(header, 96, 4);                        // refcount order: 16-bit refcounts
    putBE32(header, 100, kV3HeaderLength);
  }
  layout.writes.emplace_back(0, header + tail);

  // Refcount table: one entry per refcount block, the blocks lying back to back.
  std::string refTable(refBlocks * 8, '\0');
  for (std::uint64_t i = 0; i < refBlocks; ++i)
    putBE64(refTable, i * 8, refBlocksOffset + i * c);
  layout.writes.emplace_back(refTableOffset, std::move(refTable));

  // Refcount blocks: back to back, so the entries of all clusters form one array.
  std::string refcounts(totalClusters * 2, '\0');
  for (std::uint64_t i = 0; i < totalClusters; ++i)
    putBE16(refcounts, i * 2, 1);
  layout.writes.emplace_back(refBlocksOffset, std::move(refcounts));

  if (o.preallocateMetadata && l1Size != 0) {
    std::string l1(l1Size * 8, '\0');
    for (std::uint64_t i = 0; i < l1Size; ++i)
      putBE64(l1, i * 8, (l2Offset + i * c) | kCopied);
    layout.writes.emplace_back(l1Offset, std::move(l1));
    // L2 tables back to back: entry j of the array maps guest cluster j.
    std::string l2(dataClusters * 8, '\0');
    for (std::uint64_t j = 0; j < dataClusters; ++j) {
      putBE64(l2, j * 8, (dataOffset + j * c) | kCopied);
    }
    layout.writes.emplace_back(l2Offset, std::move(l2));
    layout.fileSize = totalClusters * c;  // the data clusters are part of the file
  } else {
    // Like qemu-img: the file ends with the (all-zero) L1 entries.
    layout.fileSize = l1Size != 0 ? l1Offset + l1Size * 8 : l1Offset;
  }
  return layout;
}

}  // namespace virtus::formats
