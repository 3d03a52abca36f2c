#include "storage/backends/rbd/rbd_errors.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace virtus::storage::rbd {
namespace {

const RbdOp kCreate{"create volume", "disk1", "ceph", "rbd/disk1", "client.ro"};

TEST(RbdErrors, PermissionErrorsNameOperationVolumeUserAndPool) {
  for (int e : {EPERM, EACCES}) {
    Error err = rbdError(-e, kCreate);
    EXPECT_EQ(err.code, ErrorCode::OperationDenied);
    EXPECT_EQ(err.domain, ErrorDomain::Storage);
    for (const char* part :
         {"create volume", "'disk1'", "'ceph'", "permission denied", "'client.ro'", "'rbd/disk1'"})
      EXPECT_NE(err.message.find(part), std::string::npos) << part << " in " << err.message;
  }
}

TEST(RbdErrors, CodesByErrno) {
  EXPECT_EQ(rbdError(-ETIMEDOUT, kCreate).code, ErrorCode::OperationTimeout);
  EXPECT_EQ(rbdError(-EEXIST, kCreate).code, ErrorCode::StorageVolExist);
  EXPECT_EQ(rbdError(-EEXIST, kCreate).text(), "storage volume 'disk1' exists already");
  EXPECT_EQ(rbdError(-ENOENT, kCreate).code, ErrorCode::NoStorageVol);
  EXPECT_EQ(rbdError(-EBUSY, kCreate).code, ErrorCode::ResourceBusy);
  Error other = rbdError(-EIO, kCreate);
  EXPECT_EQ(other.code, ErrorCode::SystemError);
  EXPECT_EQ(other.message,
            "failed to create volume 'disk1' in storage pool 'ceph' ('rbd/disk1'): "
            "Input/output error");
  RbdOp list{"list the images", "", "ceph", "rbd", "client.admin"};
  EXPECT_EQ(rbdError(-ENOENT, list).code, ErrorCode::SystemError);
}

TEST(RbdErrors, ConnectErrors) {
  Error auth = connectError(-EACCES, "ceph", "127.0.0.1:6789", "client.admin");
  EXPECT_EQ(auth.code, ErrorCode::AuthFailed);
  EXPECT_NE(auth.message.find("127.0.0.1:6789"), std::string::npos);
  EXPECT_NE(auth.message.find("'client.admin'"), std::string::npos);
  EXPECT_EQ(connectError(-EPERM, "ceph", "m", "u").code, ErrorCode::AuthFailed);
  EXPECT_EQ(connectError(-ETIMEDOUT, "ceph", "m", "u").code, ErrorCode::OperationTimeout);
  EXPECT_EQ(connectError(-ECONNREFUSED, "ceph", "m", "u").code, ErrorCode::SystemError);
}

}  // namespace
}  // namespace virtus::storage::rbd
