#pragma once
// socketio::detail::BackgroundTasks — Server::start_background_task's threads.

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>

#include <spdlog/logger.h>

namespace socketio::detail {

/// Runs each task on a thread of its own (a task may block or loop on Server::sleep() for the
/// server's life, so a bounded pool could starve). The thread is detached and everything it holds
/// (its stack, the task and what the task captured) is released when the task returns, so a
/// server that starts many short tasks holds only the running ones. join() waits for the running
/// ones; the count they decrement lives in shared state the threads keep alive, so a thread that
/// finishes after join() returned touches nothing of its owner.
///
/// Thread safety: every member is safe from any thread, join() also from inside a task (it then
/// waits for the others).
class BackgroundTasks {
  public:
    explicit BackgroundTasks(std::shared_ptr<spdlog::logger> log);
    ~BackgroundTasks();  ///< joins
    BackgroundTasks(const BackgroundTasks&) = delete;
    BackgroundTasks& operator=(const BackgroundTasks&) = delete;

    /// Starts `task` on a new thread; its exceptions are logged. Throws std::system_error when
    /// the OS refuses a thread.
    void start(std::function<void()> task);
    /// Returns when no task runs any more (but the calling one, when called from a task).
    void join();
    /// Tasks running now.
    std::size_t running() const;

  private:
    struct State {
        std::mutex mutex;
        std::condition_variable done;
        std::size_t running = 0;
    };
    std::shared_ptr<spdlog::logger> log_;
    std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace socketio::detail
