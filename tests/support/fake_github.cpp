#include "support/fake_github.hpp"

#include "lib/base64.hpp"
#include "lib/github/git_hash.hpp"
#include "service/self_signed.hpp"
#include "service/tls_context.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <unistd.h>

namespace pyfun::test {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
namespace json = boost::json;
using boost::system::error_code;
using header_list = std::multimap<std::string, std::string>;

constexpr auto nothrow_awaitable = net::as_tuple(net::use_awaitable);
constexpr std::string_view repository_id = "515436299";
constexpr std::int64_t first_commit_time = 1700000000;
constexpr char const* not_found_body =
    R"({"message":"Not Found","documentation_url":"https://docs.github.com/rest"})";

std::string lower(std::string_view text)
{
    std::string out{text};
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string raw_object_id(std::string const& hex)
{
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    return out;
}

std::string query_value(std::string_view query, std::string_view key)
{
    while (!query.empty()) {
        auto const amp = query.find('&');
        auto const pair = query.substr(0, amp);
        auto const eq = pair.find('=');
        if (pair.substr(0, eq) == key)
            return eq == std::string_view::npos ? std::string{} : std::string{pair.substr(eq + 1)};
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    }
    return {};
}

std::int64_t epoch_seconds()
{
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct tree_entry {
    std::string name;
    bool is_tree = false;
    std::string sha;
    std::size_t size = 0;
};

// Git's object model, just enough for ids that real git would compute for the same files and commits.
struct git_store {
    struct commit_data {
        std::string tree;
        std::map<std::string, std::string> files;
    };
    std::map<std::string, std::string> blobs;
    std::map<std::string, std::vector<tree_entry>> trees;
    std::map<std::string, commit_data> commits;
    std::map<std::string, std::string> branches;
    std::int64_t commit_count = 0;

    std::string write_tree(std::map<std::string, std::string> const& files, std::string const& prefix)
    {
        std::map<std::string, bool> children;  // name -> is a folder
        for (auto const& [path, content] : files) {
            if (!path.starts_with(prefix))
                continue;
            auto const rest = path.substr(prefix.size());
            auto const slash = rest.find('/');
            children[rest.substr(0, slash)] = slash != std::string::npos;
        }
        std::vector<tree_entry> entries;
        for (auto const& [name, is_tree] : children) {
            if (is_tree) {
                entries.push_back({name, true, write_tree(files, prefix + name + "/"), 0});
                continue;
            }
            auto const& content = files.at(prefix + name);
            auto const sha = github::git_blob_id(content);
            blobs[sha] = content;
            entries.push_back({name, false, sha, content.size()});
        }
        // Git orders tree entries by name, a folder's name compared as if it ended in '/'.
        std::sort(entries.begin(), entries.end(), [](auto const& a, auto const& b) {
            return a.name + (a.is_tree ? "/" : "") < b.name + (b.is_tree ? "/" : "");
        });
        std::string object;
        for (auto const& entry : entries)
            object += std::string{entry.is_tree ? "40000" : "100644"} + " " + entry.name + '\0' +
                      raw_object_id(entry.sha);
        auto const sha = github::git_object_id("tree", object);
        trees[sha] = std::move(entries);
        return sha;
    }

    std::string commit(std::map<std::string, std::string> files, std::optional<std::string> const& parent)
    {
        auto const tree = write_tree(files, "");
        ++commit_count;
        auto const when = std::to_string(first_commit_time + commit_count) + " +0000";
        std::string object = "tree " + tree + "\n";
        if (parent)
            object += "parent " + *parent + "\n";
        object += "author Fake Author <fake@example.com> " + when + "\n";
        object += "committer Fake Author <fake@example.com> " + when + "\n";
        object += "\ncommit " + std::to_string(commit_count) + "\n";
        auto const sha = github::git_object_id("commit", object);
        commits[sha] = {tree, std::move(files)};
        return sha;
    }
};

struct answer {
    unsigned status = 200;
    std::string content_type = "application/json; charset=utf-8";
    std::string body;
    header_list headers;
};

enum class delivery { normal, reset, truncate };

struct plan {
    answer reply;
    delivery how = delivery::normal;
    std::chrono::milliseconds delay{0};
};

answer json_answer(unsigned status, json::value const& body)
{
    return {status, "application/json; charset=utf-8", json::serialize(body), {}};
}

answer not_found()
{
    return {404, "application/json; charset=utf-8", not_found_body, {}};
}

}  // namespace

std::string recorded_request::header(std::string const& name) const
{
    auto const it = headers.find(name);
    return it == headers.end() ? std::string{} : it->second;
}

fake_fault fake_fault::latency(std::chrono::milliseconds delay)
{
    fake_fault f;
    f.what = kind::delay;
    f.delay = delay;
    return f;
}

fake_fault fake_fault::html_error(unsigned status)
{
    fake_fault f;
    f.status = status;
    f.body = "<!DOCTYPE html>\n<html><head><title>Unicorn! &middot; GitHub</title></head>"
             "<body><p>No server is currently available to service your request.</p></body></html>\n";
    return f;
}

fake_fault fake_fault::malformed_json()
{
    fake_fault f;
    f.status = 200;
    f.content_type = "application/json; charset=utf-8";
    f.body = R"({"sha":"6a10227857a476f3941164213fd004a5e71347b0","tree":[{"path":"basics","mode":"04)";
    return f;
}

fake_fault fake_fault::not_json()
{
    fake_fault f = html_error(200);
    f.status = 200;
    return f;
}

fake_fault fake_fault::connection_reset()
{
    fake_fault f;
    f.what = kind::reset;
    return f;
}

fake_fault fake_fault::truncated_body()
{
    fake_fault f;
    f.what = kind::truncate;
    return f;
}

fake_fault fake_fault::corrupted_body()
{
    fake_fault f;
    f.what = kind::corrupt;
    return f;
}

fake_fault fake_fault::redirect_to(unsigned status, std::string location)
{
    fake_fault f;
    f.what = kind::redirect;
    f.status = status;
    f.location = std::move(location);
    return f;
}

fake_fault fake_fault::rate_limited(unsigned status, std::chrono::seconds reset_in)
{
    fake_fault f;
    f.status = status;
    f.content_type = "application/json; charset=utf-8";
    f.body = json::serialize(json::object{
        {"message",
         "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get "
         "a higher rate limit. Check out the documentation for more details.)"},
        {"documentation_url",
         "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}});
    f.headers = {{"x-ratelimit-limit", "60"},
                 {"x-ratelimit-remaining", "0"},
                 {"x-ratelimit-used", "60"},
                 {"x-ratelimit-resource", "core"}};
    f.ratelimit_reset_in = reset_in;
    return f;
}

fake_fault fake_fault::retry_after(unsigned status, std::chrono::seconds wait)
{
    fake_fault f;
    f.status = status;
    f.content_type = "application/json; charset=utf-8";
    f.body = json::serialize(json::object{
        {"message",
         "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."},
        {"documentation_url",
         "https://docs.github.com/rest/overview/resources-in-the-rest-api#secondary-rate-limits"}});
    f.headers = {{"retry-after", std::to_string(wait.count())}};
    return f;
}

struct fake_github::impl {
    // Declared first, destroyed last: pending sessions die with it and touch nothing else then.
    net::io_context ioc{1};
    ssl::context tls{ssl::context::tls_server};
    net::ip::tcp::acceptor acceptor{ioc};
    std::string certificate_pem;
    std::string ca_path;
    std::thread thread;

    mutable std::mutex mutex;
    git_store git;
    std::string owner, name, old_owner, old_name;
    std::string default_branch = "main";
    bool truncated = false;
    struct scheduled_fault {
        std::string path_part;
        fake_fault fault;
        int times = 1;
    };
    std::vector<scheduled_fault> faults;
    std::vector<recorded_request> log;
    std::size_t connections = 0;
    int remaining = 5000;
    // Its own mutex, held while the hook runs: once on_request() has replaced it, the old one never runs
    // again.
    std::mutex hook_mutex;
    std::function<void()> hook;

    std::string base_url() const
    {
        return "https://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port());
    }

    std::optional<std::string> resolve_commit(std::string const& ref) const
    {
        auto const branch = git.branches.find(ref == "HEAD" ? default_branch : ref);
        if (branch != git.branches.end())
            return branch->second;
        if (git.commits.count(ref))
            return ref;
        return std::nullopt;
    }

    void list_tree(std::string const& sha, std::string const& prefix, bool recursive, json::array& out) const
    {
        auto const base = base_url() + "/repos/" + owner + "/" + name + "/git/";
        for (auto const& entry : git.trees.at(sha)) {
            json::object item{{"path", prefix + entry.name},
                              {"mode", entry.is_tree ? "040000" : "100644"},
                              {"type", entry.is_tree ? "tree" : "blob"},
                              {"sha", entry.sha}};
            if (!entry.is_tree)
                item["size"] = entry.size;
            item["url"] = base + (entry.is_tree ? "trees/" : "blobs/") + entry.sha;
            out.push_back(std::move(item));
            if (entry.is_tree && recursive)
                list_tree(entry.sha, prefix + entry.name + "/", true, out);
        }
    }

    answer commits(recorded_request const& req, std::string const& ref) const
    {
        auto const sha = resolve_commit(ref);
        if (!sha)
            return json_answer(422, {{"message", "No commit found for SHA: " + ref},
                                     {"documentation_url", "https://docs.github.com/rest/commits/commits"}});
        if (req.header("accept").find("sha") == std::string::npos)
            return json_answer(200,
                               {{"sha", *sha}, {"commit", {{"tree", {{"sha", git.commits.at(*sha).tree}}}}}});
        auto const etag = "\"" + *sha + "\"";
        auto const condition = req.header("if-none-match");
        if (condition == etag || condition == "W/" + etag)
            return {304, "", "", {{"etag", etag}}};
        return {200, "application/vnd.github.sha; charset=utf-8", *sha, {{"etag", etag}}};
    }

    answer trees(recorded_request const& req, std::string const& ref) const
    {
        std::string tree = git.trees.count(ref) ? ref : std::string{};
        if (tree.empty()) {
            auto const commit = resolve_commit(ref);
            if (!commit)
                return not_found();
            tree = git.commits.at(*commit).tree;
        }
        json::array items;
        list_tree(tree, "", !query_value(req.query, "recursive").empty(), items);
        return json_answer(200, {{"sha", tree},
                                 {"url", base_url() + "/repos/" + owner + "/" + name + "/git/trees/" + tree},
                                 {"tree", std::move(items)},
                                 {"truncated", truncated}});
    }

    answer contents(recorded_request const& req, std::string const& path) const
    {
        auto ref = query_value(req.query, "ref");
        auto const commit = resolve_commit(ref.empty() ? default_branch : ref);
        if (!commit)
            return not_found();
        auto const& files = git.commits.at(*commit).files;
        auto const file = files.find(path);
        if (file == files.end())
            return not_found();
        auto const sha = github::git_blob_id(file->second);
        if (req.header("accept").find("raw") != std::string::npos)
            return {200,
                    "application/vnd.github.raw+json; charset=utf-8",
                    file->second,
                    {{"etag", "\"" + sha + "\""}}};
        return json_answer(200, {{"type", "file"},
                                 {"encoding", "base64"},
                                 {"size", file->second.size()},
                                 {"name", path.substr(path.rfind('/') + 1)},
                                 {"path", path},
                                 {"sha", sha},
                                 {"content", core::base64_encode(file->second)}});
    }

    // The answer of a healthy GitHub (caller holds the mutex).
    answer serve(recorded_request const& req) const
    {
        std::string rest;
        auto const renamed_prefix = "/repos/" + old_owner + "/" + old_name;
        auto const current_prefix = "/repos/" + owner + "/" + name;
        auto const id_prefix = "/repositories/" + std::string{repository_id};
        if (!old_owner.empty() &&
            (req.path == renamed_prefix || req.path.starts_with(renamed_prefix + "/"))) {
            auto const target = base_url() + id_prefix + req.path.substr(renamed_prefix.size()) +
                                (req.query.empty() ? "" : "?" + req.query);
            auto moved =
                json_answer(301, {{"message", "Moved Permanently"},
                                  {"url", target},
                                  {"documentation_url", "https://docs.github.com/v3/#http-redirects"}});
            moved.headers.emplace("location", target);
            return moved;
        }
        if (req.path.starts_with(current_prefix + "/"))
            rest = req.path.substr(current_prefix.size());
        else if (req.path.starts_with(id_prefix + "/"))
            rest = req.path.substr(id_prefix.size());
        else
            return not_found();

        if (rest.starts_with("/commits/"))
            return commits(req, rest.substr(9));
        if (rest.starts_with("/git/trees/"))
            return trees(req, rest.substr(11));
        if (rest.starts_with("/contents/"))
            return contents(req, rest.substr(10));
        return not_found();
    }

    plan decide(recorded_request const& req)
    {
        plan out;
        out.reply = serve(req);
        auto const it = std::find_if(faults.begin(), faults.end(), [&](auto const& f) {
            return f.times != 0 && req.path.find(f.path_part) != std::string::npos;
        });
        if (it != faults.end()) {
            auto const fault = it->fault;
            if (it->times > 0 && --it->times == 0)
                faults.erase(it);
            switch (fault.what) {
                case fake_fault::kind::delay:
                    out.delay = fault.delay;
                    break;
                case fake_fault::kind::reset:
                    out.how = delivery::reset;
                    break;
                case fake_fault::kind::truncate:
                    out.how = delivery::truncate;
                    break;
                case fake_fault::kind::corrupt:
                    if (!out.reply.body.empty())
                        out.reply.body.back() = out.reply.body.back() == ' ' ? '\n' : ' ';
                    break;
                case fake_fault::kind::redirect:
                    out.reply = {fault.status, "text/html;charset=utf-8", "", {{"location", fault.location}}};
                    break;
                case fake_fault::kind::respond:
                    out.reply = {fault.status, fault.content_type, fault.body, fault.headers};
                    if (fault.ratelimit_reset_in)
                        out.reply.headers.emplace(
                            "x-ratelimit-reset",
                            std::to_string(epoch_seconds() + fault.ratelimit_reset_in->count()));
                    break;
            }
        }
        if (out.reply.status != 304 && remaining > 0)
            --remaining;
        auto& headers = out.reply.headers;
        headers.emplace("server", "GitHub.com");
        headers.emplace("x-github-api-version-selected", "2022-11-28");
        headers.emplace("x-github-request-id", "FAKE:" + std::to_string(log.size()));
        headers.emplace("cache-control", "private, max-age=60, s-maxage=60");
        headers.emplace("vary", "Accept, Authorization, Cookie, X-GitHub-OTP");
        if (!headers.count("x-ratelimit-remaining")) {
            headers.emplace("x-ratelimit-limit", "5000");
            headers.emplace("x-ratelimit-remaining", std::to_string(remaining));
            headers.emplace("x-ratelimit-reset", std::to_string(epoch_seconds() + 3600));
            headers.emplace("x-ratelimit-used", std::to_string(5000 - remaining));
            headers.emplace("x-ratelimit-resource", "core");
        }
        return out;
    }

    plan record_and_decide(http::request<http::string_body> const& message)
    {
        recorded_request req;
        req.method = std::string{message.method_string()};
        auto const target = std::string{message.target()};
        auto const question = target.find('?');
        req.path = target.substr(0, question);
        req.query = question == std::string::npos ? std::string{} : target.substr(question + 1);
        for (auto const& field : message)
            req.headers.emplace(lower(field.name_string()), std::string{field.value()});
        plan out;
        {
            std::lock_guard lock{mutex};
            log.push_back(req);
            out = decide(req);
        }
        std::lock_guard lock{hook_mutex};
        if (hook)
            hook();
        return out;
    }

    static http::response<http::string_body> to_message(answer const& reply, bool keep_alive)
    {
        http::response<http::string_body> res{static_cast<http::status>(reply.status), 11};
        if (!reply.content_type.empty())
            res.set(http::field::content_type, reply.content_type);
        for (auto const& [key, value] : reply.headers)
            res.insert(key, value);
        res.body() = reply.body;
        res.keep_alive(keep_alive);
        res.prepare_payload();
        return res;
    }

    net::awaitable<void> session(net::ip::tcp::socket socket)
    {
        beast::ssl_stream<beast::tcp_stream> stream{beast::tcp_stream{std::move(socket)}, tls};
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds{10});
        auto [handshake_ec] = co_await stream.async_handshake(ssl::stream_base::server, nothrow_awaitable);
        if (handshake_ec)
            co_return;
        beast::flat_buffer buffer;
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.body_limit(1024 * 1024);
            beast::get_lowest_layer(stream).expires_after(std::chrono::seconds{60});
            auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, nothrow_awaitable);
            if (read_ec)
                co_return;
            auto const request = parser.release();
            auto const decided = record_and_decide(request);
            if (decided.delay.count() > 0) {
                net::steady_timer pause{ioc, decided.delay};
                co_await pause.async_wait(nothrow_awaitable);
            }
            auto& socket_ref = beast::get_lowest_layer(stream).socket();
            error_code ignored;
            if (decided.how == delivery::reset) {
                socket_ref.set_option(net::socket_base::linger{true, 0}, ignored);
                socket_ref.close(ignored);
                co_return;
            }
            auto message = to_message(decided.reply, request.keep_alive());
            beast::get_lowest_layer(stream).expires_after(std::chrono::seconds{30});
            if (decided.how == delivery::truncate) {
                std::ostringstream head;
                head << message.base();
                auto const partial = head.str() + message.body().substr(0, message.body().size() / 2);
                co_await net::async_write(stream, net::buffer(partial), nothrow_awaitable);
                socket_ref.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
                socket_ref.close(ignored);
                co_return;
            }
            auto [write_ec, written] = co_await http::async_write(stream, message, nothrow_awaitable);
            if (write_ec || !message.keep_alive()) {
                socket_ref.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
                co_return;
            }
        }
    }

    net::awaitable<void> accept_loop()
    {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(nothrow_awaitable);
            if (ec)
                co_return;
            {
                std::lock_guard lock{mutex};
                ++connections;
            }
            net::co_spawn(ioc, session(std::move(socket)), [](std::exception_ptr error) {
                if (!error)
                    return;
                try {
                    std::rethrow_exception(error);
                }
                catch (std::exception const& e) {
                    std::cerr << "fake_github: session failed: " << e.what() << '\n';
                }
            });
        }
    }
};

fake_github::fake_github(std::string owner, std::string name) : impl_{std::make_unique<impl>()}
{
    auto const certificate = service::make_self_signed_certificate();
    impl_->certificate_pem = certificate.certificate_pem;
    impl_->tls = service::make_tls_context_from_pem(certificate.certificate_pem, certificate.private_key_pem);
    char path[] = "/tmp/pyfun-fake-github-ca-XXXXXX";
    int const fd = ::mkstemp(path);
    if (fd < 0)
        throw std::runtime_error("cannot create the CA file");
    ::close(fd);
    impl_->ca_path = path;
    std::ofstream{impl_->ca_path} << certificate.certificate_pem;

    impl_->owner = std::move(owner);
    impl_->name = std::move(name);
    net::ip::tcp::endpoint const local{net::ip::make_address("127.0.0.1"), 0};
    impl_->acceptor.open(local.protocol());
    impl_->acceptor.set_option(net::socket_base::reuse_address{true});
    impl_->acceptor.bind(local);
    impl_->acceptor.listen();
    net::co_spawn(impl_->ioc, impl_->accept_loop(), net::detached);
    impl_->thread = std::thread{[state = impl_.get()] { state->ioc.run(); }};
}

fake_github::~fake_github()
{
    net::post(impl_->ioc, [state = impl_.get()] {
        error_code ignored;
        state->acceptor.close(ignored);
    });
    impl_->ioc.stop();
    impl_->thread.join();
    std::remove(impl_->ca_path.c_str());
}

unsigned short fake_github::port() const
{
    return impl_->acceptor.local_endpoint().port();
}
std::string fake_github::api_url() const
{
    return impl_->base_url();
}
std::string fake_github::alias_url() const
{
    return "https://localhost:" + std::to_string(port());
}
std::string fake_github::ca_file() const
{
    return impl_->ca_path;
}
std::string fake_github::certificate_pem() const
{
    return impl_->certificate_pem;
}

std::string fake_github::owner() const
{
    std::lock_guard lock{impl_->mutex};
    return impl_->owner;
}

std::string fake_github::name() const
{
    std::lock_guard lock{impl_->mutex};
    return impl_->name;
}

std::string fake_github::push(std::map<std::string, std::optional<std::string>> const& changes,
                              std::string const& branch)
{
    std::lock_guard lock{impl_->mutex};
    auto& git = impl_->git;
    std::optional<std::string> parent;
    std::map<std::string, std::string> files;
    if (auto const it = git.branches.find(branch); it != git.branches.end()) {
        parent = it->second;
        files = git.commits.at(it->second).files;
    }
    for (auto const& [path, content] : changes) {
        if (content)
            files[path] = *content;
        else
            files.erase(path);
    }
    auto const sha = git.commit(std::move(files), parent);
    git.branches[branch] = sha;
    return sha;
}

std::string fake_github::head(std::string const& branch) const
{
    std::lock_guard lock{impl_->mutex};
    return impl_->git.branches.at(branch);
}

std::string fake_github::tree_of(std::string const& commit) const
{
    std::lock_guard lock{impl_->mutex};
    return impl_->git.commits.at(commit).tree;
}

std::string fake_github::blob_sha(std::string const& path, std::string const& branch) const
{
    std::lock_guard lock{impl_->mutex};
    auto const& git = impl_->git;
    return github::git_blob_id(git.commits.at(git.branches.at(branch)).files.at(path));
}

void fake_github::set_default_branch(std::string branch)
{
    std::lock_guard lock{impl_->mutex};
    impl_->default_branch = std::move(branch);
}

void fake_github::rename_to(std::string owner, std::string name)
{
    std::lock_guard lock{impl_->mutex};
    impl_->old_owner = std::exchange(impl_->owner, std::move(owner));
    impl_->old_name = std::exchange(impl_->name, std::move(name));
}

void fake_github::set_tree_truncated(bool truncated)
{
    std::lock_guard lock{impl_->mutex};
    impl_->truncated = truncated;
}

void fake_github::add_fault(std::string path_part, fake_fault fault, int times)
{
    std::lock_guard lock{impl_->mutex};
    impl_->faults.push_back({std::move(path_part), std::move(fault), times});
}

void fake_github::clear_faults()
{
    std::lock_guard lock{impl_->mutex};
    impl_->faults.clear();
}

std::vector<recorded_request> fake_github::requests() const
{
    std::lock_guard lock{impl_->mutex};
    return impl_->log;
}

std::size_t fake_github::count(std::string_view path_part) const
{
    std::lock_guard lock{impl_->mutex};
    return static_cast<std::size_t>(std::count_if(impl_->log.begin(), impl_->log.end(), [&](auto const& r) {
        return r.path.find(path_part) != std::string::npos;
    }));
}

std::size_t fake_github::connections() const
{
    std::lock_guard lock{impl_->mutex};
    return impl_->connections;
}

void fake_github::reset_counts()
{
    std::lock_guard lock{impl_->mutex};
    impl_->log.clear();
    impl_->connections = 0;
}

void fake_github::on_request(std::function<void()> hook)
{
    std::lock_guard lock{impl_->hook_mutex};
    impl_->hook = std::move(hook);
}

}  // namespace pyfun::test
