// A one-line progress bar on stderr for long volume operations (wipe, clone, upload,
// download), fed by the driver's ProgressFn. Drawn only when enabled (stdout is a
// terminal), redrawn only when the shown percentage changes.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include "driver/storage_driver.h"

namespace virtus::cli {

// "LABEL [#########           ]  45% 450.00 MiB / 1.00 GiB"; barWidth cells of '#'/' '.
// total 0 shows an empty bar at 0%.
std::string renderProgressLine(std::string_view label, std::uint64_t done, std::uint64_t total,
                               std::size_t barWidth = 30);

class ProgressBar {
 public:
  ProgressBar(std::ostream& err, std::string label, bool enabled);
  ~ProgressBar();  // ends the line if anything was drawn

  void update(std::uint64_t done, std::uint64_t total);
  // The callback to hand to the driver (empty when disabled, so the driver may skip work).
  driver::ProgressFn callback();

 private:
  std::ostream& err_;
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  int lastPercent_ = -1;
};

}  // namespace virtus::cli
