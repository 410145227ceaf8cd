#pragma once
// Child processes for tests: run a program (a Node or Python client) with arguments and extra
// environment, capture its stdout and stderr, and kill it if it outlives a deadline.

#include <sys/types.h>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
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

/// A running child process. Its output is collected by wait() (and wait_for_output()); the
/// destructor kills it (and the process group it leads, so grandchildren die too) if it is still
/// running. It starts with SIGINT and SIGTERM at their default action and no signal blocked,
/// whatever the test runner left it (a shell starts background jobs with SIGINT ignored), so a
/// test that signals it knows what the signal does unless the program itself changes it.
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
    /// Reads the child's output until a whole line (ended by '\n') of its stdout or its stderr
    /// contains `text`, and returns that line without its '\n'; nullopt if none did by the
    /// deadline, or the child closed both first. What was read is kept for out(), err() and
    /// wait().
    std::optional<std::string> wait_for_line(std::string_view text,
                                             std::chrono::milliseconds timeout);
    /// Everything read from stdout and stderr so far.
    const std::string& out() const noexcept { return out_; }
    const std::string& err() const noexcept { return err_; }
    /// Waits for the child to exit, reading its output; at the deadline it is killed and
    /// `timed_out` is set. Call once.
    ProcessResult wait(std::chrono::milliseconds timeout);
    /// Sends `signal` to the child itself (not its process group), as `kill -SIGNAL pid` would.
    void signal(int number) const;
    /// Kills the child's process group now (SIGKILL). Safe to call more than once.
    void kill() noexcept;

  private:
    /// Reads what the pipes hold, waiting for output until `deadline`; closes a pipe at its end.
    void read_output(std::chrono::steady_clock::time_point deadline);

    pid_t pid_ = -1;
    int out_fd_ = -1;
    int err_fd_ = -1;
    bool reaped_ = false;
    std::string out_;
    std::string err_;
};

/// Starts a program, waits for it (killing it at the deadline) and returns what it did.
ProcessResult run_process(const ProcessOptions& options, std::chrono::milliseconds timeout);

}  // namespace siotest
