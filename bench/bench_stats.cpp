#include "bench_stats.h"

#include <sys/resource.h>

#include <algorithm>

namespace virtus::bench {

Summary summarize(std::vector<double> samples) {
  Summary s;
  if (samples.empty())
    return s;
  std::sort(samples.begin(), samples.end());
  const std::size_t n = samples.size();
  s.count = n;
  s.min = samples.front();
  s.max = samples.back();
  s.median = n % 2 == 1 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
  s.p90 = samples[std::min(n - 1, n * 9 / 10)];
  return s;
}

namespace {
double seconds(const timeval& tv) {
  return tv.tv_sec + tv.tv_usec / 1e6;
}
}  // namespace

double processCpuSeconds() {
  rusage self{}, children{};
  ::getrusage(RUSAGE_SELF, &self);
  ::getrusage(RUSAGE_CHILDREN, &children);
  return seconds(self.ru_utime) + seconds(self.ru_stime) + seconds(children.ru_utime) +
         seconds(children.ru_stime);
}

}  // namespace virtus::bench
