#include "cli/progress_bar.h"

#include <algorithm>
#include <ostream>

#include "common/units.h"

namespace virtus::cli {

std::string renderProgressLine(std::string_view label, std::uint64_t done, std::uint64_t total,
                               std::size_t barWidth) {
  if (total != 0 && done > total)
    done = total;
  // Integer arithmetic in long double avoids overflow of done * 100 near 2^64.
  const long double fraction =
      total == 0 ? 0.0L : static_cast<long double>(done) / static_cast<long double>(total);
  const auto filled = static_cast<std::size_t>(fraction * barWidth);
  const int percent = static_cast<int>(fraction * 100);
  std::string line(label);
  line += " [";
  line.append(filled, '#');
  line.append(barWidth - filled, ' ');
  line += "] ";
  std::string pct = std::to_string(percent);
  line.append(3 - std::min<std::size_t>(3, pct.size()), ' ');
  line += pct + "% " + prettyCapacity(done) + " / " + prettyCapacity(total);
  return line;
}

ProgressBar::ProgressBar(std::ostream& err, std::string label, bool enabled)
    : err_(err), label_(std::move(label)), enabled_(enabled) {}

ProgressBar::~ProgressBar() {
  if (drawn_)
    err_ << '\n' << std::flush;
}

void ProgressBar::update(std::uint64_t done, std::uint64_t total) {
  if (!enabled_)
    return;
  const int percent = total == 0
                          ? 0
                          : static_cast<int>(static_cast<long double>(std::min(done, total)) * 100 /
                                             static_cast<long double>(total));
  if (percent == lastPercent_)
    return;
  lastPercent_ = percent;
  err_ << '\r' << renderProgressLine(label_, done, total) << std::flush;
  drawn_ = true;
}

driver::ProgressFn ProgressBar::callback() {
  if (!enabled_)
    return {};
  return [this](std::uint64_t done, std::uint64_t total) { update(done, total); };
}

}  // namespace virtus::cli
