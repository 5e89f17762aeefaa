#pragma once
// Log lines written in batches. One write(2) per request line costs a busy server a system call per request
// (measured in bench/README.md); here a line waits only until the event loop has run what was ready when it
// was logged (one post), so an idle server still writes each line at once while a busy one writes many
// lines per call. Lines stay whole and in order. A batch past `max_pending_bytes` is written at once.

#include <boost/asio/any_io_executor.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace pyfun::service {

class batched_log {
public:
    using writer = std::function<void(std::string_view lines)>;  // gets whole lines, each ending in '\n'

    static constexpr std::size_t max_pending_bytes = 64 * 1024;

    // Pending lines are written when the last copy of this object goes, or when the executor's posted flush
    // is destroyed unrun: nothing logged is lost on shutdown.
    batched_log(boost::asio::any_io_executor executor, writer write);

    // Call on the executor's thread (the server's single event-loop thread).
    void operator()(std::string_view line) const;

private:
    struct state;
    std::shared_ptr<state> state_;
};

// fwrite to stderr, which is unbuffered: one write(2) per batch.
void write_to_stderr(std::string_view lines);

}  // namespace pyfun::service
