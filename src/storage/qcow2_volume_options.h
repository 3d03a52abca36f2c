// The native qcow2 writer's options (formats/qcow2_writer.h) for a new volume, from its
// definition, with libvirt's rules: compat 0.10 unless the definition names one (libvirt asks
// qemu-img for that), lazy_refcounts only with compat 1.1, metadata preallocated with
// VIR_STORAGE_VOL_CREATE_PREALLOC_METADATA. The backing file is left to the caller: each
// backend resolves it in its own storage.
#pragma once

#include "common/result.h"
#include "model/storage/vol_def.h"
#include "storage/formats/qcow2_writer.h"

namespace virtus::storage {

Result<formats::Qcow2Options> qcow2OptionsFor(const model::VolDef& vol, unsigned flags);

}  // namespace virtus::storage
