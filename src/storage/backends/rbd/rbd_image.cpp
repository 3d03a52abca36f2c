#include "storage/backends/rbd/rbd_image.h"

namespace virtus::storage::rbd {

int RbdImage::open(rados_ioctx_t io, const std::string& name, bool readOnly) {
  close();
  int rc = readOnly ? rbd_open_read_only(io, name.c_str(), &image_, nullptr)
                    : rbd_open(io, name.c_str(), &image_, nullptr);
  if (rc < 0)
    image_ = nullptr;
  return rc;
}

void RbdImage::close() {
  if (image_)
    rbd_close(image_);
  image_ = nullptr;
}

int statImage(rbd_image_t image, ImageStat& out) {
  rbd_image_info_t info{};
  if (int rc = rbd_stat(image, &info, sizeof info); rc < 0)
    return rc;
  out.size = info.size;
  out.objSize = info.obj_size;
  out.numObjs = info.num_objs;
  if (int rc = rbd_get_features(image, &out.features); rc < 0)
    return rc;
  if (int rc = rbd_get_flags(image, &out.flags); rc < 0)
    return rc;
  return 0;
}

namespace {
int countExisting(uint64_t, size_t len, int exists, void* arg) {
  if (exists)
    *static_cast<std::uint64_t*>(arg) += len;
  return 0;
}
}  // namespace

int allocatedBytes(rbd_image_t image, std::uint64_t size, std::uint64_t& out) {
  out = 0;
  return rbd_diff_iterate2(image, nullptr, 0, size, /*include_parent=*/0, /*whole_object=*/1,
                           countExisting, &out);
}

}  // namespace virtus::storage::rbd
