// Reading the libvirt reference cases (VIRTUS_FIXTURES_DIR) and other test data files:
// whole files, fixture paths and the .tsv case lists. Header-only, for any test target.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace virtus::fixtures {

// The whole file as bytes; "" when it cannot be read (the comparison then fails).
inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A path under the libvirt fixture directory, e.g. fixturePath("storagepool/in/x.xml").
inline std::string fixturePath(const std::string& relative) {
  return std::string(VIRTUS_FIXTURES_DIR) + "/" + relative;
}

// The rows of a tab-separated case list, each split into its fields; empty lines and
// '#' comments are skipped.
inline std::vector<std::vector<std::string>> readTsv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(readFile(path));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#')
      continue;
    std::vector<std::string> fields;
    std::istringstream cells(line);
    for (std::string field; std::getline(cells, field, '\t');)
      fields.push_back(field);
    rows.push_back(std::move(fields));
  }
  return rows;
}

// The text without its final newline (.argv fixtures end with one, builders' text not).
inline std::string withoutFinalNewline(std::string text) {
  if (!text.empty() && text.back() == '\n')
    text.pop_back();
  return text;
}

// One case of pool-xml2argv.tsv: a pool definition and the command line libvirt runs to
// start it.
struct PoolArgvCase {
  std::string name;  // storagepool/in/NAME.xml
  std::string xml;   // that file
  std::string argv;  // poolargv/FILE without its final newline ("" when the row is short)
};

inline std::vector<PoolArgvCase> poolArgvCases() {
  std::vector<PoolArgvCase> cases;
  for (const auto& row : readTsv(fixturePath("pool-xml2argv.tsv"))) {
    PoolArgvCase c;
    c.name = row[0];
    c.xml = readFile(fixturePath("storagepool/in/" + c.name + ".xml"));
    if (row.size() > 1)
      c.argv = withoutFinalNewline(readFile(fixturePath("poolargv/" + row[1])));
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace virtus::fixtures
