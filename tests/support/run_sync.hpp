#pragma once
// Drives one coroutine to completion on a private io_context: the one way tests call awaitables.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <utility>

namespace pyfun::test {

template <typename T>
T run_sync(boost::asio::awaitable<T> work)
{
    boost::asio::io_context ioc;
    auto result = boost::asio::co_spawn(ioc, std::move(work), boost::asio::use_future);
    ioc.run();
    return result.get();
}

}  // namespace pyfun::test
