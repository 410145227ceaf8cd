#pragma once
// A unique temporary directory per test, removed with everything in it when the object dies.

#include <string>

namespace siotest {

/// Creates $TMPDIR/sio-test-XXXXXX (mkdtemp: unique even with ctest -j). Thread safety: none
/// needed; each test owns its TempDir.
class TempDir {
  public:
    TempDir();
    ~TempDir();  ///< removes the directory recursively
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const noexcept { return path_; }
    /// path() + "/" + name
    std::string file(const std::string& name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

}  // namespace siotest
