// BackgroundTasks: one detached thread per task, counted so that join() can wait for them.

#include "background_tasks.hpp"

#include <exception>
#include <thread>
#include <utility>

namespace socketio::detail {

namespace {
// The task set the calling thread runs a task of (join() from inside a task skips itself).
thread_local const void* current_tasks = nullptr;
}  // namespace

BackgroundTasks::BackgroundTasks(std::shared_ptr<spdlog::logger> log) : log_(std::move(log)) {}

BackgroundTasks::~BackgroundTasks() {
    join();
}

void BackgroundTasks::start(std::function<void()> task) {
    {
        std::lock_guard lock(state_->mutex);
        ++state_->running;
    }
    try {
        std::thread([state = state_, log = log_, task = std::move(task)]() mutable {
            current_tasks = state.get();
            try {
                task();
            } catch (const std::exception& e) {
                if (log) log->error("background task failed: {}", e.what());
            } catch (...) {
                if (log) log->error("background task failed");
            }
            task = nullptr;  // what the task captured goes before join() returns
            {
                std::lock_guard lock(state->mutex);
                --state->running;
            }
            state->done.notify_all();
        }).detach();
    } catch (...) {
        std::lock_guard lock(state_->mutex);
        --state_->running;
        throw;
    }
}

void BackgroundTasks::join() {
    const std::size_t self = current_tasks == state_.get() ? 1 : 0;
    std::unique_lock lock(state_->mutex);
    state_->done.wait(lock, [&] { return state_->running <= self; });
}

std::size_t BackgroundTasks::running() const {
    std::lock_guard lock(state_->mutex);
    return state_->running;
}

}  // namespace socketio::detail
