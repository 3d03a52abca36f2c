// virsh's tables (vshTable): a leading space, columns padded to their widest cell
// (header included) and separated by three spaces, the last column unpadded, and a dashed
// rule two characters longer than the header line.
#pragma once

#include <string>
#include <vector>

namespace virtus::cli {

class OutputTable {
 public:
  explicit OutputTable(std::vector<std::string> header);

  // A row must have as many cells as the header.
  void addRow(std::vector<std::string> cells);

  // withHeader=false is virsh's --quiet rendering: the rows only.
  std::string render(bool withHeader = true) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Terminal columns a UTF-8 string occupies (one per code point; enough for the names and
// numbers tables hold).
std::size_t displayWidth(const std::string& text);

}  // namespace virtus::cli
