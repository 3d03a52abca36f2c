// The formatted capabilities against libvirt 9.0's own output for the same QEMU 7.2,
// recorded in testdata/ (see testdata/README.md). Virtus formats a subset of libvirt's
// elements: every element it writes must appear verbatim, and in the same order, in
// libvirt's document, except the differences listed here and in the README.
#include "hypervisor/qemu/qemu_caps_format.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "hypervisor/qemu/qemu_caps_test_data.h"

namespace virtus::qemu {
namespace {

using testdata::readTestdata;
using testdata::recordedCaps;

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream s(text);
  std::string line;
  while (std::getline(s, line))
    out.push_back(line);
  return out;
}

std::size_t indent(const std::string& line) {
  return line.find_first_not_of(' ');
}

// The elements of `xml` at indentation `depth` (2 spaces a level) inside the containers
// named in `descend` (at depth - 1), each as its text with its children.
std::vector<std::string> elementsAt(const std::string& xml, std::size_t depth,
                                    const std::vector<std::string>& descend) {
  std::vector<std::string> all = lines(xml);
  std::vector<std::string> chunks;
  bool inside = depth == 1;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const std::string& l = all[i];
    if (depth > 1 && indent(l) == (depth - 1) * 2) {
      inside = false;
      for (const auto& d : descend)
        if (l.compare(indent(l), d.size() + 1, "<" + d) == 0 && l.back() == '>' &&
            l[l.size() - 2] != '/')
          inside = true;
      continue;
    }
    if (!inside || indent(l) != depth * 2 || l.compare(indent(l), 2, "</") == 0)
      continue;
    std::string chunk = l + "\n";
    bool selfClosing = l.ends_with("/>") || l.find("</") != std::string::npos;
    for (std::size_t j = i + 1; !selfClosing && j < all.size(); ++j) {
      chunk += all[j] + "\n";
      if (indent(all[j]) == depth * 2)
        break;
    }
    chunks.push_back(chunk);
  }
  return chunks;
}

// Every element of `ours` at the given level is in `reference` verbatim and in order,
// except those starting with a prefix of `differences`.
void expectSubsetInOrder(const std::string& ours, const std::string& reference, std::size_t depth,
                         const std::vector<std::string>& descend,
                         const std::vector<std::string>& differences) {
  std::size_t last = 0;
  int compared = 0;
  for (const auto& chunk : elementsAt(ours, depth, descend)) {
    bool known = false;
    for (const auto& d : differences)
      if (chunk.find(d) == depth * 2)
        known = true;
    if (known)
      continue;
    std::size_t at = reference.find(chunk, last);
    EXPECT_NE(at, std::string::npos) << "not in libvirt's output (or out of order):\n" << chunk;
    if (at != std::string::npos)
      last = at + chunk.size();
    ++compared;
  }
  EXPECT_GT(compared, 2);
}

const std::vector<std::string> kDomcapsDifferences = {
    // host-model needs libvirt's CPUID model of the host CPU.
    "<mode name='host-model' supported='no'/>",
    // Virtus does not assign host devices.
    "<hostdev supported='no'/>",
    // Virtus offers VNC and SPICE only (no sdl, egl-headless, dbus).
    "<graphics supported='yes'>",
};

void expectMatchesLibvirt(const std::string& ours, const std::string& reference) {
  // The containers are compared element by element below.
  std::vector<std::string> topLevel = kDomcapsDifferences;
  topLevel.insert(topLevel.end(), {"<cpu>", "<devices>", "<features>"});
  expectSubsetInOrder(ours, reference, 1, {}, topLevel);
  expectSubsetInOrder(ours, reference, 2, {"cpu"}, kDomcapsDifferences);
  expectSubsetInOrder(ours, reference, 2, {"devices"}, kDomcapsDifferences);
  expectSubsetInOrder(ours, reference, 2, {"features"}, kDomcapsDifferences);
}

TEST(QemuCapsFormat, DomainCapabilitiesOfTheDefaultMachineMatchLibvirt) {
  QemuCaps caps = recordedCaps();
  auto xml = formatDomainCapabilities(caps, "", "qemu");
  ASSERT_TRUE(xml) << xml.error().message;
  std::string reference = readTestdata("domcapabilities-qemu.xml");
  ASSERT_FALSE(reference.empty());
  expectMatchesLibvirt(*xml, reference);
  // Head lines and the whole custom CPU list, verbatim.
  EXPECT_EQ(xml->substr(0, 200), reference.substr(0, 200));
  auto custom = [](const std::string& s) {
    auto from = s.find("<mode name='custom'");
    return s.substr(from, s.find("</mode>", from) - from);
  };
  EXPECT_EQ(custom(*xml), custom(reference));
  // The known differences, as Virtus writes them.
  EXPECT_NE(xml->find("<hostdev supported='no'/>"), std::string::npos);
  EXPECT_NE(xml->find("<value>vnc</value>\n        <value>spice</value>"), std::string::npos);
  // Without a machine or virttype: QEMU's default machine under TCG (KVM does not work).
  auto defaults = formatDomainCapabilities(caps, "", "");
  ASSERT_TRUE(defaults);
  EXPECT_EQ(*defaults, *xml);
  auto byAlias = formatDomainCapabilities(caps, "pc", "qemu");
  ASSERT_TRUE(byAlias);
  EXPECT_EQ(*byAlias, *xml);
}

TEST(QemuCapsFormat, Q35HasNoIdeBusAndMoreVcpus) {
  QemuCaps caps = recordedCaps();
  auto xml = formatDomainCapabilities(caps, "q35", "qemu");
  ASSERT_TRUE(xml);
  expectMatchesLibvirt(*xml, readTestdata("domcapabilities-qemu-q35.xml"));
  EXPECT_NE(xml->find("<machine>pc-q35-7.2</machine>"), std::string::npos);
  EXPECT_NE(xml->find("<vcpu max='288'/>"), std::string::npos);
  EXPECT_EQ(xml->find("<value>ide</value>"), std::string::npos);
}

TEST(QemuCapsFormat, KvmAndUnknownMachinesAreRefusedAsLibvirtDoes) {
  QemuCaps caps = recordedCaps();
  auto kvm = formatDomainCapabilities(caps, "", "kvm");
  ASSERT_FALSE(kvm);
  EXPECT_EQ(kvm.error().code, ErrorCode::InvalidArg);
  // libvirt: "invalid argument: the accel 'kvm' is not supported by
  // '/usr/bin/qemu-system-x86_64' on this host"
  EXPECT_EQ(kvm.error().message,
            "the accel 'kvm' is not supported by '/usr/bin/qemu-system-x86_64' on this host");
  auto machine = formatDomainCapabilities(caps, "pc-9.9", "qemu");
  ASSERT_FALSE(machine);
  EXPECT_EQ(machine.error().code, ErrorCode::InvalidArg);
  EXPECT_NE(machine.error().message.find("'pc-9.9'"), std::string::npos);
}

TEST(QemuCapsFormat, KvmWhenItWorks) {
  QemuCaps caps = recordedCaps();
  caps.kvmEnabled = true;
  QemuAccelCaps kvm = caps.accels[0];
  kvm.accel = QemuAccel::Kvm;
  for (auto& c : kvm.cpuModels)
    c.unavailableFeatures.clear();
  caps.accels.push_back(kvm);
  auto xml = formatDomainCapabilities(caps, "", "");
  ASSERT_TRUE(xml);
  EXPECT_NE(xml->find("<domain>kvm</domain>"), std::string::npos);
  EXPECT_NE(xml->find("<mode name='host-passthrough' supported='yes'/>"), std::string::npos);
  EXPECT_NE(xml->find("<model usable='yes' vendor='Intel'>Haswell</model>"), std::string::npos);
  std::string guest = formatGuestCapabilities(caps);
  EXPECT_NE(guest.find("      <domain type='qemu'/>\n      <domain type='kvm'/>\n"),
            std::string::npos);
}

TEST(QemuCapsFormat, GuestIsLibvirtsX8664GuestVerbatim) {
  QemuCaps caps = recordedCaps();
  std::string reference = readTestdata("capabilities-guests.xml");
  auto from = reference.find("  <guest>\n    <os_type>hvm</os_type>\n    <arch name='x86_64'>");
  ASSERT_NE(from, std::string::npos);
  EXPECT_EQ(formatGuestCapabilities(caps), reference.substr(from));
}

TEST(QemuCapsFormat, I686GuestHasPaeFeatures) {
  QemuCaps caps = recordedCaps();
  caps.arch = "i686";
  caps.binary = "/usr/bin/qemu-system-i386";
  std::string guest = formatGuestCapabilities(caps);
  EXPECT_NE(guest.find("<wordsize>32</wordsize>"), std::string::npos);
  std::string reference = readTestdata("capabilities-guests.xml");
  auto features = [](const std::string& s) {
    auto from = s.find("    <features>");
    return s.substr(from, s.find("</features>", from) - from);
  };
  EXPECT_EQ(features(guest), features(reference));  // the i686 guest comes first
}

}  // namespace
}  // namespace virtus::qemu
