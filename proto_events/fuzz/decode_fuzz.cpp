// libFuzzer entry point: decode() must never crash, throw or break its contract on any payload, and every
// event it accepts must encode back into valid JSON. Commands in fuzz/CMakeLists.txt.

#include "proto_events/events.hpp"

#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view const payload{reinterpret_cast<char const*>(data), size};
    auto decoded = pyfun::events::decode(payload);
    if (!decoded)
        return 0;
    auto const& request = decoded->request;
    if (request.method.empty() || !request.path.starts_with('/'))
        std::abort();

    // Echo the request as a response: its bytes, headers and body kind are as arbitrary as decode allows.
    pyfun::core::response response{200, request.headers, request.body, {}};
    boost::system::error_code ec;
    boost::json::parse(pyfun::events::encode(decoded->origin, response), ec);
    if (ec)
        std::abort();
    return 0;
}
