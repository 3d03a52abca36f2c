#include "storage/formats/image_probe.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "storage/formats/byte_order.h"

namespace virtus::formats {

namespace {

// One read of this size answers almost every probe (libvirt reads 0x8200 bytes at once; the
// only thing it needs beyond 4 KiB is ISO's descriptor, read separately here).
constexpr std::size_t kHeadSize = 4096;
constexpr std::uint64_t kIsoMagicOffset = 0x8001;
constexpr std::size_t kMaxBackingName = 1023;  // qemu and libvirt refuse longer names
constexpr std::size_t kMaxDescriptor = 65536;  // VMDK text descriptors are far smaller
constexpr std::uint32_t kQcow2BackingFormatExt = 0xE2792ACA;

// The bytes of one read, with bounds-checked views.
struct Buf {
  const char* data;
  std::size_t size;

  bool has(std::size_t offset, std::size_t len) const {
    return offset <= size && len <= size - offset;
  }
  bool matches(std::size_t offset, std::string_view magic) const {
    return has(offset, magic.size()) && std::memcmp(data + offset, magic.data(), magic.size()) == 0;
  }
  const char* at(std::size_t offset) const { return data + offset; }
};

Error headerError(ImageFormat format, std::string detail) {
  return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                   "invalid " + std::string(imageFormatName(format)) + " image header: " + detail);
}

Error truncatedError(ImageFormat format, std::size_t have, std::size_t need) {
  return headerError(format, "header is truncated at " + std::to_string(have) +
                                 " bytes, at least " + std::to_string(need) + " are needed");
}

Result<void> requireBytes(ImageFormat format, const Buf& buf, std::size_t need) {
  if (buf.size < need)
    return truncatedError(format, buf.size, need);
  return ok();
}

// Reads exactly buf.size() bytes unless the file ends first; returns how many were read.
Result<std::size_t> readSome(const ReadAt& read, std::uint64_t offset, std::span<char> buf) {
  TRY_ASSIGN(std::size_t n, read(offset, buf));
  return std::min(n, buf.size());
}

// A string stored at [offset, offset+len) of the file: taken from the head buffer when it is
// there, read otherwise. Used for backing file names.
Result<std::string> fileString(ImageFormat format, const Buf& head, std::uint64_t fileSize,
                               const ReadAt& read, std::uint64_t offset, std::uint64_t len,
                               std::string_view what) {
  if (len > kMaxBackingName) {
    return headerError(format, std::string(what) + " length '" + std::to_string(len) +
                                   "' exceeds " + std::to_string(kMaxBackingName) + " bytes");
  }
  if (offset > fileSize || len > fileSize - offset) {
    return headerError(format, std::string(what) + " at offset '" + std::to_string(offset) +
                                   "' lies beyond the end of the file");
  }
  if (head.has(offset, len))
    return std::string(head.at(offset), len);
  std::array<char, kMaxBackingName> tmp;
  TRY_ASSIGN(std::size_t n, readSome(read, offset, std::span<char>(tmp.data(), len)));
  if (n < len) {
    return headerError(format, std::string(what) + " at offset '" + std::to_string(offset) +
                                   "' is cut short by the end of the file");
  }
  return std::string(tmp.data(), len);
}

// --- qcow and qcow2 ---------------------------------------------------------------------

// Whether the extension list starting at `start` reaches its end marker (or `end`) inside buf.
bool extensionsEndWithin(const Buf& buf, std::uint64_t start, std::uint64_t end) {
  std::uint64_t offset = start;
  while (offset + 8 <= end) {
    if (!buf.has(offset, 8))
      return false;
    const std::uint32_t magic = be32(buf.at(offset));
    const std::uint64_t len = be32(buf.at(offset + 4));
    if (magic == 0)
      return true;
    offset += 8 + ((len + 7) & ~std::uint64_t{7});
  }
  return true;
}

// Header extensions lie between the header and the backing file name; only the backing
// format matters here. Returns nullopt when absent or not a format name we know.
Result<std::optional<ImageFormat>> qcow2BackingFormat(const Buf& head, std::uint64_t fileSize,
                                                      const ReadAt& read, std::uint64_t start,
                                                      std::uint64_t end) {
  if (end <= start)
    return std::optional<ImageFormat>();
  if (end > fileSize)
    end = fileSize;
  // Walk the extensions in the first read; read the region only when they run past it.
  Buf ext = head;
  std::string far;
  if (!head.has(start, end - start) && !extensionsEndWithin(head, start, end)) {
    if (end - start > kMaxDescriptor) {
      return headerError(ImageFormat::Qcow2, "header extensions at offset '" +
                                                 std::to_string(start) + "' are too large");
    }
    far.assign(end, '\0');
    TRY_ASSIGN(std::size_t n,
               readSome(read, start, std::span<char>(far.data() + start, end - start)));
    far.resize(start + n);
    ext = Buf{far.data(), far.size()};
  }
  std::uint64_t offset = start;
  while (ext.has(offset, 8) && offset + 8 <= end) {
    std::uint32_t magic = be32(ext.at(offset));
    std::uint32_t len = be32(ext.at(offset + 4));
    offset += 8;
    if (magic == 0)
      break;
    if (!ext.has(offset, len)) {
      return headerError(
          ImageFormat::Qcow2, "header extension '0x" + [&] {
            char hex[16];
            std::snprintf(hex, sizeof hex, "%08X", magic);
            return std::string(hex);
          }() + "' runs past the end of the header");
    }
    if (magic == kQcow2BackingFormatExt) {
      std::string_view name(ext.at(offset), len);
      name = name.substr(0, name.find('\0'));
      return imageFormatFromName(name);
    }
    offset += (static_cast<std::uint64_t>(len) + 7) & ~std::uint64_t{7};  // 8-byte aligned
  }
  return std::optional<ImageFormat>();
}

Result<void> parseQcow(ImageInfo& info, const Buf& head, std::uint64_t fileSize,
                       const ReadAt& read) {
  const ImageFormat fmt = info.format;
  const bool v1 = fmt == ImageFormat::Qcow;
  const std::uint32_t version = be32(head.at(4));
  const std::size_t need = v1 ? 48 : (version == 2 ? 72 : 104);
  TRY(requireBytes(fmt, head, need));

  info.virtualSize = be64(head.at(24));
  std::uint32_t clusterBits = v1 ? static_cast<unsigned char>(*head.at(32)) : be32(head.at(20));
  const std::uint32_t minBits = 9, maxBits = v1 ? 16 : 21;
  if (clusterBits < minBits || clusterBits > maxBits) {
    return headerError(fmt, "cluster bits '" + std::to_string(clusterBits) + "' are out of range " +
                                std::to_string(minBits) + ".." + std::to_string(maxBits));
  }
  info.clusterSize = std::uint32_t{1} << clusterBits;

  const std::uint32_t crypt = be32(head.at(v1 ? 36 : 32));
  if (crypt == 1) {
    info.encrypted = true;
    info.encryptionFormat = "qcow";
  } else if (crypt == 2 && !v1) {
    info.encrypted = true;
    info.encryptionFormat = "luks";
  } else if (crypt != 0) {
    return headerError(fmt, "encryption method '" + std::to_string(crypt) + "' is unknown");
  }

  std::uint64_t extStart = 72;
  if (!v1) {
    info.compat = version == 2 ? "0.10" : "1.1";
    if (version >= 3) {
      const std::uint64_t compatible = be64(head.at(80));
      info.lazyRefcounts = (compatible & 1) != 0;
      extStart = be32(head.at(100));
      if (extStart < 104 || extStart > info.clusterSize) {
        return headerError(fmt, "header length '" + std::to_string(extStart) + "' is invalid");
      }
    }
  }

  const std::uint64_t backingOffset = be64(head.at(8));
  const std::uint32_t backingSize = be32(head.at(16));
  if (backingOffset == 0 || backingSize == 0)
    return ok();
  TRY_ASSIGN(info.backingPath, fileString(fmt, head, fileSize, read, backingOffset, backingSize,
                                          "backing file name"));
  if (!v1) {
    TRY_ASSIGN(info.backingFormat,
               qcow2BackingFormat(head, fileSize, read, extStart, backingOffset));
  }
  return ok();
}

// --- qed ----------------------------------------------------------------------------------

Result<void> parseQed(ImageInfo& info, const Buf& head, std::uint64_t fileSize,
                      const ReadAt& read) {
  TRY(requireBytes(ImageFormat::Qed, head, 64));
  const std::uint32_t cluster = le32(head.at(4));
  if (cluster < 4096 || cluster > (64u << 20) || (cluster & (cluster - 1)) != 0) {
    return headerError(ImageFormat::Qed,
                       "cluster size '" + std::to_string(cluster) + "' is invalid");
  }
  info.clusterSize = cluster;
  info.virtualSize = le64(head.at(48));
  const std::uint64_t features = le64(head.at(16));
  if ((features & 0x01) == 0)
    return ok();  // no backing file
  const std::uint32_t offset = le32(head.at(56));
  const std::uint32_t size = le32(head.at(60));
  if (size == 0)
    return ok();
  TRY_ASSIGN(info.backingPath,
             fileString(ImageFormat::Qed, head, fileSize, read, offset, size, "backing file name"));
  // Without the "no probe" flag the backing format is whatever probing says: not recorded.
  if ((features & 0x04) != 0)
    info.backingFormat = ImageFormat::Raw;
  return ok();
}

// --- vmdk ---------------------------------------------------------------------------------

// Splits a descriptor into lines: the next line of `text` from `pos` (advanced past it), or
// nullopt at the end.
std::optional<std::string_view> nextLine(std::string_view text, std::size_t& pos) {
  if (pos >= text.size())
    return std::nullopt;
  std::size_t eol = text.find('\n', pos);
  if (eol == std::string_view::npos)
    eol = text.size();
  std::string_view line = text.substr(pos, eol - pos);
  pos = eol + 1;
  return line;
}

// The value of key="value" (or key=value) at the start of a descriptor line.
std::optional<std::string_view> descriptorValue(std::string_view text, std::string_view key) {
  std::size_t pos = 0;
  while (auto next = nextLine(text, pos)) {
    std::string_view line = *next;
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
      line.remove_prefix(1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
      line.remove_suffix(1);
    if (line.size() <= key.size() || line.substr(0, key.size()) != key)
      continue;
    std::string_view rest = line.substr(key.size());
    while (!rest.empty() && rest.front() == ' ')
      rest.remove_prefix(1);
    if (rest.empty() || rest.front() != '=')
      continue;
    rest.remove_prefix(1);
    while (!rest.empty() && rest.front() == ' ')
      rest.remove_prefix(1);
    if (rest.size() >= 2 && rest.front() == '"' && rest.back() == '"') {
      rest = rest.substr(1, rest.size() - 2);
    }
    return rest;
  }
  return std::nullopt;
}

// Sum of the extent lines ("RW 2048 FLAT "f-flat.vmdk" 0") of a text descriptor, in bytes.
std::uint64_t descriptorExtentBytes(std::string_view text) {
  std::uint64_t sectors = 0;
  std::size_t pos = 0;
  while (auto next = nextLine(text, pos)) {
    std::string_view line = *next;
    for (std::string_view access : {"RW ", "RDONLY ", "NOACCESS "}) {
      if (line.substr(0, access.size()) != access)
        continue;
      std::string_view rest = line.substr(access.size());
      std::uint64_t n = 0;
      std::size_t i = 0;
      while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9' && n < (1ull << 50)) {
        n = n * 10 + static_cast<std::uint64_t>(rest[i] - '0');
        ++i;
      }
      sectors += n;
    }
  }
  return sectors * 512;
}

Result<void> applyVmdkDescriptor(ImageInfo& info, std::string_view text, bool textFile) {
  text = text.substr(0, text.find('\0'));
  if (textFile) {
    if (!descriptorValue(text, "createType")) {
      return headerError(ImageFormat::Vmdk, "descriptor has no 'createType'");
    }
    info.virtualSize = descriptorExtentBytes(text);
  }
  if (auto parent = descriptorValue(text, "parentFileNameHint"); parent && !parent->empty()) {
    info.backingPath = std::string(*parent);
  }
  return ok();
}

Result<void> parseVmdkSparse(ImageInfo& info, const Buf& head, std::uint64_t fileSize,
                             const ReadAt& read) {
  TRY(requireBytes(ImageFormat::Vmdk, head, 44));
  const std::uint64_t capacity = le64(head.at(12));
  if (capacity > (UINT64_MAX >> 9)) {
    return headerError(ImageFormat::Vmdk,
                       "capacity '" + std::to_string(capacity) + "' sectors is too large");
  }
  info.virtualSize = capacity * 512;
  const std::uint64_t descSector = le64(head.at(28));
  const std::uint64_t descSectors = le64(head.at(36));
  if (descSector == 0 || descSectors == 0)
    return ok();
  if (descSector > fileSize / 512) {
    return headerError(ImageFormat::Vmdk, "descriptor at sector '" + std::to_string(descSector) +
                                              "' lies beyond the end of the file");
  }
  const std::uint64_t start = descSector * 512;
  const std::uint64_t len =
      std::min<std::uint64_t>({descSectors * 512, kMaxDescriptor, fileSize - start});
  if (head.has(start, 0)) {
    std::string_view inHead(head.at(start), std::min<std::uint64_t>(len, head.size - start));
    // The text ends at its first NUL: no need to read on when that is in the head already.
    if (inHead.size() == len || inHead.find('\0') != std::string_view::npos) {
      return applyVmdkDescriptor(info, inHead, false);
    }
  }
  std::string text(len, '\0');
  TRY_ASSIGN(std::size_t n, readSome(read, start, std::span<char>(text.data(), text.size())));
  text.resize(n);
  return applyVmdkDescriptor(info, text, false);
}

// qemu's rule for a text descriptor: after comments and blank lines comes "version=1|2|3".
bool looksLikeVmdkDescriptor(const Buf& head) {
  std::string_view text(head.data, head.size);
  std::size_t pos = 0;
  while (pos < text.size()) {
    char c = text[pos];
    if (c == '#') {
      std::size_t eol = text.find('\n', pos);
      if (eol == std::string_view::npos)
        return false;
      pos = eol + 1;
    } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      ++pos;
    } else {
      std::string_view line = text.substr(pos, 10);
      return line == "version=1\n" || line == "version=2\n" || line == "version=3\n" ||
             text.substr(pos, 11) == "version=1\r\n" || text.substr(pos, 11) == "version=2\r\n" ||
             text.substr(pos, 11) == "version=3\r\n";
    }
  }
  return false;
}

Result<void> parseVmdkText(ImageInfo& info, const Buf& head, std::uint64_t fileSize,
                           const ReadAt& read) {
  if (fileSize <= head.size) {
    return applyVmdkDescriptor(info, std::string_view(head.data, head.size), true);
  }
  if (fileSize > kMaxDescriptor) {
    return headerError(ImageFormat::Vmdk,
                       "text descriptor of '" + std::to_string(fileSize) + "' bytes is too large");
  }
  std::string text(fileSize, '\0');
  TRY_ASSIGN(std::size_t n, readSome(read, 0, std::span<char>(text.data(), text.size())));
  text.resize(n);
  return applyVmdkDescriptor(info, text, true);
}

// --- vpc, vdi, cow, ploop, luks, bochs, cloop ------------------------------------------------

Result<void> parseVpc(ImageInfo& info, const Buf& head) {
  TRY(requireBytes(ImageFormat::Vpc, head, 64));
  // Dynamic disks: the block size is in the "cxsparse" header the footer points to.
  const std::uint64_t dynamicHeader = be64(head.at(16));
  if (dynamicHeader < head.size && head.matches(dynamicHeader, "cxsparse") &&
      head.has(dynamicHeader + 32, 4)) {
    info.clusterSize = be32(head.at(dynamicHeader + 32));
  }
  // qemu trusts the footer's current size only from these creators, CHS geometry otherwise.
  std::string_view creator(head.at(28), 4);
  const std::uint64_t currentSize = be64(head.at(48));
  const std::uint64_t chsSectors = std::uint64_t{be16(head.at(56))} *
                                   static_cast<unsigned char>(*head.at(58)) *
                                   static_cast<unsigned char>(*head.at(59));
  const bool useChs = creator != "win " && creator != "qem2" && creator != "d2v " &&
                      creator != "CTXS" && creator != std::string_view("tap\0", 4);
  if (useChs && chsSectors < 65535ull * 16 * 255) {
    info.virtualSize = chsSectors * 512;
  } else {
    info.virtualSize = currentSize;
  }
  return ok();
}

Result<void> parseVdi(ImageInfo& info, const Buf& head) {
  TRY(requireBytes(ImageFormat::Vdi, head, 380));
  info.virtualSize = le64(head.at(368));
  info.clusterSize = le32(head.at(376));
  return ok();
}

Result<void> parseCow(ImageInfo& info, const Buf& head) {
  TRY(requireBytes(ImageFormat::Cow, head, 1044));
  info.virtualSize = be64(head.at(1036));
  std::string_view name(head.at(8), 1024);
  name = name.substr(0, name.find('\0'));
  if (!name.empty())
    info.backingPath = std::string(name);
  return ok();
}

Result<void> parsePloop(ImageInfo& info, const Buf& head) {
  TRY(requireBytes(ImageFormat::Ploop, head, 44));
  const std::uint64_t sectors = le64(head.at(36));
  if (sectors > (UINT64_MAX >> 9)) {
    return headerError(ImageFormat::Ploop,
                       "size '" + std::to_string(sectors) + "' sectors is too large");
  }
  info.virtualSize = sectors * 512;
  return ok();
}

Result<void> parseLuks(ImageInfo& info, const Buf& head, std::uint64_t fileSize) {
  TRY(requireBytes(ImageFormat::Luks, head, 108));
  const std::uint64_t payload = std::uint64_t{be32(head.at(104))} * 512;
  if (payload > fileSize) {
    return headerError(ImageFormat::Luks, "payload offset '" + std::to_string(payload) +
                                              "' lies beyond the end of the file");
  }
  info.virtualSize = fileSize - payload;
  info.encrypted = true;
  info.encryptionFormat = "luks";
  return ok();
}

Result<void> parseBochs(ImageInfo& info, const Buf& head, std::uint32_t version) {
  const std::size_t sizeAt = version == 0x00020000 ? 88 : 84;
  TRY(requireBytes(ImageFormat::Bochs, head, sizeAt + 8));
  info.virtualSize = le64(head.at(sizeAt));
  return ok();
}

constexpr std::string_view kCloopMagic =
    "#!/bin/sh\n#V2.0 Format\nmodprobe cloop file=$0 && mount -r -t iso9660 /dev/cloop $1\n";

Result<void> parseCloop(ImageInfo& info, const Buf& head) {
  TRY(requireBytes(ImageFormat::Cloop, head, 136));
  const std::uint32_t blockSize = be32(head.at(128));
  const std::uint32_t blocks = be32(head.at(132));
  if (blockSize == 0 || blockSize % 512 != 0) {
    return headerError(ImageFormat::Cloop,
                       "block size '" + std::to_string(blockSize) + "' is invalid");
  }
  info.virtualSize = std::uint64_t{blockSize} * blocks;
  return ok();
}

// --- vhdx ---------------------------------------------------------------------------------

// GUIDs as stored on disk (first three fields little-endian).
constexpr std::string_view kVhdxMetadataRegion(
    "\x06\xA2\x7C\x8B\x90\x47\x9A\x4B\xB8\xFE\x57\x5F\x05\x0F\x88\x6E", 16);
constexpr std::string_view kVhdxVirtualDiskSize(
    "\x24\x42\xA5\x2F\x1B\xCD\x76\x48\xB2\x11\x5D\xBE\xD8\x3B\xF4\xB8", 16);
constexpr std::string_view kVhdxFileParameters(
    "\x37\x67\xA1\xCA\x36\xFA\x43\x4D\xB3\xB6\x33\xF0\xAA\x44\xE7\x6B", 16);

Result<void> parseVhdx(ImageInfo& info, std::uint64_t fileSize, const ReadAt& read,
                       std::span<char> scratch) {
  const ImageFormat fmt = ImageFormat::Vhdx;
  // Region tables: the first at 192 KiB, a copy at 256 KiB.
  std::uint64_t metaOffset = 0;
  for (std::uint64_t tableAt : {0x30000ull, 0x40000ull}) {
    if (tableAt >= fileSize)
      break;
    TRY_ASSIGN(std::size_t n, readSome(read, tableAt, scratch));
    Buf t{scratch.data(), n};
    if (!t.matches(0, "regi") || !t.has(0, 16))
      continue;
    const std::uint32_t count = le32(t.at(8));
    for (std::uint32_t i = 0; i < count && t.has(16 + std::size_t{i} * 32, 32); ++i) {
      const std::size_t e = 16 + std::size_t{i} * 32;
      if (t.matches(e, kVhdxMetadataRegion))
        metaOffset = le64(t.at(e + 16));
    }
    if (metaOffset != 0)
      break;
  }
  if (metaOffset == 0 || metaOffset >= fileSize) {
    return headerError(fmt, "no valid region table locates the metadata region");
  }
  TRY_ASSIGN(std::size_t n, readSome(read, metaOffset, scratch));
  Buf m{scratch.data(), n};
  if (!m.matches(0, "metadata") || !m.has(0, 32)) {
    return headerError(fmt, "metadata table at offset '" + std::to_string(metaOffset) +
                                "' has no 'metadata' signature");
  }
  const std::uint32_t count = le16(m.at(10));
  std::uint64_t sizeAt = 0, paramsAt = 0;
  for (std::uint32_t i = 0; i < count && m.has(32 + std::size_t{i} * 32, 32); ++i) {
    const std::size_t e = 32 + std::size_t{i} * 32;
    if (m.matches(e, kVhdxVirtualDiskSize))
      sizeAt = metaOffset + le32(m.at(e + 16));
    if (m.matches(e, kVhdxFileParameters))
      paramsAt = metaOffset + le32(m.at(e + 16));
  }
  if (sizeAt == 0 || sizeAt >= fileSize) {
    return headerError(fmt, "metadata has no readable virtual disk size");
  }
  std::array<char, 8> value{};
  TRY_ASSIGN(std::size_t got, readSome(read, sizeAt, value));
  if (got < 8)
    return headerError(fmt, "virtual disk size lies beyond the end of the file");
  info.virtualSize = le64(value.data());
  if (paramsAt != 0 && paramsAt < fileSize) {
    TRY_ASSIGN(got, readSome(read, paramsAt, value));
    if (got >= 4)
      info.clusterSize = le32(value.data());
  }
  return ok();
}

// --- the probe ------------------------------------------------------------------------------

// libvirt's magic table (order matters: the first match with a known version wins; a match
// with an unknown version lets later entries try, and ends as raw).
struct MagicRule {
  ImageFormat format;
  std::size_t magicOffset;
  std::string_view magic;
  bool bigEndian;
  int versionOffset;  // -1: any version
  std::array<std::uint32_t, 3> versions;
};

const std::array<MagicRule, 8> kLibvirtRules = {{
    {ImageFormat::Vpc, 0, "conectix", true, 12, {0x10000, 0, 0}},
    {ImageFormat::Vdi, 64, std::string_view("\x7f\x10\xda\xbe", 4), false, 68, {0x00010001, 0, 0}},
    {ImageFormat::Ploop, 0, "WithouFreSpacExt", false, -1, {0, 0, 0}},
    {ImageFormat::Cow, 0, "OOOM", true, 4, {2, 0, 0}},
    {ImageFormat::Qcow, 0, "QFI", true, 4, {1, 0, 0}},
    {ImageFormat::Qcow2, 0, "QFI", true, 4, {2, 3, 0}},
    {ImageFormat::Qed, 0, "QED", false, -1, {0, 0, 0}},
    {ImageFormat::Vmdk, 0, "KDMV", false, 4, {1, 2, 3}},
}};

bool ruleMatches(const MagicRule& rule, const Buf& head) {
  if (!head.matches(rule.magicOffset, rule.magic))
    return false;
  if (rule.versionOffset < 0)
    return true;
  const auto at = static_cast<std::size_t>(rule.versionOffset);
  if (!head.has(at, 4))
    return false;
  const std::uint32_t version = rule.bigEndian ? be32(head.at(at)) : le32(head.at(at));
  return std::find(rule.versions.begin(), rule.versions.end(), version) != rule.versions.end() &&
         version != 0;
}

bool hasDmgExtension(std::string_view fileName) {
  constexpr std::string_view kExtension = ".dmg";
  return fileName.size() > kExtension.size() &&
         fileName.substr(fileName.size() - kExtension.size()) == kExtension;
}

}  // namespace

Result<ImageInfo> probeImage(std::uint64_t fileSize, const ReadAt& read,
                             std::string_view fileName) {
  ImageInfo info;
  info.virtualSize = fileSize;
  if (fileSize == 0)
    return info;

  std::array<char, kHeadSize> storage;
  TRY_ASSIGN(
      std::size_t got,
      readSome(read, 0,
               std::span<char>(storage.data(), static_cast<std::size_t>(
                                                   std::min<std::uint64_t>(fileSize, kHeadSize)))));
  const Buf head{storage.data(), got};

  for (const MagicRule& rule : kLibvirtRules) {
    if (!ruleMatches(rule, head))
      continue;
    info.format = rule.format;
    switch (rule.format) {
      case ImageFormat::Vpc:
        TRY(parseVpc(info, head));
        break;
      case ImageFormat::Vdi:
        TRY(parseVdi(info, head));
        break;
      case ImageFormat::Ploop:
        TRY(parsePloop(info, head));
        break;
      case ImageFormat::Cow:
        TRY(parseCow(info, head));
        break;
      case ImageFormat::Qcow:
      case ImageFormat::Qcow2:
        TRY(parseQcow(info, head, fileSize, read));
        break;
      case ImageFormat::Qed:
        TRY(parseQed(info, head, fileSize, read));
        break;
      case ImageFormat::Vmdk:
        TRY(parseVmdkSparse(info, head, fileSize, read));
        break;
      default:
        break;
    }
    return info;
  }

  // Formats libvirt does not probe (it calls them raw); qemu does.
  if (head.matches(0, std::string_view("LUKS\xba\xbe", 6)) && head.has(6, 2) &&
      be16(head.at(6)) == 1) {
    info.format = ImageFormat::Luks;
    TRY(parseLuks(info, head, fileSize));
    return info;
  }
  if (head.matches(0, "vhdxfile")) {
    info.format = ImageFormat::Vhdx;
    TRY(parseVhdx(info, fileSize, read, storage));
    return info;
  }
  if (head.matches(0, std::string_view("Bochs Virtual HD Image\0", 23)) &&
      head.matches(32, std::string_view("Redolog\0", 8)) &&
      head.matches(48, std::string_view("Growing\0", 8)) && head.has(64, 4) &&
      (le32(head.at(64)) == 0x00020000 || le32(head.at(64)) == 0x00010000)) {
    info.format = ImageFormat::Bochs;
    TRY(parseBochs(info, head, le32(head.at(64))));
    return info;
  }
  if (head.matches(0, kCloopMagic)) {
    info.format = ImageFormat::Cloop;
    TRY(parseCloop(info, head));
    return info;
  }
  if (looksLikeVmdkDescriptor(head)) {
    info.format = ImageFormat::Vmdk;
    TRY(parseVmdkText(info, head, fileSize, read));
    return info;
  }

  // ISO 9660: the primary volume descriptor's "CD001" at 0x8001. A header at offset 0 wins
  // over it here (libvirt reads 0x8200 bytes and lets ISO win, which only misreads images).
  if (fileSize >= kIsoMagicOffset + 5) {
    std::array<char, 5> cd{};
    TRY_ASSIGN(std::size_t n, readSome(read, kIsoMagicOffset, cd));
    if (n == 5 && std::string_view(cd.data(), 5) == "CD001") {
      info.format = ImageFormat::Iso;
      return info;
    }
  }

  // Apple UDIF (dmg): a "koly" trailer in the last 512 bytes, with the sector count. Looked
  // for only in files named *.dmg, as qemu does: reading every raw file's last sector cost
  // as much as the rest of its probe.
  if (fileSize >= 1024 && hasDmgExtension(fileName)) {
    std::array<char, 512> trailer{};
    std::size_t n = 0;
    if (fileSize <= head.size) {
      std::memcpy(trailer.data(), head.at(fileSize - 512), 512);
      n = 512;
    } else {
      TRY_ASSIGN(n, readSome(read, fileSize - 512, trailer));
    }
    if (n == 512 && std::string_view(trailer.data(), 4) == "koly" &&
        be32(trailer.data() + 8) == 512) {
      info.format = ImageFormat::Dmg;
      const std::uint64_t sectors = be64(trailer.data() + 492);
      if (sectors > (UINT64_MAX >> 9)) {
        return headerError(ImageFormat::Dmg,
                           "sector count '" + std::to_string(sectors) + "' is too large");
      }
      info.virtualSize = sectors * 512;
      return info;
    }
  }
  return info;
}

}  // namespace virtus::formats
