#include "lesson_watcher.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <cerrno>
#include <exception>
#include <filesystem>
#include <system_error>

#include <sys/inotify.h>
#include <unistd.h>

namespace net = boost::asio;
namespace fs = std::filesystem;
using namespace boost::asio::experimental::awaitable_operators;

namespace pyfun::service {
namespace {

constexpr auto nothrow_awaitable = net::as_tuple(net::use_awaitable);

// Everything an editor, git or cp does to a lesson file or a stage folder. Editors that save through a
// temporary file and a rename show up as IN_MOVED_TO.
constexpr std::uint32_t watch_mask = IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE |
                                     IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF |
                                     IN_ONLYDIR;

int open_inotify()
{
    int const fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0)
        throw std::system_error{errno, std::generic_category(), "inotify_init1"};
    return fd;
}

}  // namespace

lesson_watcher::lesson_watcher(net::any_io_executor executor, core::folder_source& source,
                               std::chrono::milliseconds debounce, log_line reloaded)
    : source_{source}, debounce_{debounce}, log_{std::move(reloaded)}, inotify_{executor, open_inotify()},
      quiet_timer_{executor}
{
    watch_folders();
}

lesson_watcher::~lesson_watcher() = default;

void lesson_watcher::start()
{
    net::co_spawn(inotify_.get_executor(), run(), [log = log_](std::exception_ptr failure) {
        if (!failure)
            return;
        try {
            std::rethrow_exception(failure);
        }
        catch (std::exception const& e) {
            log(std::string{"lesson watcher stopped: "} + e.what());
        }
    });
}

void lesson_watcher::stop()
{
    stopped_ = true;
    quiet_timer_.cancel();
    boost::system::error_code ignored;
    inotify_.close(ignored);  // cancels the pending wait
}

// inotify is not recursive: the root (new or removed stage folders) and each stage folder get a watch.
// Adding a watch twice keeps one, so this runs again after every reload to pick up new stage folders.
void lesson_watcher::watch_folders()
{
    std::vector<fs::path> folders{source_.root()};
    std::error_code ec;
    for (fs::directory_iterator it{source_.root(), ec}, end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec) && !it->path().filename().string().starts_with('.'))
            folders.push_back(it->path());
    for (auto const& folder : folders)
        if (::inotify_add_watch(inotify_.native_handle(), folder.c_str(), watch_mask) < 0)
            log_("cannot watch " + folder.string() + ": " + std::generic_category().message(errno));
}

// Reads every queued event; true when there was at least one. The events' details do not matter: any
// change reloads the whole folder, which is what makes a reload always consistent.
bool lesson_watcher::drain_events()
{
    alignas(inotify_event) std::array<char, 8192> buffer;
    bool any = false;
    for (;;) {
        auto const n = ::read(inotify_.native_handle(), buffer.data(), buffer.size());
        if (n > 0) {
            any = true;
            continue;
        }
        return any;  // EAGAIN: drained (or an error, which the next wait reports)
    }
}

// Waits until no event arrived for `debounce_`; false when the watcher was stopped meanwhile.
net::awaitable<bool> lesson_watcher::wait_for_quiet()
{
    for (;;) {
        quiet_timer_.expires_after(debounce_);
        auto const first = co_await (inotify_.async_wait(net::posix::descriptor_base::wait_read, nothrow_awaitable) ||
                                     quiet_timer_.async_wait(nothrow_awaitable));
        if (stopped_)
            co_return false;
        if (first.index() == 1)
            co_return true;
        drain_events();
    }
}

void lesson_watcher::reload()
{
    watch_folders();  // before reading: a file written into a new stage folder meanwhile still gives an event
    auto const index = source_.reload();
    ++reloads_;
    if (!index) {
        log_("cannot reload " + source_.description() + ": " + index.error().message() +
             " (still serving the last good copy)");
        return;
    }
    std::size_t lessons = 0;
    for (auto const& stage : (*index)->stages)
        lessons += stage.lessons.size();
    log_("reloaded " + source_.description() + ": " + std::to_string((*index)->stages.size()) + " stages, " +
         std::to_string(lessons) + " lessons, " + std::to_string((*index)->problems.size()) + " problems");
}

net::awaitable<void> lesson_watcher::run()
{
    while (!stopped_) {
        auto const [ec] = co_await inotify_.async_wait(net::posix::descriptor_base::wait_read, nothrow_awaitable);
        if (ec || stopped_)
            co_return;
        if (!drain_events())
            continue;
        auto const quiet = co_await wait_for_quiet();
        if (!quiet)
            co_return;
        reload();
    }
}

}  // namespace pyfun::service
