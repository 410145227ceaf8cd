// BackgroundTasks: one thread per task; a finishing task joins the threads that finished before
// it, so finished threads (and their stacks) do not pile up.

#include "background_tasks.hpp"

#include <exception>
#include <utility>

namespace socketio::detail {

namespace {
// The task set whose task the calling thread runs (join() from inside a task skips itself).
thread_local const void* current_tasks = nullptr;
}  // namespace

BackgroundTasks::BackgroundTasks(std::shared_ptr<spdlog::logger> log) : log_(std::move(log)) {}

BackgroundTasks::~BackgroundTasks() {
    join();
    std::lock_guard lock(state_->mutex);
    state_->closed = true;  // a task that called this destructor detaches its own thread
}

void BackgroundTasks::start(std::function<void()> task) {
    // Held until the thread is registered: the thread needs this mutex to finish.
    std::lock_guard lock(state_->mutex);
    std::thread thread(
        [state = state_, log = log_, task = std::move(task)]() mutable { run(state, log, task); });
    const auto id = thread.get_id();
    state_->threads.emplace(id, std::move(thread));
    ++state_->running;
}

void BackgroundTasks::run(const std::shared_ptr<State>& state,
                          const std::shared_ptr<spdlog::logger>& log, std::function<void()>& task) {
    current_tasks = state.get();
    try {
        task();
    } catch (const std::exception& e) {
        if (log) log->error("background task failed: {}", e.what());
    } catch (...) {
        if (log) log->error("background task failed");
    }
    task = nullptr;  // what the task captured goes now, before join() can return
    std::vector<std::thread> earlier;
    {
        std::lock_guard lock(state->mutex);
        earlier.swap(state->finished);
        auto self = state->threads.find(std::this_thread::get_id());
        if (state->closed) {
            self->second.detach();
        } else {
            state->finished.push_back(std::move(self->second));
        }
        state->threads.erase(self);
        --state->running;
    }
    state->done.notify_all();
    // Threads that finished before this one: they are exiting or gone, so this returns at once.
    // (They took their own list before this one was pushed: no two threads join each other.)
    for (auto& thread : earlier) thread.join();
}

void BackgroundTasks::join() {
    const std::size_t self = current_tasks == state_.get() ? 1 : 0;
    std::vector<std::thread> finished;
    {
        std::unique_lock lock(state_->mutex);
        state_->done.wait(lock, [&] { return state_->running <= self; });
        finished.swap(state_->finished);
    }
    for (auto& thread : finished) thread.join();
}

}  // namespace socketio::detail
