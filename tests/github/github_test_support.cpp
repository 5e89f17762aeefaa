#include "github/github_test_support.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace pyfun::test {
namespace {

namespace net = boost::asio;
namespace json = boost::json;

}  // namespace

std::string stage_json(int index, std::string const& title)
{
    return json::serialize(json::object{{"index", index}, {"title", title}}) + "\n";
}

std::string lesson_json(std::string const& title, std::string const& answer)
{
    json::object lesson{
        {"type", "blank_form"},
        {"title", title},
        {"author", "pyfun tests"},
        {"description", {"Print the answer."}},
        {"code", {"print(\"_____\")"}},
        {"expect", {{"type", "std-validator"}, {"stdout", {answer + "\n"}}, {"stderr", json::array{}}}},
        {"solution", {{"field_1", answer}}}};
    return json::serialize(lesson) + "\n";
}

repo_files lesson_repository(int stages, int lessons, std::string const& prefix)
{
    repo_files files{{"README.md", "# test lessons\n"}};
    auto const root = prefix.empty() ? std::string{} : prefix + "/";
    for (int s = 1; s <= stages; ++s) {
        auto const stage = root + "stage_" + std::to_string(s);
        files[stage + "/stage.json"] = stage_json(s, "Stage " + std::to_string(s));
        for (int l = 1; l <= lessons; ++l) {
            auto const id = std::to_string(s) + "." + std::to_string(l);
            files[stage + "/s" + std::to_string(l) + "_lesson_" + std::to_string(l) + ".json"] =
                lesson_json("Lesson " + id, "answer " + id);
        }
    }
    return files;
}

github::github_clock manual_clock::clock() const
{
    github::github_clock out;
    out.steady_now = [offset = offset_] {
        return std::chrono::steady_clock::now() + std::chrono::milliseconds{offset->load()};
    };
    return out;  // system_now stays real: the fake GitHub's reset times are real epoch seconds
}

github::log_sink log_capture_lines::sink()
{
    return [this](std::string_view line) { lines.emplace_back(line); };
}

bool log_capture_lines::contains(std::string_view text) const
{
    return std::any_of(lines.begin(), lines.end(),
                       [&](auto const& line) { return line.find(text) != std::string::npos; });
}

github::github_settings settings_for(fake_github const& fake)
{
    github::github_settings settings;
    settings.api_base = fake.api_url();
    settings.http.ca_file = fake.ca_file();
    settings.token = std::string{test_token};
    settings.wait_timeout = std::chrono::seconds{5};
    settings.http.connect_timeout = std::chrono::seconds{5};
    settings.http.io_timeout = std::chrono::seconds{5};
    settings.http.total_timeout = std::chrono::seconds{10};
    return settings;
}

net::awaitable<bool> wait_for_requests(fake_github& fake, std::string part, std::size_t n,
                                       std::chrono::milliseconds limit)
{
    auto const executor = co_await net::this_coro::executor;
    auto const wake = std::make_shared<net::steady_timer>(executor);
    fake.on_request([executor, weak = std::weak_ptr<net::steady_timer>{wake}] {
        net::post(executor, [weak] {
            if (auto const timer = weak.lock())
                timer->cancel();
        });
    });
    auto const deadline = std::chrono::steady_clock::now() + limit;
    bool reached = fake.count(part) >= n;
    while (!reached && std::chrono::steady_clock::now() < deadline) {
        wake->expires_at(deadline);
        co_await wake->async_wait(net::as_tuple(net::use_awaitable));
        reached = fake.count(part) >= n;
    }
    fake.on_request(nullptr);
    co_return reached;
}

}  // namespace pyfun::test
