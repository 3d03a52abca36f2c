// Summaries of repeated timings: the median is the figure reported (robust against the odd
// run that hits a paged-out file), min and max show the spread.
#pragma once

#include <cstddef>
#include <vector>

namespace virtus::bench {

struct Summary {
  std::size_t count = 0;
  double median = 0;  // seconds
  double min = 0;
  double max = 0;
  double p90 = 0;
};

// The summary of `samples` (seconds); all zero when there are none.
Summary summarize(std::vector<double> samples);

// CPU seconds (user + system) used so far by this process and the children it has waited
// for: less sensitive than wall time to other load on a shared machine.
double processCpuSeconds();

}  // namespace virtus::bench
