#include "storage/formats/qcow2_writer.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
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

namespace {

// Where each structure of the image lies, in clusters.
struct Placement {
  std::uint64_t refTableClusters = 1;
  std::vector<std::uint64_t> refBlocks;
  std::uint64_t l1 = 0;
  std::vector<std::uint64_t> l2;  // one per L1 entry when metadata is preallocated
  struct Run {
    std::uint64_t guest, host, count;
  };
  std::vector<Run> data;
  std::uint64_t totalClusters = 0;  // clusters in use: the file's clusters
};

// The order in which qemu-img allocates a metadata-preallocated image: header, refcount table
// and block, L1, then for each L2 range its table followed by its data clusters, a new
// refcount block going right after the run that first needs it (where it describes itself).
// Same placement, same file extents, same allocation. Empty when the image needs what this
// does not model (a refcount table that grows, a run needing a block outside its own range).
std::optional<Placement> placeLikeQemu(std::uint64_t c, std::uint64_t l1Size,
                                       std::uint64_t l1Clusters, std::uint64_t dataClusters) {
  const std::uint64_t perBlock = c / 2;  // 16-bit refcounts
  const std::uint64_t perL2 = c / 8;
  // qemu preallocates in requests of at most INT_MAX bytes, whole clusters.
  const std::uint64_t perRequest = static_cast<std::uint64_t>(INT32_MAX) / c;
  Placement p;
  p.refBlocks = {2};
  std::uint64_t next = 3;
  bool modelled = true;
  auto allocate = [&](std::uint64_t n) -> std::uint64_t {
    const std::uint64_t start = next;
    const std::uint64_t end = start + n;
    const std::uint64_t lastBlock = (end - 1) / perBlock;
    if (lastBlock >= p.refBlocks.size()) {
      // qemu puts the missing block right after the run and retries the run where it was.
      if (lastBlock > p.refBlocks.size() || end / perBlock != lastBlock ||
          p.refBlocks.size() + 1 > c / 8) {
        modelled = false;
      }
      p.refBlocks.push_back(end);
      next = end + 1;
    } else {
      next = end;
    }
    return start;
  };
  p.l1 = allocate(l1Clusters);
  for (std::uint64_t table = 0; table < l1Size && modelled; ++table) {
    p.l2.push_back(allocate(1));
    const std::uint64_t first = table * perL2;
    const std::uint64_t last = std::min(first + perL2, dataClusters);
    for (std::uint64_t g = first; g < last && modelled;) {
      const std::uint64_t n = std::min(last, (g / perRequest + 1) * perRequest) - g;
      const std::uint64_t host = allocate(n);
      if (!p.data.empty() && p.data.back().host + p.data.back().count == host &&
          p.data.back().guest + p.data.back().count == g) {
        p.data.back().count += n;
      } else {
        p.data.push_back({g, host, n});
      }
      g += n;
    }
  }
  if (!modelled)
    return std::nullopt;
  p.totalClusters = next;
  return p;
}

}  // namespace

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

  std::optional<Placement> placed;
  if (o.preallocateMetadata && l1Size != 0)
    placed = placeLikeQemu(c, l1Size, l1Clusters, dataClusters);
  if (!placed) {
    // Back to back: refcount table, blocks, L1, L2 tables, data. What qemu-img does for an
    // image without preallocation; a valid image otherwise.
    Placement p;
    p.refTableClusters = refTableClusters;
    const std::uint64_t firstBlock = 1 + refTableClusters;
    for (std::uint64_t i = 0; i < refBlocks; ++i)
      p.refBlocks.push_back(firstBlock + i);
    p.l1 = firstBlock + refBlocks;
    for (std::uint64_t i = 0; i < l2Tables; ++i)
      p.l2.push_back(p.l1 + l1Clusters + i);
    if (dataClusters != 0)
      p.data.push_back({0, p.l1 + l1Clusters + l2Tables, dataClusters});
    p.totalClusters = totalClusters;
    placed = std::move(p);
  }
  const Placement& p = *placed;

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
  putBE64(header, 40, l1Size != 0 ? p.l1 * c : 0);
  putBE64(header, 48, c);  // the refcount table follows the header
  putBE32(header, 56, static_cast<std::uint32_t>(p.refTableClusters));
  if (v3) {
    putBE64(header, 80, o.lazyRefcounts ? 1 : 0);  // compatible feature: lazy refcounts
    putBE32(header, 96, 4);                        // refcount order: 16-bit refcounts
    putBE32(header, 100, kV3HeaderLength);
  }
  // qemu-img writes every metadata cluster whole (zeros included) and the L1 table to its last
  // entry: the same bytes, written the same way, allocate the same blocks.
  std::string headerCluster = header + tail;
  headerCluster.resize(c, '\0');
  layout.writes.emplace_back(0, std::move(headerCluster));

  std::string refTable(p.refTableClusters * c, '\0');
  for (std::size_t i = 0; i < p.refBlocks.size(); ++i)
    putBE64(refTable, i * 8, p.refBlocks[i] * c);
  layout.writes.emplace_back(c, std::move(refTable));

  // Every cluster in use has refcount one. Blocks lying back to back are written as one run.
  for (std::size_t i = 0; i < p.refBlocks.size();) {
    std::size_t j = i + 1;
    while (j < p.refBlocks.size() && p.refBlocks[j] == p.refBlocks[j - 1] + 1)
      ++j;
    std::string blocks((j - i) * c, '\0');
    const std::uint64_t first = i * refcountEntries;
    const std::uint64_t last = std::min<std::uint64_t>(j * refcountEntries, p.totalClusters);
    for (std::uint64_t k = first; k < last; ++k)
      putBE16(blocks, (k - first) * 2, 1);
    layout.writes.emplace_back(p.refBlocks[i] * c, std::move(blocks));
    i = j;
  }

  if (l1Size != 0) {
    std::string l1(l1Size * 8, '\0');
    for (std::size_t i = 0; i < p.l2.size(); ++i)
      putBE64(l1, i * 8, (p.l2[i] * c) | kCopied);
    layout.writes.emplace_back(p.l1 * c, std::move(l1));
  }
  if (!p.l2.empty()) {
    std::vector<std::string> tables(p.l2.size(), std::string(c, '\0'));
    for (const auto& run : p.data) {
      for (std::uint64_t k = 0; k < run.count; ++k) {
        const std::uint64_t g = run.guest + k;
        putBE64(tables[g / l2Entries], (g % l2Entries) * 8, ((run.host + k) * c) | kCopied);
      }
    }
    for (std::size_t i = 0; i < tables.size(); ++i)
      layout.writes.emplace_back(p.l2[i] * c, std::move(tables[i]));
    // qemu-img zeroes the part of the last data cluster past the image's end (copy on write
    // of a partial cluster), which allocates it.
    if (o.virtualSize % c != 0 && !p.data.empty()) {
      const auto& run = p.data.back();
      const std::uint64_t lastHost = (run.host + run.count - 1) * c;
      const std::uint64_t used = o.virtualSize % c;
      layout.writes.emplace_back(lastHost + used, std::string(c - used, '\0'));
    }
    layout.fileSize = p.totalClusters * c;  // the data clusters are part of the file
  } else {
    // Like qemu-img: the file ends with the (all-zero) L1 entries.
    layout.fileSize = l1Size != 0 ? p.l1 * c + l1Size * 8 : p.l1 * c;
  }
  std::sort(layout.writes.begin(), layout.writes.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return layout;
}

}  // namespace virtus::formats
