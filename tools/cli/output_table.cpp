#include "cli/output_table.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace virtus::cli {

std::size_t displayWidth(const std::string& text) {
  std::size_t width = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80)
      ++width;  // count lead bytes, skip continuation bytes
  }
  return width;
}

OutputTable::OutputTable(std::vector<std::string> header) : header_(std::move(header)) {}

void OutputTable::addRow(std::vector<std::string> cells) {
  assert(cells.size() == header_.size());
  rows_.push_back(std::move(cells));
}

namespace {

void appendLine(std::string& out, const std::vector<std::string>& cells,
                const std::vector<std::size_t>& widths) {
  out += ' ';
  for (std::size_t i = 0; i < cells.size(); ++i) {
    out += cells[i];
    if (i + 1 < cells.size()) {
      out.append(widths[i] - displayWidth(cells[i]) + 3, ' ');
    }
  }
  out += '\n';
}

}  // namespace

std::string OutputTable::render(bool withHeader) const {
  std::vector<std::size_t> widths(header_.size());
  // As virsh does, a header left out (--quiet) does not widen its columns either.
  if (withHeader) {
    for (std::size_t i = 0; i < header_.size(); ++i)
      widths[i] = displayWidth(header_[i]);
  }
  for (const auto& row : rows_) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], displayWidth(row[i]));
    }
  }
  std::string out;
  if (withHeader) {
    appendLine(out, header_, widths);
    std::size_t lineWidth = 1;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      lineWidth += (i + 1 < widths.size()) ? widths[i] + 3 : widths[i];
    }
    out.append(lineWidth + 2, '-');
    out += '\n';
  }
  for (const auto& row : rows_)
    appendLine(out, row, widths);
  return out;
}

}  // namespace virtus::cli
