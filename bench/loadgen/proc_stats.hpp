#pragma once
// What the load generator reads about a process: CPU seconds (user + system, all threads) and
// resident memory, from /proc; and its own CPU seconds from getrusage.

#include <sys/resource.h>
#include <sys/types.h>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace sio_bench {

/// utime + stime of every thread of `pid` (/proc/PID/stat fields 14 and 15), in seconds; -1 if
/// the process is gone. Counts threads that already exited too, but in clock ticks (10 ms).
inline double process_cpu_seconds_from_stat(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    if (!std::getline(in, stat)) return -1;
    // The command name (field 2) may hold spaces and parentheses: fields restart after the last
    // ')'.
    const auto close = stat.rfind(')');
    if (close == std::string::npos) return -1;
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int number = 3; fields >> field; ++number) {
        if (number == 14) utime = std::stoull(field);
        if (number == 15) {
            stime = std::stoull(field);
            break;
        }
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

/// The CPU time of `pid` in seconds, to the nanosecond: the sum over its live threads of
/// /proc/PID/task/TID/schedstat's first field (time on a CPU, user + system). Clock ticks (see
/// above) would make a 0.3 s connect burst ±3 % off. Threads that exited are not counted; none
/// of the bench servers starts or ends threads while it is measured. Falls back to the ticks when
/// schedstat cannot be read; -1 if the process is gone.
inline double process_cpu_seconds(pid_t pid) {
    std::error_code ec;
    const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
    unsigned long long total_ns = 0;
    bool any = false;
    for (const auto& task : std::filesystem::directory_iterator(tasks, ec)) {
        std::ifstream in(task.path() / "schedstat");
        unsigned long long on_cpu_ns = 0;
        if (in >> on_cpu_ns) {
            total_ns += on_cpu_ns;
            any = true;
        }
    }
    if (ec || !any) return process_cpu_seconds_from_stat(pid);
    return static_cast<double>(total_ns) / 1e9;
}

/// A "Name:  N kB" field of /proc/PID/status in KiB; -1 if the process is gone.
inline long process_status_kb(pid_t pid, std::string_view field) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with(field)) return std::stol(line.substr(field.size()));
    }
    return -1;
}

/// VmRSS of `pid` in KiB; -1 if the process is gone.
inline long process_rss_kb(pid_t pid) {
    return process_status_kb(pid, "VmRSS:");
}

/// RssAnon of `pid` in KiB (its resident heap, stacks and other anonymous pages; VmRSS less the
/// pages of mapped files, i.e. the program's code and libraries, and shared memory).
inline long process_anon_kb(pid_t pid) {
    return process_status_kb(pid, "RssAnon:");
}

/// This process's CPU seconds (user + system, every thread).
inline double own_cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace sio_bench
