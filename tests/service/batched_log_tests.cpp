// The server's batched log: lines logged while the loop is busy share one write, an idle loop writes each
// line right away, and nothing pending is lost when the log goes.

#include "service/batched_log.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace {

namespace net = boost::asio;
using pyfun::service::batched_log;

struct recorder {
    std::vector<std::string> writes;
    batched_log::writer writer()
    {
        return [this](std::string_view lines) { writes.emplace_back(lines); };
    }
};

}  // namespace

TEST_CASE("lines logged in one turn of the loop go out in one write, in order", "[service]")
{
    net::io_context ioc;
    recorder out;
    batched_log log{ioc.get_executor(), out.writer()};
    net::post(ioc, [&] {
        log("one");
        log("two");
        log("three");
        CHECK(out.writes.empty());  // nothing yet: the flush waits for what is ready now
    });
    ioc.run();
    REQUIRE(out.writes.size() == 1);
    CHECK(out.writes[0] == "one\ntwo\nthree\n");

    // Logged after the loop went idle: its own write once the loop runs again.
    log("four");
    ioc.restart();
    ioc.run();
    REQUIRE(out.writes.size() == 2);
    CHECK(out.writes[1] == "four\n");
}

TEST_CASE("a batch that outgrows the limit is written at once", "[service]")
{
    net::io_context ioc;
    recorder out;
    batched_log log{ioc.get_executor(), out.writer()};
    std::string const line(1000, 'x');
    std::size_t logged = 0;
    while (out.writes.empty() && logged < 1000) {
        log(line);
        ++logged;
    }
    REQUIRE(out.writes.size() == 1);
    CHECK(out.writes[0].size() >= batched_log::max_pending_bytes);
    CHECK(out.writes[0].size() == logged * (line.size() + 1));
}

TEST_CASE("pending lines are written when the log and its loop go away unrun", "[service]")
{
    recorder out;
    {
        net::io_context ioc;
        batched_log log{ioc.get_executor(), out.writer()};
        log("last words");
        CHECK(out.writes.empty());
    }  // the loop never ran: destroying it destroys the posted flush, the log's last owner
    REQUIRE(out.writes.size() == 1);
    CHECK(out.writes[0] == "last words\n");
}
