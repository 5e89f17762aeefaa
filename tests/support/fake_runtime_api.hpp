#pragma once
// A fake AWS Lambda Runtime API for driving the real `bootstrap`: our own Beast server on 127.0.0.1:0, served
// from its own thread. It hands out queued invocations on /next (holding the request until one is queued, as
// Lambda does) and records every post to /response, /error and /init/error with its headers.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace pyfun::test {

struct queued_invocation {
    std::string payload;
    std::string deadline_ms;  // Lambda-Runtime-Deadline-Ms exactly as sent; empty: header left out
    std::string trace_id;     // Lambda-Runtime-Trace-Id; empty: header left out
    std::string request_id;   // empty: the fake makes one up ("req-<n>")
};

struct recorded_post {
    std::string kind;                            // "response", "error" or "init_error"
    std::string request_id;                      // empty for init_error
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    std::chrono::steady_clock::time_point received;
};

class fake_runtime_api {
public:
    fake_runtime_api();
    ~fake_runtime_api();
    fake_runtime_api(fake_runtime_api const&) = delete;
    fake_runtime_api& operator=(fake_runtime_api const&) = delete;

    std::string address() const;  // "127.0.0.1:<port>", the value of AWS_LAMBDA_RUNTIME_API
    unsigned short port() const { return port_; }

    // Queues an invocation for the next /next request; returns its request id.
    std::string enqueue(queued_invocation invocation);
    std::string enqueue(std::string payload);  // no deadline, no trace id

    // The first post (in arrival order) for which `match` holds, waiting at most `timeout`.
    std::optional<recorded_post> wait_for_post(std::function<bool(recorded_post const&)> const& match,
                                               std::chrono::milliseconds timeout = std::chrono::seconds{20});
    // The response or error posted for `request_id`.
    std::optional<recorded_post> wait_for_result(std::string const& request_id,
                                                 std::chrono::milliseconds timeout = std::chrono::seconds{
                                                     20});
    std::vector<recorded_post> posts() const;

    // Waits until at least `count` /next requests arrived in total.
    bool wait_for_next_requests(int count, std::chrono::milliseconds timeout = std::chrono::seconds{20});
    int next_requests() const;
    int connections() const;  // accepted so far

    // Scripted faults: the next `count` /next requests lose their connection without a reply; from now on
    // posts are answered 500.
    void drop_next_requests(int count);
    void reject_posts();

    // Closes the listener and every connection: the runtime finds the API gone.
    void stop();

private:
    struct server;
    void record(recorded_post post);
    void count_next_request();
    void count_connection();

    std::unique_ptr<server> server_;
    unsigned short port_ = 0;
    int next_id_ = 0;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<recorded_post> posts_;
    int next_requests_ = 0;
    int connections_ = 0;
};

}  // namespace pyfun::test
