#include "batched_log.hpp"

#include <boost/asio/post.hpp>

#include <cstdio>
#include <utility>

namespace pyfun::service {

struct batched_log::state {
    boost::asio::any_io_executor executor;
    writer write;
    std::string pending;
    bool flush_posted = false;

    void flush()
    {
        flush_posted = false;
        if (pending.empty())
            return;
        write(pending);
        pending.clear();
    }

    ~state() { flush(); }
};

batched_log::batched_log(boost::asio::any_io_executor executor, writer write)
    : state_{std::make_shared<state>()}
{
    state_->executor = std::move(executor);
    state_->write = std::move(write);
}

void batched_log::operator()(std::string_view line) const
{
    state_->pending.append(line);
    state_->pending += '\n';
    if (state_->pending.size() >= max_pending_bytes) {
        state_->flush();
        return;
    }
    if (state_->flush_posted)
        return;
    state_->flush_posted = true;
    boost::asio::post(state_->executor, [s = state_] { s->flush(); });
}

void write_to_stderr(std::string_view lines)
{
    std::fwrite(lines.data(), 1, lines.size(), stderr);
}

}  // namespace pyfun::service
