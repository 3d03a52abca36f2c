#include "storage/backends/disk/parted_commands.h"

#include <gtest/gtest.h>

#include "storage/backends/disk/disk_test_support.h"

namespace virtus::storage::disk {
namespace {

using std::chrono::milliseconds;
using testing::testdata;

std::vector<std::string> argvOf(const os::Command& cmd) {
  std::vector<std::string> argv{cmd.program};
  argv.insert(argv.end(), cmd.args.begin(), cmd.args.end());
  return argv;
}

TEST(DiskPartedCommands, PrintIsMachineReadableInBytesWithFreeSpace) {
  auto cmd = buildPrint("/dev/sda", milliseconds(30000));
  EXPECT_EQ(argvOf(cmd), (std::vector<std::string>{"parted", "-s", "-m", "/dev/sda", "unit", "B",
                                                   "print", "free"}));
  EXPECT_EQ(cmd.timeout, milliseconds(30000));
}

TEST(DiskPartedCommands, GeometryInCylinders) {
  auto cmd = buildPrintGeometry("/dev/sda", milliseconds(5));
  EXPECT_EQ(argvOf(cmd),
            (std::vector<std::string>{"parted", "-s", "-m", "/dev/sda", "unit", "chs", "print"}));
  EXPECT_EQ(cmd.timeout, milliseconds(5));
}

TEST(DiskPartedCommands, MklabelInLibvirtsOrder) {
  auto cmd = buildMklabel("/dev/sda", "msdos", milliseconds(7));
  EXPECT_EQ(cmd.toArgvText(), "parted \\\n/dev/sda \\\nmklabel \\\n--script msdos");
  EXPECT_EQ(argvOf(cmd),
            (std::vector<std::string>{"parted", "/dev/sda", "mklabel", "--script", "msdos"}));
  EXPECT_EQ(cmd.timeout, milliseconds(7));
}

TEST(DiskPartedCommands, MkpartTypeIsOneArgumentAndOffsetsInBytes) {
  auto primary = buildMkpart("/dev/sda", "primary ext2", 32256, 52428799, milliseconds(7));
  EXPECT_EQ(argvOf(primary), (std::vector<std::string>{"parted", "/dev/sda", "mkpart", "--script",
                                                       "primary ext2", "32256B", "52428799B"}));
  EXPECT_EQ(primary.timeout, milliseconds(7));
  auto extended = buildMkpart("/dev/sda", "extended", 73400320, 209715199, milliseconds(7));
  EXPECT_EQ(argvOf(extended), (std::vector<std::string>{"parted", "/dev/sda", "mkpart", "--script",
                                                        "extended", "73400320B", "209715199B"}));
  auto logical =
      buildMkpart("/dev/sda", "logical linux-swap", 73400832, 104857599, milliseconds(7));
  EXPECT_EQ(logical.args[3], "logical linux-swap");
  auto gpt = buildMkpart("/dev/vdb", "primary", 17408, 1048575, milliseconds(7));
  EXPECT_EQ(argvOf(gpt), (std::vector<std::string>{"parted", "/dev/vdb", "mkpart", "--script",
                                                   "primary", "17408B", "1048575B"}));
}

TEST(DiskPartedCommands, Rm) {
  auto cmd = buildRm("/dev/loop0", "2", milliseconds(9));
  EXPECT_EQ(argvOf(cmd), (std::vector<std::string>{"parted", "/dev/loop0", "rm", "--script", "2"}));
  EXPECT_EQ(cmd.timeout, milliseconds(9));
}

// Captured with parted 3.5 on a 256 MiB loop device: msdos, three primaries, an extended
// partition with two logical ones (the second swap), free space inside and after it.
TEST(DiskPartedPrint, ParsesDosWithExtendedAndLogical) {
  auto table = parsePrint(testdata("print-dos-extended.txt"));
  ASSERT_TRUE(table) << table.error().message;
  EXPECT_EQ(table->device, "/dev/loop2");
  EXPECT_EQ(table->size, 268435456u);
  EXPECT_EQ(table->sectorSize, 512u);
  EXPECT_EQ(table->label, "msdos");
  ASSERT_EQ(table->entries.size(), 9u);
  EXPECT_TRUE(table->entries[0].free);
  EXPECT_EQ(table->entries[0].start, 1024u);
  EXPECT_EQ(table->entries[0].end, 32255u);
  PartedEntry first{false, 1, 32256, 52428799, 52396544, "", "", ""};
  EXPECT_EQ(table->entries[1], first);
  EXPECT_EQ(table->entries[4].number, 4);
  EXPECT_EQ(table->entries[4].flags, "lba");
  EXPECT_EQ(table->entries[6].number, 6);
  EXPECT_EQ(table->entries[6].flags, "swap");
  EXPECT_TRUE(table->entries[7].free);
  EXPECT_EQ(table->entries[8].end, 268435455u);
}

TEST(DiskPartedPrint, ParsesGptWithNames) {
  auto table = parsePrint(testdata("print-gpt.txt"));
  ASSERT_TRUE(table) << table.error().message;
  EXPECT_EQ(table->label, "gpt");
  ASSERT_EQ(table->entries.size(), 4u);
  PartedEntry second{false, 2, 11534336, 32505855, 20971520, "", "primary", ""};
  EXPECT_EQ(table->entries[2], second);
  EXPECT_EQ(table->entries[3].end, 268418559u);  // the backup table follows
}

TEST(DiskPartedPrint, EmptyLabelHasOnlyFreeSpace) {
  auto table = parsePrint(testdata("print-gpt-empty.txt"));
  ASSERT_TRUE(table) << table.error().message;
  ASSERT_EQ(table->entries.size(), 1u);
  EXPECT_TRUE(table->entries[0].free);
  EXPECT_EQ(table->entries[0].start, 17408u);
}

TEST(DiskPartedPrint, UnlabelledDiskIsRecognised) {
  // parted exits 1 on it, printing the device line with label "unknown".
  auto table = parsePrint(testdata("print-unlabelled.txt"));
  ASSERT_TRUE(table) << table.error().message;
  EXPECT_EQ(table->label, "unknown");
  EXPECT_TRUE(table->entries.empty());
  EXPECT_TRUE(isUnrecognisedLabel("", testdata("print-unlabelled.err")));
  EXPECT_FALSE(isUnrecognisedLabel(testdata("print-gpt.txt"), "Error: Permission denied"));
}

TEST(DiskPartedPrint, GarbageIsAnInternalErrorQuotingTheLine) {
  auto noHeader = parsePrint("Model: Loopback device (loopback)\n");
  ASSERT_FALSE(noHeader);
  EXPECT_EQ(noHeader.error().code, ErrorCode::InternalError);

  auto badDevice = parsePrint("BYT;\n/dev/sda:lots:scsi:512:512:msdos:x:;\n");
  ASSERT_FALSE(badDevice);
  EXPECT_EQ(badDevice.error().code, ErrorCode::InternalError);
  EXPECT_NE(badDevice.error().message.find("'/dev/sda:lots:scsi:512:512:msdos:x:;'"),
            std::string::npos);

  auto badPart = parsePrint(
      "BYT;\n/dev/sda:1000B:scsi:512:512:msdos:x:;\n1:10B:5B:0B:::;\n");  // end before start
  ASSERT_FALSE(badPart);
  EXPECT_EQ(badPart.error().message, "parted printed an unexpected line '1:10B:5B:0B:::;'");

  auto noSemicolon = parsePrint("BYT;\n/dev/sda:1000B:scsi:512:512:msdos:x:;\n1:1B:5B:5B:::\n");
  EXPECT_FALSE(noSemicolon);
  auto kiloBytes = parsePrint("BYT;\n/dev/sda:1000B:scsi:512:512:msdos:x:;\n1:1kB:5kB:4kB:::;\n");
  EXPECT_FALSE(kiloBytes);
}

TEST(DiskPartedGeometry, ParsesBiosGeometryOfLoopDevice) {
  auto g = parseGeometry(testdata("chs-dos.txt"));
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_EQ(g->cylinders, 1028u);
  EXPECT_EQ(g->heads, 255u);
  EXPECT_EQ(g->sectors, 2u);
}

TEST(DiskPartedGeometry, GarbageIsAnInternalError) {
  auto g = parseGeometry("CHS;\n/dev/sda:1,2,3:scsi:512:512:msdos:x:;\nabc:255:63:8225kB;\n");
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().code, ErrorCode::InternalError);
  EXPECT_EQ(g.error().message, "parted printed an unexpected line 'abc:255:63:8225kB;'");
  EXPECT_FALSE(parseGeometry(testdata("print-gpt.txt")));
}

}  // namespace
}  // namespace virtus::storage::disk
