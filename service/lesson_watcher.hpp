#pragma once
// --watch: reloads a folder lesson source when its files change on disk (Linux inotify), on the event loop
// without blocking it. Changes are debounced, so an editor's burst of writes gives one reload.

#include "lib/folder_source.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace pyfun::service {

class lesson_watcher {
public:
    using log_line = std::function<void(std::string_view line)>;

    // Watches source.root() and its stage folders. Throws std::system_error when inotify is unavailable.
    // `source` must outlive the watcher; `reloaded` hears one line per reload (and per failure).
    lesson_watcher(boost::asio::any_io_executor executor, core::folder_source& source,
                   std::chrono::milliseconds debounce, log_line reloaded);
    ~lesson_watcher();
    lesson_watcher(lesson_watcher const&) = delete;
    lesson_watcher& operator=(lesson_watcher const&) = delete;

    void start();
    // Idempotent; after it the watcher holds no more work on the executor.
    void stop();

    int reload_count() const { return reloads_; }

private:
    boost::asio::awaitable<void> run();
    boost::asio::awaitable<bool> wait_for_quiet();
    void watch_folders();
    bool drain_events();
    void reload();

    core::folder_source& source_;
    std::chrono::milliseconds debounce_;
    log_line log_;
    boost::asio::posix::stream_descriptor inotify_;
    boost::asio::steady_timer quiet_timer_;
    bool stopped_ = false;
    int reloads_ = 0;
};

}  // namespace pyfun::service
