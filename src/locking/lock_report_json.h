// A LockReport as JSON: what `virtus lock-list --json` prints and what virtusd's
// VIRTUS_LOCK_LIST call returns (docs/cli.md shows the shape).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "locking/lock_manager.h"

namespace virtus::locking {

std::string lockReportToJson(const LockReport& report);
// VIR_ERR_INTERNAL_ERROR on text that is not such a report.
Result<LockReport> lockReportFromJson(std::string_view text);

}  // namespace virtus::locking
