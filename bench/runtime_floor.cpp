// The cold-start floor for Lambda mode: the least a custom runtime can do. It reads AWS_LAMBDA_RUNTIME_API
// (an IPv4 host:port), then forever: GET .../invocation/next, POST a constant API Gateway answer to
// .../invocation/{id}/response, on one kept-alive connection, with plain blocking sockets and nothing else
// (no Asio, no JSON parser). Whatever bootstrap needs beyond this is what its cold start costs. Exits 1 on
// any error.

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

constexpr std::string_view answer =
  R"({"statusCode":200,"headers":{"content-type":"application/json"},"body":"{\"success\":true}",)"
  R"("isBase64Encoded":false})";

[[noreturn]] void fail(char const* what)
{
    std::fprintf(stderr, "pyfun-bench-runtime-floor: %s\n", what);
    std::exit(1);
}

void send_all(int fd, std::string_view bytes)
{
    while (!bytes.empty()) {
        auto const n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0)
            fail("send failed");
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

// The value of header `name` (lower-case) in a header block, or "".
std::string header(std::string_view head, std::string_view name)
{
    std::size_t line = head.find("\r\n");
    while (line != std::string_view::npos && line + 2 < head.size()) {
        auto const start = line + 2;
        line = head.find("\r\n", start);
        auto const text = head.substr(start, line - start);
        auto const colon = text.find(':');
        if (colon != name.size())
            continue;
        bool same = true;
        for (std::size_t i = 0; i < colon; ++i)
            same = same && std::tolower(static_cast<unsigned char>(text[i])) == name[i];
        if (!same)
            continue;
        auto value = text.substr(colon + 1);
        while (!value.empty() && value.front() == ' ')
            value.remove_prefix(1);
        return std::string{ value };
    }
    return {};
}

// Reads one HTTP response; returns its header block and drops its body (Content-Length framed).
std::string read_response(int fd, std::string& pending)
{
    std::size_t end;
    char buffer[16384];
    while ((end = pending.find("\r\n\r\n")) == std::string::npos) {
        auto const n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0)
            fail("the Runtime API closed the connection");
        pending.append(buffer, static_cast<std::size_t>(n));
    }
    std::string head = pending.substr(0, end + 2);
    auto const body_length = std::strtoul(header(head, "content-length").c_str(), nullptr, 10);
    auto const total = end + 4 + body_length;
    while (pending.size() < total) {
        auto const n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0)
            fail("the Runtime API closed the connection");
        pending.append(buffer, static_cast<std::size_t>(n));
    }
    pending.erase(0, total);
    return head;
}

} // namespace

int main()
{
    char const* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
    if (api == nullptr)
        fail("AWS_LAMBDA_RUNTIME_API is not set");
    std::string_view const address{ api };
    auto const colon = address.rfind(':');
    if (colon == std::string_view::npos)
        fail("AWS_LAMBDA_RUNTIME_API must be host:port");
    std::string const host{ address.substr(0, colon) };
    sockaddr_in peer{};
    peer.sin_family = AF_INET;
    peer.sin_port = htons(static_cast<unsigned short>(std::atoi(api + colon + 1)));
    if (::inet_pton(AF_INET, host.c_str(), &peer.sin_addr) != 1)
        fail("AWS_LAMBDA_RUNTIME_API must be an IPv4 address and a port");

    int const fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr const*>(&peer), sizeof peer) != 0)
        fail("cannot connect to the Runtime API");
    int const on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);

    std::string const next =
      "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: " + std::string{ address } + "\r\n\r\n";
    std::string pending;
    for (;;) {
        send_all(fd, next);
        auto const id = header(read_response(fd, pending), "lambda-runtime-aws-request-id");
        if (id.empty())
            fail("an invocation without Lambda-Runtime-Aws-Request-Id");
        send_all(fd,
                 "POST /2018-06-01/runtime/invocation/" + id +
                   "/response HTTP/1.1\r\nHost: " + std::string{ address } +
                   "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(answer.size()) +
                   "\r\n\r\n" + std::string{ answer });
        read_response(fd, pending);
    }
}
