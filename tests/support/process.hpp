#pragma once
// Child processes for tests: run a program (a Node or Python client) with arguments and extra
// environment, capture its stdout and stderr, and kill it if it outlives a deadline.

#include <sys/types.h>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace siotest {

struct ProcessOptions {
    /// argv[0] is the program; it is run as given (no PATH search), so pass an absolute path.
    std::vector<std::string> argv;
    /// Added to (or overriding) the environment of the test process.
    std::vector<std::pair<std::string, std::string>> env = {};
    /// Working directory; empty = the test's.
    std::string cwd = {};
};

struct ProcessResult {
    int exit_code = -1;      ///< exit status, or -1 if it died by a signal
    int term_signal = 0;     ///< the signal that ended it, 0 if it exited
    bool timed_out = false;  ///< it outlived the deadline and was killed (SIGKILL)
    std::string out;         ///< everything it wrote to stdout
    std::string err;         ///< everything it wrote to stderr

    bool ok() const noexcept { return exit_code == 0 && !timed_out; }
    /// One line for assertion messages: exit status, and the output streams.
    std::string describe() const;
};

/// A running child process. Its output is collected by wait(); the destructor kills it (and the
/// process group it leads, so grandchildren die too) if it is still running.
///
/// Thread safety: one thread at a time per Process.
class Process {
  public:
    /// Starts the program; throws std::system_error if it cannot be started.
    explicit Process(const ProcessOptions& options);
    ~Process();
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    pid_t pid() const noexcept { return pid_; }
    /// Waits for the child to exit, reading its output; at the deadline it is killed and
    /// `timed_out` is set. Call once.
    ProcessResult wait(std::chrono::milliseconds timeout);
    /// Kills the child's process group now (SIGKILL). Safe to call more than once.
    void kill() noexcept;

  private:
    pid_t pid_ = -1;
    int out_fd_ = -1;
    int err_fd_ = -1;
    bool reaped_ = false;
};

/// Starts a program, waits for it (killing it at the deadline) and returns what it did.
ProcessResult run_process(const ProcessOptions& options, std::chrono::milliseconds timeout);

}  // namespace siotest
