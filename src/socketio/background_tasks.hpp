#pragma once
// socketio::detail::BackgroundTasks — Server::start_background_task's threads.

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include <spdlog/logger.h>

namespace socketio::detail {

/// Runs each task on a thread of its own (a task may block or loop on Server::sleep() for the
/// server's life, so a bounded pool could starve). A finished task gives everything back: what it
/// captured is destroyed as it returns, and its thread is joined by the next task to finish (or
/// by join()), which frees its stack — so a server that ran many short tasks holds the running
/// ones and at most the one that finished last. (Detaching instead would leave a burst of freed
/// stacks in glibc's cache until some later thread event trims it; a join frees them at once.)
///
/// Thread safety: every member is safe from any thread; join() and the destructor also from
/// inside a task (they then wait for the others).
class BackgroundTasks {
  public:
    explicit BackgroundTasks(std::shared_ptr<spdlog::logger> log);
    ~BackgroundTasks();  ///< join()
    BackgroundTasks(const BackgroundTasks&) = delete;
    BackgroundTasks& operator=(const BackgroundTasks&) = delete;

    /// Starts `task` on a new thread; its exceptions are logged. Throws std::system_error when
    /// the OS refuses a thread.
    void start(std::function<void()> task);
    /// Returns when no task runs any more (but the calling one, when called from a task), every
    /// finished thread joined.
    void join();

  private:
    /// Shared with the threads, so that a task still running when its owner is destroyed (the
    /// owner destroyed from inside that task) touches nothing of the owner.
    struct State {
        std::mutex mutex;
        std::condition_variable done;
        std::size_t running = 0;
        bool closed = false;                                       // the owner is gone
        std::unordered_map<std::thread::id, std::thread> threads;  // tasks running
        std::vector<std::thread> finished;  // task done, thread not joined yet
    };
    static void run(const std::shared_ptr<State>& state, const std::shared_ptr<spdlog::logger>& log,
                    std::function<void()>& task);

    std::shared_ptr<spdlog::logger> log_;
    std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace socketio::detail
