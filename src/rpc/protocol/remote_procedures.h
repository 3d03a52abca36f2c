// The REMOTE program's procedures that Virtus implements, in one table: number, name,
// argument and result types, how the server runs them, and the public API function that
// libvirt names in its read-only refusal. Encoders, decoders, server dispatch and the
// client's calls are all produced from this table; nothing else lists procedures.
//
// Attributes:
//   kReadOnlyOk  allowed on a read-only connection (changes nothing)
//   kSlow        may take long (disk I/O, fsync, backend work): runs on a worker thread
//   kPreOpen     allowed before CONNECT_OPEN
//   kUpload      the client streams data to the server after the reply
//   kDownload    the server streams data to the client after the reply
#pragma once

#include <cstdint>
#include <string_view>

#include "rpc/protocol/remote_connect.h"
#include "rpc/protocol/remote_domain.h"
#include "rpc/protocol/remote_secret.h"
#include "rpc/protocol/remote_storage.h"
#include "rpc/protocol/remote_types.h"

namespace virtus::rpc::remote {

namespace attr {
inline constexpr unsigned kReadOnlyOk = 1u << 0;
inline constexpr unsigned kSlow = 1u << 1;
inline constexpr unsigned kPreOpen = 1u << 2;
inline constexpr unsigned kUpload = 1u << 3;
inline constexpr unsigned kDownload = 1u << 4;
}  // namespace attr

// Virtus's own procedures (no libvirt client calls them) are numbered from here, in the
// REMOTE program: 0x56540000, "VT", far above libvirt's (under 500 in 9.0).
inline constexpr std::int32_t kVirtusProcBase = 0x56540000;

// clang-format off
#define VIRTUS_REMOTE_PROCEDURES(X)                                                                 \
  /* number, id, args, ret, attributes, public API */                                               \
  X(1, ConnectOpen, ConnectOpenArgs, Void, kReadOnlyOk | kPreOpen, "virConnectOpen")                \
  X(2, ConnectClose, Void, Void, kReadOnlyOk | kPreOpen, "virConnectClose")                         \
  X(3, ConnectGetType, Void, StringValue, kReadOnlyOk, "virConnectGetType")                         \
  X(4, ConnectGetVersion, Void, HyperValue, kReadOnlyOk | kSlow, "virConnectGetVersion")                \
  X(6, NodeGetInfo, Void, NodeGetInfoRet, kReadOnlyOk, "virNodeGetInfo")                            \
  X(7, ConnectGetCapabilities, Void, StringValue, kReadOnlyOk | kSlow, "virConnectGetCapabilities")\
  X(9, DomainCreate, HandleValue<Domain>, Void, kSlow, "virDomainCreate")                           \
  X(10, DomainCreateXml, StringFlags, HandleValue<Domain>, kSlow, "virDomainCreateXML")             \
  X(11, DomainDefineXml, StringValue, HandleValue<Domain>, kSlow, "virDomainDefineXML")             \
  X(12, DomainDestroy, HandleValue<Domain>, Void, kSlow, "virDomainDestroy")                        \
  X(14, DomainGetXmlDesc, HandleFlags<Domain>, StringValue, kReadOnlyOk, "virDomainGetXMLDesc")     \
  X(15, DomainGetAutostart, HandleValue<Domain>, IntValue, kReadOnlyOk, "virDomainGetAutostart")    \
  X(16, DomainGetInfo, HandleValue<Domain>, DomainGetInfoRet, kReadOnlyOk, "virDomainGetInfo")      \
  X(19, DomainGetOsType, HandleValue<Domain>, StringValue, kReadOnlyOk, "virDomainGetOSType")       \
  X(21, ConnectListDefinedDomains, IntValue, NameList, kReadOnlyOk, "virConnectListDefinedDomains") \
  X(22, DomainLookupById, IntValue, HandleValue<Domain>, kReadOnlyOk, "virDomainLookupByID")        \
  X(23, DomainLookupByName, StringValue, HandleValue<Domain>, kReadOnlyOk, "virDomainLookupByName") \
  X(24, DomainLookupByUuid, UuidValue, HandleValue<Domain>, kReadOnlyOk, "virDomainLookupByUUID")   \
  X(25, ConnectNumOfDefinedDomains, Void, IntValue, kReadOnlyOk, "virConnectNumOfDefinedDomains")   \
  X(27, DomainReboot, HandleFlags<Domain>, Void, kSlow, "virDomainReboot")                          \
  X(28, DomainResume, HandleValue<Domain>, Void, kSlow, "virDomainResume")                          \
  X(29, DomainSetAutostart, HandleInt<Domain>, Void, kSlow, "virDomainSetAutostart")                \
  X(33, DomainShutdown, HandleValue<Domain>, Void, kSlow, "virDomainShutdown")                      \
  X(34, DomainSuspend, HandleValue<Domain>, Void, kSlow, "virDomainSuspend")                        \
  X(35, DomainUndefine, HandleValue<Domain>, Void, kSlow, "virDomainUndefine")                      \
  X(37, ConnectListDomains, IntValue, IdList, kReadOnlyOk, "virConnectListDomains")                 \
  X(51, ConnectNumOfDomains, Void, IntValue, kReadOnlyOk, "virConnectNumOfDomains")                 \
  X(59, ConnectGetHostname, Void, StringValue, kReadOnlyOk, "virConnectGetHostname")                \
  X(60, ConnectSupportsFeature, IntValue, IntValue, kReadOnlyOk | kPreOpen, "virConnectSupportsFeature") \
  X(64, DomainBlockStats, DomainBlockStatsArgs, DomainBlockStatsRet, kReadOnlyOk | kSlow, "virDomainBlockStats") \
  X(66, AuthList, Void, AuthListRet, kReadOnlyOk | kPreOpen, "virConnectOpen")                      \
  X(71, ConnectNumOfStoragePools, Void, IntValue, kReadOnlyOk, "virConnectNumOfStoragePools")       \
  X(72, ConnectListStoragePools, IntValue, NameList, kReadOnlyOk, "virConnectListStoragePools")     \
  X(73, ConnectNumOfDefinedStoragePools, Void, IntValue, kReadOnlyOk, "virConnectNumOfDefinedStoragePools") \
  X(74, ConnectListDefinedStoragePools, IntValue, NameList, kReadOnlyOk, "virConnectListDefinedStoragePools") \
  X(75, ConnectFindStoragePoolSources, FindPoolSourcesArgs, StringValue, kSlow, "virConnectFindStoragePoolSources") \
  X(76, StoragePoolCreateXml, StringFlags, HandleValue<Pool>, kSlow, "virStoragePoolCreateXML")     \
  X(77, StoragePoolDefineXml, StringFlags, HandleValue<Pool>, kSlow, "virStoragePoolDefineXML")     \
  X(78, StoragePoolCreate, HandleFlags<Pool>, Void, kSlow, "virStoragePoolCreate")                  \
  X(79, StoragePoolBuild, HandleFlags<Pool>, Void, kSlow, "virStoragePoolBuild")                    \
  X(80, StoragePoolDestroy, HandleValue<Pool>, Void, kSlow, "virStoragePoolDestroy")                \
  X(81, StoragePoolDelete, HandleFlags<Pool>, Void, kSlow, "virStoragePoolDelete")                  \
  X(82, StoragePoolUndefine, HandleValue<Pool>, Void, kSlow, "virStoragePoolUndefine")              \
  X(83, StoragePoolRefresh, HandleFlags<Pool>, Void, kSlow, "virStoragePoolRefresh")                \
  X(84, StoragePoolLookupByName, StringValue, HandleValue<Pool>, kReadOnlyOk, "virStoragePoolLookupByName") \
  X(85, StoragePoolLookupByUuid, UuidValue, HandleValue<Pool>, kReadOnlyOk, "virStoragePoolLookupByUUID") \
  X(86, StoragePoolLookupByVolume, HandleValue<Vol>, HandleValue<Pool>, kReadOnlyOk, "virStoragePoolLookupByVolume") \
  X(87, StoragePoolGetInfo, HandleValue<Pool>, PoolInfoRet, kReadOnlyOk, "virStoragePoolGetInfo")   \
  X(88, StoragePoolGetXmlDesc, HandleFlags<Pool>, StringValue, kReadOnlyOk, "virStoragePoolGetXMLDesc") \
  X(89, StoragePoolGetAutostart, HandleValue<Pool>, IntValue, kReadOnlyOk, "virStoragePoolGetAutostart") \
  X(90, StoragePoolSetAutostart, HandleInt<Pool>, Void, kSlow, "virStoragePoolSetAutostart")        \
  X(91, StoragePoolNumOfVolumes, HandleValue<Pool>, IntValue, kReadOnlyOk, "virStoragePoolNumOfVolumes") \
  X(92, StoragePoolListVolumes, HandleInt<Pool>, NameList, kReadOnlyOk, "virStoragePoolListVolumes") \
  X(93, StorageVolCreateXml, VolCreateXmlArgs, HandleValue<Vol>, kSlow, "virStorageVolCreateXML")   \
  X(94, StorageVolDelete, HandleFlags<Vol>, Void, kSlow, "virStorageVolDelete")                     \
  X(95, StorageVolLookupByName, VolLookupByNameArgs, HandleValue<Vol>, kReadOnlyOk, "virStorageVolLookupByName") \
  X(96, StorageVolLookupByKey, StringValue, HandleValue<Vol>, kReadOnlyOk, "virStorageVolLookupByKey") \
  X(97, StorageVolLookupByPath, StringValue, HandleValue<Vol>, kReadOnlyOk, "virStorageVolLookupByPath") \
  X(98, StorageVolGetInfo, HandleValue<Vol>, VolInfoRet, kReadOnlyOk, "virStorageVolGetInfo")       \
  X(99, StorageVolGetXmlDesc, HandleFlags<Vol>, StringValue, kReadOnlyOk, "virStorageVolGetXMLDesc") \
  X(100, StorageVolGetPath, HandleValue<Vol>, StringValue, kReadOnlyOk, "virStorageVolGetPath")     \
  X(110, ConnectGetUri, Void, StringValue, kReadOnlyOk, "virConnectGetURI")                         \
  X(121, DomainGetSecurityLabel, HandleValue<Domain>, DomainGetSecurityLabelRet, kReadOnlyOk, "virDomainGetSecurityLabel") \
  X(122, NodeGetSecurityModel, Void, NodeGetSecurityModelRet, kReadOnlyOk, "virNodeGetSecurityModel") \
  X(125, StorageVolCreateXmlFrom, VolCreateXmlFromArgs, HandleValue<Vol>, kSlow, "virStorageVolCreateXMLFrom") \
  X(139, ConnectNumOfSecrets, Void, IntValue, kReadOnlyOk, "virConnectNumOfSecrets")                \
  X(140, ConnectListSecrets, IntValue, NameList, kReadOnlyOk, "virConnectListSecrets")              \
  X(141, SecretLookupByUuid, UuidValue, HandleValue<Secret>, kReadOnlyOk, "virSecretLookupByUUID")  \
  X(142, SecretDefineXml, StringFlags, HandleValue<Secret>, kSlow, "virSecretDefineXML")            \
  X(143, SecretGetXmlDesc, HandleFlags<Secret>, StringValue, kReadOnlyOk, "virSecretGetXMLDesc")    \
  X(144, SecretSetValue, SecretSetValueArgs, Void, kSlow, "virSecretSetValue")                      \
  X(145, SecretGetValue, HandleFlags<Secret>, SecretValueRet, 0, "virSecretGetValue")               \
  X(146, SecretUndefine, HandleValue<Secret>, Void, kSlow, "virSecretUndefine")                     \
  X(147, SecretLookupByUsage, SecretLookupByUsageArgs, HandleValue<Secret>, kReadOnlyOk, "virSecretLookupByUsage") \
  X(149, ConnectIsSecure, Void, IntValue, kReadOnlyOk, "virConnectIsSecure")                        \
  X(150, DomainIsActive, HandleValue<Domain>, IntValue, kReadOnlyOk, "virDomainIsActive")           \
  X(151, DomainIsPersistent, HandleValue<Domain>, IntValue, kReadOnlyOk, "virDomainIsPersistent")   \
  X(154, StoragePoolIsActive, HandleValue<Pool>, IntValue, kReadOnlyOk, "virStoragePoolIsActive")   \
  X(155, StoragePoolIsPersistent, HandleValue<Pool>, IntValue, kReadOnlyOk, "virStoragePoolIsPersistent") \
  X(157, ConnectGetLibVersion, Void, HyperValue, kReadOnlyOk, "virConnectGetLibVersion")            \
  X(160, DomainAttachDeviceFlags, DomainXmlFlagsArgs, Void, kSlow, "virDomainAttachDeviceFlags")    \
  X(161, DomainDetachDeviceFlags, DomainXmlFlagsArgs, Void, kSlow, "virDomainDetachDeviceFlags")    \
  X(174, DomainUpdateDeviceFlags, DomainXmlFlagsArgs, Void, kSlow, "virDomainUpdateDeviceFlags")    \
  X(165, StorageVolWipe, HandleFlags<Vol>, Void, kSlow, "virStorageVolWipe")                        \
  X(183, DomainHasManagedSaveImage, HandleFlags<Domain>, IntValue, kReadOnlyOk, "virDomainHasManagedSaveImage") \
  X(187, DomainSnapshotNum, HandleFlags<Domain>, IntValue, kReadOnlyOk, "virDomainSnapshotNum")     \
  X(194, DomainGetBlockInfo, DomainXmlFlagsArgs, DomainGetBlockInfoRet, kReadOnlyOk | kSlow, "virDomainGetBlockInfo") \
  X(196, DomainCreateWithFlags, HandleFlags<Domain>, HandleValue<Domain>, kSlow, "virDomainCreateWithFlags") \
  X(201, DomainOpenConsole, DomainOpenConsoleArgs, Void, kSlow | kUpload | kDownload, "virDomainOpenConsole") \
  X(202, DomainIsUpdated, HandleValue<Domain>, IntValue, kReadOnlyOk, "virDomainIsUpdated")         \
  X(208, StorageVolUpload, VolTransferArgs, Void, kSlow | kUpload, "virStorageVolUpload")           \
  X(209, StorageVolDownload, VolTransferArgs, Void, kSlow | kDownload, "virStorageVolDownload")     \
  X(212, DomainGetState, HandleFlags<Domain>, DomainGetStateRet, kReadOnlyOk, "virDomainGetState")  \
  X(231, DomainUndefineFlags, HandleFlags<Domain>, Void, kSlow, "virDomainUndefineFlags")           \
  X(234, DomainDestroyFlags, HandleFlags<Domain>, Void, kSlow, "virDomainDestroyFlags")             \
  X(245, DomainReset, HandleFlags<Domain>, Void, kSlow, "virDomainReset")                           \
  X(258, DomainShutdownFlags, HandleFlags<Domain>, Void, kSlow, "virDomainShutdownFlags")           \
  X(259, StorageVolWipePattern, VolWipePatternArgs, Void, kSlow, "virStorageVolWipePattern")        \
  X(260, StorageVolResize, VolResizeArgs, Void, kSlow, "virStorageVolResize")                       \
  X(273, ConnectListAllDomains, ListAllArgs, ListAllRet<Domain>, kReadOnlyOk, "virConnectListAllDomains") \
  X(281, ConnectListAllStoragePools, ListAllArgs, ListAllRet<Pool>, kReadOnlyOk, "virConnectListAllStoragePools") \
  X(282, StoragePoolListAllVolumes, PoolListAllVolumesArgs, ListAllRet<Vol>, kReadOnlyOk, "virStoragePoolListAllVolumes") \
  X(287, ConnectListAllSecrets, ListAllArgs, ListAllRet<Secret>, kReadOnlyOk, "virConnectListAllSecrets") \
  X(342, ConnectGetDomainCapabilities, ConnectGetDomainCapabilitiesArgs, StringValue, kReadOnlyOk | kSlow, "virConnectGetDomainCapabilities") \
  X(316, ConnectDomainEventCallbackRegisterAny, DomainEventCallbackRegisterArgs, IntValue, kReadOnlyOk, "virConnectDomainEventRegisterAny") \
  X(317, ConnectDomainEventCallbackDeregisterAny, IntValue, Void, kReadOnlyOk, "virConnectDomainEventDeregisterAny") \
  X(350, DomainDefineXmlFlags, StringFlags, HandleValue<Domain>, kSlow, "virDomainDefineXMLFlags")  \
  X(360, ConnectRegisterCloseCallback, Void, Void, kReadOnlyOk, "virConnectRegisterCloseCallback")  \
  X(361, ConnectUnregisterCloseCallback, Void, Void, kReadOnlyOk, "virConnectUnregisterCloseCallback") \
  X(368, ConnectStoragePoolEventRegisterAny, PoolEventRegisterArgs, IntValue, kReadOnlyOk, "virConnectStoragePoolEventRegisterAny") \
  X(369, ConnectStoragePoolEventDeregisterAny, IntValue, Void, kReadOnlyOk, "virConnectStoragePoolEventDeregisterAny") \
  X(378, StorageVolGetInfoFlags, HandleFlags<Vol>, VolInfoRet, kReadOnlyOk, "virStorageVolGetInfoFlags") \
  X(391, StoragePoolLookupByTargetPath, StringValue, HandleValue<Pool>, kReadOnlyOk, "virStoragePoolLookupByTargetPath") \
  X(403, ConnectGetStoragePoolCapabilities, UintValue, StringValue, kReadOnlyOk, "virConnectGetStoragePoolCapabilities") \
  X(426, DomainGetMessages, HandleFlags<Domain>, NameList, kReadOnlyOk, "virDomainGetMessages") \
  /* Virtus's own calls, far above libvirt's numbers (docs/daemon.md) */                             \
  X(::virtus::rpc::remote::kVirtusProcBase + 1, VirtusLockList, UintValue, StringValue, kReadOnlyOk | kSlow, "virtusLockList") \
  X(::virtus::rpc::remote::kVirtusProcBase + 2, VirtusPoolStatus, HandleFlags<Pool>, VirtusPoolStatusRet, kReadOnlyOk, "virtusPoolStatus")
// clang-format on

enum class Proc : std::int32_t {
#define VIRTUS_PROC_ENUM(num, id, args, ret, attrs, api) id = num,
  VIRTUS_REMOTE_PROCEDURES(VIRTUS_PROC_ENUM)
#undef VIRTUS_PROC_ENUM
};

// Messages the server sends on its own (type MESSAGE), not answers to calls.
inline constexpr std::int32_t kStoragePoolEventLifecycle = 370;
inline constexpr std::int32_t kStoragePoolEventRefresh = 373;
inline constexpr std::int32_t kDomainEventLifecycle = 107;  // legacy callbacks (no callbackID)
inline constexpr std::int32_t kDomainEventCallbackLifecycle = 318;

struct ProcInfo {
  bool known = false;
  unsigned attrs = 0;
  std::string_view api;
};

// What the table says about a procedure number (known = false for the rest).
constexpr ProcInfo procInfo(std::int32_t number) {
  using namespace attr;
  switch (number) {
#define VIRTUS_PROC_INFO(num, id, args, ret, attrs, api) \
  case num:                                              \
    return ProcInfo{true, attrs, api};
    VIRTUS_REMOTE_PROCEDURES(VIRTUS_PROC_INFO)
#undef VIRTUS_PROC_INFO
    default:
      return ProcInfo{};
  }
}

template <Proc P>
struct ProcSpec;

#define VIRTUS_PROC_SPEC(num, id, args, ret, how, api)      \
  template <>                                               \
  struct ProcSpec<Proc::id> {                               \
    using Args = args;                                      \
    using Ret = ret;                                        \
    static constexpr std::int32_t kNumber = num;            \
    static constexpr unsigned kAttrs = procInfo(num).attrs; \
    static constexpr std::string_view kApi = api;           \
  };
VIRTUS_REMOTE_PROCEDURES(VIRTUS_PROC_SPEC)
#undef VIRTUS_PROC_SPEC

}  // namespace virtus::rpc::remote
