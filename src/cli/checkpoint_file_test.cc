#include "cli/checkpoint_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "test_support.h"

namespace konfid::cli {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(CheckpointFile, AppendsWholeLinesAfterWhatIsThereAndIsPrivate) {
  konfid::testing::TempDir dir;
  std::string path = dir.path() + "/checkpoints.jws";
  std::ofstream(path) << "earlier\n";  // a file from an earlier start is kept, not truncated
  {
    auto file = CheckpointFile::Open(path);
    ASSERT_TRUE(file) << file.error().message();
    ASSERT_TRUE((*file)->Append("a.b.c"));
    ASSERT_TRUE((*file)->Append("d.e.f"));
  }
  EXPECT_EQ(Read(path), "earlier\na.b.c\nd.e.f\n");
  std::string fresh = dir.path() + "/new.jws";
  ASSERT_TRUE(CheckpointFile::Open(fresh));
  struct stat st {};
  ASSERT_EQ(::stat(fresh.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(CheckpointFile, RefusesAPathItCannotOpenAndNamesIt) {
  auto file = CheckpointFile::Open("/nonexistent-dir/checkpoints.jws");
  ASSERT_FALSE(file);
  EXPECT_NE(file.error().message().find("/nonexistent-dir/checkpoints.jws"), std::string::npos);
}

}  // namespace
}  // namespace konfid::cli
