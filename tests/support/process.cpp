#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <system_error>

extern char** environ;

namespace siotest {
namespace {

std::system_error os_error(const char* what) {
    return std::system_error(errno, std::generic_category(), what);
}

// The child's environment: ours, with the overrides replacing same-named entries.
std::vector<std::string> merged_environment(
    const std::vector<std::pair<std::string, std::string>>& overrides) {
    std::vector<std::string> env;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        std::string_view line(*entry);
        bool overridden = false;
        for (const auto& [name, value] : overrides) {
            if (line.size() > name.size() && line.substr(0, name.size()) == name &&
                line[name.size()] == '=') {
                overridden = true;
            }
        }
        if (!overridden) env.emplace_back(line);
    }
    for (const auto& [name, value] : overrides) env.push_back(name + "=" + value);
    return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    for (auto& s : strings) pointers.push_back(s.data());
    pointers.push_back(nullptr);
    return pointers;
}

}  // namespace

std::string ProcessResult::describe() const {
    std::string text;
    if (timed_out) {
        text = "timed out and was killed";
    } else if (term_signal != 0) {
        text = "killed by signal " + std::to_string(term_signal);
    } else {
        text = "exit code " + std::to_string(exit_code);
    }
    return text + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
}

Process::Process(const ProcessOptions& options) {
    if (options.argv.empty()) throw std::invalid_argument("Process: empty argv");
    int out_pipe[2];
    int err_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) != 0) throw os_error("pipe2");
    if (pipe2(err_pipe, O_CLOEXEC) != 0) {
        ::close(out_pipe[0]);
        ::close(out_pipe[1]);
        throw os_error("pipe2");
    }

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
    if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, options.cwd.c_str());

    // Its own process group, so kill() reaches whatever it spawns as well.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    // The signals a test sends at their default action, none blocked (see the header).
    sigset_t default_signals;
    sigemptyset(&default_signals);
    sigaddset(&default_signals, SIGINT);
    sigaddset(&default_signals, SIGTERM);
    sigset_t no_signals;
    sigemptyset(&no_signals);
    posix_spawnattr_setflags(
        &attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setsigdefault(&attributes, &default_signals);
    posix_spawnattr_setsigmask(&attributes, &no_signals);

    std::vector<std::string> args = options.argv;
    std::vector<std::string> env = merged_environment(options.env);
    auto argv = c_strings(args);
    auto envp = c_strings(env);
    int rc = posix_spawn(&pid_, args[0].c_str(), &actions, &attributes, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    out_fd_ = out_pipe[0];
    err_fd_ = err_pipe[0];
    if (rc != 0) {
        ::close(out_fd_);
        ::close(err_fd_);
        throw std::system_error(rc, std::generic_category(), "posix_spawn " + args[0]);
    }
}

Process::~Process() {
    kill();
    if (!reaped_ && pid_ > 0) {
        int status = 0;
        while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
    }
    if (out_fd_ >= 0) ::close(out_fd_);
    if (err_fd_ >= 0) ::close(err_fd_);
}

void Process::kill() noexcept {
    if (!reaped_ && pid_ > 0) ::kill(-pid_, SIGKILL);
}

void Process::signal(int number) const {
    if (!reaped_ && pid_ > 0) ::kill(pid_, number);
}

void Process::read_output(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    pollfd fds[2];
    nfds_t count = 0;
    int* owners[2];
    for (int* fd : {&out_fd_, &err_fd_}) {
        if (*fd >= 0) {
            fds[count] = pollfd{*fd, POLLIN, 0};
            owners[count++] = fd;
        }
    }
    if (count == 0) return;
    int ready = ::poll(fds, count, static_cast<int>(left.count()));
    if (ready < 0) {
        if (errno != EINTR) {
            for (nfds_t i = 0; i < count; ++i) {  // nothing more can be read
                ::close(*owners[i]);
                *owners[i] = -1;
            }
        }
        return;
    }
    char buffer[8192];
    for (nfds_t i = 0; i < count && ready > 0; ++i) {
        if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
        ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
        if (n > 0) {
            (owners[i] == &out_fd_ ? out_ : err_).append(buffer, n);
        } else if (n == 0 || errno != EINTR) {
            ::close(*owners[i]);
            *owners[i] = -1;
        }
    }
}

namespace {
/// The first whole line of `output` that contains `text`.
std::optional<std::string> line_containing(const std::string& output, std::string_view text) {
    for (auto at = output.find(text); at != std::string::npos; at = output.find(text, at + 1)) {
        const auto end = output.find('\n', at);
        if (end == std::string::npos) return std::nullopt;  // not whole yet
        const auto newline_before = output.rfind('\n', at);
        const auto begin = newline_before == std::string::npos ? 0 : newline_before + 1;
        if (end >= at + text.size()) return output.substr(begin, end - begin);
    }
    return std::nullopt;
}
}  // namespace

std::optional<std::string> Process::wait_for_line(std::string_view text,
                                                  std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (auto line = line_containing(out_, text)) return line;
        if (auto line = line_containing(err_, text)) return line;
        if ((out_fd_ < 0 && err_fd_ < 0) || std::chrono::steady_clock::now() >= deadline) {
            return std::nullopt;
        }
        read_output(deadline);
    }
}

ProcessResult Process::wait(std::chrono::milliseconds timeout) {
    ProcessResult result;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    // Read both pipes until the child (and anything holding its pipes) closes them.
    while (out_fd_ >= 0 || err_fd_ >= 0) {
        if (std::chrono::steady_clock::now() >= deadline) {
            result.timed_out = true;
            kill();
            break;
        }
        read_output(deadline);
    }
    result.out = out_;
    result.err = err_;
    int status = 0;
    if (result.timed_out) {
        while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
    } else {
        // The pipes are closed; the child is exiting. Give it until the deadline, then kill it.
        for (;;) {
            pid_t done = waitpid(pid_, &status, WNOHANG);
            if (done == pid_ || (done < 0 && errno != EINTR)) break;
            if (std::chrono::steady_clock::now() >= deadline) {
                result.timed_out = true;
                kill();
                waitpid(pid_, &status, 0);
                break;
            }
            ::usleep(2000);
        }
    }
    reaped_ = true;
    if (WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.term_signal = WTERMSIG(status);
    }
    return result;
}

ProcessResult run_process(const ProcessOptions& options, std::chrono::milliseconds timeout) {
    Process process(options);
    return process.wait(timeout);
}

}  // namespace siotest
