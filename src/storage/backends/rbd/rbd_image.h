// An open RBD image (RAII over rbd_image_t) and what refresh reads from it.
#pragma once

#include <rbd/librbd.h>

#include <cstdint>
#include <string>

#include "common/result.h"

namespace virtus::storage::rbd {

class RbdImage {
 public:
  RbdImage() = default;
  ~RbdImage() { close(); }
  RbdImage(RbdImage&& other) noexcept : image_(other.image_) { other.image_ = nullptr; }
  RbdImage& operator=(RbdImage&& other) noexcept {
    if (this != &other) {
      close();
      image_ = other.image_;
      other.image_ = nullptr;
    }
    return *this;
  }
  RbdImage(const RbdImage&) = delete;
  RbdImage& operator=(const RbdImage&) = delete;

  // The rc of rbd_open / rbd_open_read_only (0 or -errno). Read-only opens register no
  // watch and write nothing to the cluster: a read-only cephx user can make them.
  int open(rados_ioctx_t io, const std::string& name, bool readOnly);
  void close();

  rbd_image_t get() const { return image_; }

 private:
  rbd_image_t image_ = nullptr;
};

struct ImageStat {
  std::uint64_t size = 0;
  std::uint64_t objSize = 0;
  std::uint64_t numObjs = 0;
  std::uint64_t features = 0;
  std::uint64_t flags = 0;

  bool fastDiffUsable() const {
    return (features & RBD_FEATURE_FAST_DIFF) != 0 && (flags & RBD_FLAG_FAST_DIFF_INVALID) == 0;
  }
};

// rbd_stat + features + flags; rc < 0 on failure.
int statImage(rbd_image_t image, ImageStat& out);

// Bytes of the objects that exist (rbd_diff_iterate2 whole-object from the beginning), as
// libvirt's allocation for images with fast-diff; rc < 0 on failure.
int allocatedBytes(rbd_image_t image, std::uint64_t size, std::uint64_t& out);

}  // namespace virtus::storage::rbd
