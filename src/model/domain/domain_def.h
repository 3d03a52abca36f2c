// A domain's definition as libvirt's <domain> XML describes it (domain_conf.h), for the
// part of it that Virtus implements for QEMU/KVM guests. Enumerated values are kept as
// libvirt's names (parse checks them against the tables in domain_names.h), so that the
// definition formats back exactly as written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/uuid.h"

namespace virtus::model {

// <address type='drive' controller= bus= target= unit=/> or
// <address type='pci' domain= bus= slot= function= multifunction=/>.
struct DeviceAddress {
  std::string type;  // "drive" or "pci"
  // drive
  unsigned controller = 0, bus = 0, target = 0, unit = 0;
  // pci
  unsigned pciDomain = 0, pciBus = 0, slot = 0, function = 0;
  std::string multifunction;  // "", "on", "off"

  bool operator==(const DeviceAddress&) const = default;
};

// <secret type='ceph|iscsi' usage='...'/> or uuid='...'.
struct DiskSecretRef {
  std::string type;
  std::string usage;
  std::optional<Uuid> uuid;
  bool operator==(const DiskSecretRef&) const = default;
};

struct DiskAuth {
  std::string username;
  DiskSecretRef secret;
  bool operator==(const DiskAuth&) const = default;
};

// <host name= port= transport= socket=/> of a network source.
struct DiskHost {
  std::string name;
  std::optional<unsigned> port;
  std::string transport;  // "" is tcp (libvirt does not format tcp)
  std::string socket;
  bool operator==(const DiskHost&) const = default;
};

// <seclabel model= relabel=><label>...</label></seclabel> inside <source>.
struct SourceSeclabel {
  std::string model;
  std::optional<bool> relabel;
  std::string label;
  bool operator==(const SourceSeclabel&) const = default;
};

// libvirt's virStorageSource: a disk's source, or one layer of its backing chain.
struct StorageSource {
  std::string type;    // file, block, dir, volume, network
  std::string format;  // <driver type=> for the disk, <format type=> in a backingStore
  // file=, dev= or dir= for file, block and dir; empty: no source (empty cdrom drive).
  std::string path;
  // volume
  std::string pool, volume, mode;
  // network
  std::string protocol, name;
  std::vector<DiskHost> hosts;
  std::string snapshot;
  std::string configFile;
  std::string initiatorIqn;
  std::optional<DiskAuth> auth;
  std::vector<SourceSeclabel> seclabels;

  bool operator==(const StorageSource&) const = default;
  // True when the source has nothing to point at (an empty cdrom).
  bool isEmpty() const {
    return path.empty() && pool.empty() && volume.empty() && protocol.empty();
  }
};

struct DiskDriver {
  std::string name, cache, io, discard, detectZeroes;
  bool operator==(const DiskDriver&) const = default;
};

struct DiskDef {
  std::string device = "disk";  // disk, cdrom, floppy, lun
  StorageSource src;
  bool hasDriver = false;
  DiskDriver driver;
  // <auth> written under <disk> rather than inside <source>.
  bool authOnDisk = false;
  // Layers below src, top first; backingTerminated: ends with an empty <backingStore/>.
  std::vector<StorageSource> backingChain;
  bool backingTerminated = false;
  std::string targetDev, targetBus;
  bool readonly = false;
  bool shareable = false;
  std::string serial;
  std::optional<unsigned> bootOrder;
  std::optional<DeviceAddress> address;

  bool operator==(const DiskDef&) const = default;
};

// <lease>: a lock manager lease the guest holds while it runs.
struct LeaseDef {
  std::string lockspace;  // "": the lock manager's default
  std::string key;
  std::string path;
  std::uint64_t offset = 0;
  bool operator==(const LeaseDef&) const = default;
};

struct ControllerDef {
  std::string type;  // ide, fdc, scsi, sata, virtio-serial, usb, pci
  unsigned index = 0;
  std::string model;
  std::optional<unsigned> ports;    // virtio-serial
  std::optional<unsigned> vectors;  // virtio-serial
  std::optional<DeviceAddress> address;
  bool operator==(const ControllerDef&) const = default;
};

struct InputDef {
  std::string type;  // mouse, keyboard, tablet
  std::string bus;   // ps2, usb, virtio
  std::optional<DeviceAddress> address;
  bool operator==(const InputDef&) const = default;
};

struct MemballoonDef {
  std::string model;  // virtio, none
  std::optional<DeviceAddress> address;
  bool operator==(const MemballoonDef&) const = default;
};

// <interface type='user|network|bridge'>.
struct NetDef {
  std::string type = "user";
  std::string mac;            // lower case; generated (52:54:00:xx:xx:xx) when absent
  std::string sourceNetwork;  // type network
  std::string sourceBridge;   // type bridge
  // nullopt: chosen by the driver when the domain starts.
  std::optional<std::string> targetDev;
  std::string model;  // <model type=>, verbatim
  std::optional<unsigned> bootOrder;
  std::optional<DeviceAddress> address;
  bool operator==(const NetDef&) const = default;
};

// The host side of a character device: pty, file or unix.
struct ChrSourceDef {
  std::string type = "pty";
  std::string path;    // file and unix (a pty's path is live state, never kept)
  std::string append;  // file: "", "on", "off"
  std::string mode;    // unix: "bind" or "connect" (parse sets connect when absent)
  bool operator==(const ChrSourceDef&) const = default;
};

// <serial>, <console> or <channel>.
struct ChrDef {
  ChrSourceDef src;
  // serial: "" or isa-serial, usb-serial, pci-serial...; console: serial or virtio;
  // channel: virtio.
  std::string targetType;
  std::optional<unsigned> port;  // serial and console (post-parse assigns one)
  std::string targetModel;       // serial <target><model name=>
  std::string targetName;        // virtio channel name, e.g. org.qemu.guest_agent.0
  std::optional<DeviceAddress> address;
  bool operator==(const ChrDef&) const = default;
};

// <listen> of a graphics device.
struct GraphicsListen {
  std::string type = "address";  // address, network, none
  std::string address;           // address (empty: the driver's default)
  std::string network;           // network
  bool operator==(const GraphicsListen&) const = default;
};

// <graphics type='vnc|spice'>.
struct GraphicsDef {
  std::string type;
  int port = 0;     // 0: none (with autoport, chosen when the domain starts)
  int tlsPort = 0;  // spice
  bool autoport = false;
  std::string keymap;
  std::string sharePolicy;              // vnc
  std::string passwd;                   // formatted only with kDomainXmlSecure
  std::vector<GraphicsListen> listens;  // post-parse: at least one
  bool operator==(const GraphicsDef&) const = default;
};

// <video><model type=.../></video>. Sizes in KiB; 0 is "not set".
struct VideoDef {
  std::string model;  // vga, cirrus, qxl, virtio, none
  unsigned vram = 0, ram = 0, vgamem = 0;
  std::optional<unsigned> heads;
  bool primary = false;
  std::optional<DeviceAddress> address;
  bool operator==(const VideoDef&) const = default;
};

struct SoundDef {
  std::string model;  // ich6, ich9, ac97, ...
  std::optional<DeviceAddress> address;
  bool operator==(const SoundDef&) const = default;
};

// <rng model='virtio'><backend model='random'>PATH</backend></rng>.
struct RngDef {
  std::string model;
  std::string backendPath;
  std::optional<DeviceAddress> address;
  bool operator==(const RngDef&) const = default;
};

struct WatchdogDef {
  std::string model;  // i6300esb, ib700, diag288
  std::string action = "reset";
  std::optional<DeviceAddress> address;
  bool operator==(const WatchdogDef&) const = default;
};

struct OsDef {
  std::string type = "hvm";
  std::string arch;            // empty: the driver's default
  std::string machine;         // empty: the driver's default
  std::string loader;          // path
  std::string loaderReadonly;  // "", "yes", "no"
  std::string loaderType;      // "", "rom", "pflash"
  std::string nvram;
  std::string kernel, initrd, cmdline;
  std::vector<std::string> bootDevs;  // hd, cdrom, fd, network
  bool operator==(const OsDef&) const = default;
};

struct CpuDef {
  std::string mode;  // "" (no <cpu>), host-passthrough, host-model, custom
  std::string match;
  std::string check;
  std::string migratable;
  std::string model;
  std::string fallback;
  bool operator==(const CpuDef&) const = default;
};

struct DomainDef {
  std::string virtType = "kvm";  // kvm or qemu
  std::string name;
  std::optional<Uuid> uuid;  // set by parse (generated when absent)
  std::string title;
  std::string description;
  // The children of <metadata>, each formatted as libvirt formats it (XML text, one element
  // per entry, lines separated by '\n', without the indentation of <metadata>).
  std::vector<std::string> metadata;
  bool hasMetadata = false;

  // Sizes in KiB.
  std::uint64_t memoryKiB = 0;
  std::uint64_t currentMemoryKiB = 0;
  std::uint64_t maxMemoryKiB = 0;  // 0: no <maxMemory>
  unsigned maxMemorySlots = 0;

  unsigned vcpus = 1;
  std::optional<unsigned> vcpuCurrent;
  std::string vcpuPlacement = "static";
  std::string vcpuCpuset;  // verbatim

  OsDef os;
  bool featureAcpi = false, featureApic = false, featurePae = false;
  CpuDef cpu;
  std::string clockOffset = "utc";
  std::string onPoweroff = "destroy";
  std::string onReboot = "restart";
  std::string onCrash = "destroy";
  std::string onLockfailure;  // "": not set

  std::string emulator;
  std::vector<DiskDef> disks;
  std::vector<ControllerDef> controllers;
  std::vector<LeaseDef> leases;
  std::vector<NetDef> nets;
  std::vector<ChrDef> serials;
  // consoles[0] of target type serial mirrors serials[0] (libvirt's compatibility rule,
  // applied by post-parse).
  std::vector<ChrDef> consoles;
  std::vector<ChrDef> channels;
  std::vector<InputDef> inputs;
  std::vector<GraphicsDef> graphics;
  std::vector<SoundDef> sounds;
  // Post-parse puts the primary video first.
  std::vector<VideoDef> videos;
  std::optional<WatchdogDef> watchdog;
  std::optional<MemballoonDef> memballoon;
  std::vector<RngDef> rngs;

  bool operator==(const DomainDef&) const = default;
};

}  // namespace virtus::model
