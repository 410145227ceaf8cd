// Server::start_background_task: a finished task gives back its thread and its stack; ~Server
// still waits for the running ones.

#include <malloc.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

#include "harness.hpp"

namespace sio_test {
namespace {

/// Threads of this process (/proc/self/task).
std::size_t live_threads() {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& entry :
         std::filesystem::directory_iterator("/proc/self/task"))
        ++n;
    return n;
}

/// Virtual memory of this process in KiB (VmSize of /proc/self/status): a thread's stack stays
/// mapped until the thread is joined or detached, so finished-but-kept threads show here.
std::size_t virtual_memory_kib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmSize:", 0) == 0) return std::stoul(line.substr(7));
    }
    ADD_FAILURE() << "no VmSize in /proc/self/status";
    return 0;
}

bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(2ms);
    }
    return true;
}

// Each thread has an 8 MiB stack: 300 kept threads would add 2.4 GB of address space.
TEST(BackgroundTasks, FinishedTasksReleaseTheirThreads) {
    // glibc gives threads that malloc concurrently their own arenas (64 MiB of address space
    // each, up to 8 per core, never unmapped): one arena, so that only stacks show in VmSize.
    mallopt(M_ARENA_MAX, 1);
    Harness h;
    // One task first, so that lazily created process state (the logger, glibc's stack cache of one
    // thread) is in the baseline.
    std::atomic<int> finished{0};
    h.io->start_background_task([&] { ++finished; });
    ASSERT_TRUE(wait_for([&] { return finished == 1; }));
    const std::size_t baseline_threads = live_threads();
    const std::size_t baseline_vm = virtual_memory_kib();

    constexpr int tasks = 300;
    for (int i = 0; i < tasks; ++i) {
        h.io->start_background_task([&] {
            std::this_thread::sleep_for(1ms);
            ++finished;
        });
    }
    ASSERT_TRUE(wait_for([&] { return finished == tasks + 1; }));
    ASSERT_TRUE(wait_for([&] { return live_threads() <= baseline_threads + 2; }))
        << live_threads() << " threads, " << baseline_threads << " before";
    const std::size_t vm = virtual_memory_kib();
    const std::size_t growth_mib = (vm > baseline_vm ? vm - baseline_vm : 0) / 1024;
    RecordProperty("vm_growth_mib", std::to_string(growth_mib));
    // glibc caches up to 40 MiB of freed stacks for reuse; 300 kept stacks would be 2400 MiB.
    EXPECT_LT(growth_mib, 100u) << "virtual memory grew by " << growth_mib << " MiB after " << tasks
                                << " finished tasks";
}

TEST(BackgroundTasks, DestructorWaitsForRunningTasks) {
    std::atomic<bool> started{false};
    std::atomic<bool> finished{false};
    Harness h;
    h.io->start_background_task([&] {
        started = true;
        std::this_thread::sleep_for(200ms);  // not Server::sleep: stop() does not cut this short
        finished = true;
    });
    ASSERT_TRUE(wait_for([&] { return started.load(); }));
    h.io.reset();
    EXPECT_TRUE(finished) << "~Server returned while a task was still running";
}

TEST(BackgroundTasks, StopFromInsideATaskDoesNotDeadlock) {
    std::atomic<bool> done{false};
    Harness h;
    h.io->start_background_task([&] {
        h.io->stop();
        done = true;
    });
    ASSERT_TRUE(wait_for([&] { return done.load(); }));
    h.io.reset();
}

TEST(BackgroundTasks, ExceptionIsContained) {
    std::atomic<bool> after{false};
    Harness h;
    h.io->start_background_task([] { throw std::runtime_error("task failed"); });
    h.io->start_background_task([&] { after = true; });
    ASSERT_TRUE(wait_for([&] { return after.load(); }));
    h.io.reset();
}

}  // namespace
}  // namespace sio_test
