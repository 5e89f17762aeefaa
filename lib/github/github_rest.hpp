#pragma once
// The three GitHub REST calls of the lesson source (DESIGN §4), each with the required headers, the token as
// a Bearer credential, the rate-limit breaker in front, and every answer checked before it is believed.

#include "github_repo.hpp"
#include "github_settings.hpp"
#include "rate_limit_breaker.hpp"

#include "lib/http_client/https_client.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace pyfun::github {

struct ref_answer {
    bool not_modified = false;  // 304: the commit is still the one the ETag named
    std::string sha;            // the commit SHA (empty when not_modified)
    std::string etag;
};

struct tree_item {
    std::string path;  // from the repository root
    std::string type;  // "blob", "tree" or "commit" (a submodule)
    std::string sha;
    std::uint64_t size = 0;  // blobs only
};

class github_rest {
  public:
    github_rest(boost::asio::any_io_executor executor, github_repo const& repo,
                github_settings const& settings, github_clock const& clock, log_sink const& log);

    // GET {repo}/commits/{ref} with Accept: application/vnd.github.sha and If-None-Match when `etag` is set.
    // Follows a rename (301) and addresses the repository by its new URL afterwards.
    boost::asio::awaitable<boost::system::result<ref_answer>> resolve_ref(std::string etag);

    // GET {repo}/git/trees/{commit}?recursive=1. Returns truncated_tree when GitHub cut the listing short.
    boost::asio::awaitable<boost::system::result<std::vector<tree_item>>> read_tree(std::string commit_sha);

    // GET {repo}/contents/{path}?ref={commit} with Accept: application/vnd.github.raw+json: the file's bytes,
    // unverified (the caller checks them against the blob SHA).
    boost::asio::awaitable<boost::system::result<std::string>> read_file(std::string path,
                                                                         std::string commit_sha);

    rate_limit_breaker const& breaker() const { return breaker_; }
    std::uint64_t requests_sent() const { return requests_sent_; }
    std::string const& repo_url() const { return repo_url_; }

  private:
    boost::asio::awaitable<boost::system::result<http_client::incoming_response>> get(
        std::string url, std::string_view accept, std::string if_none_match);
    void log_event(std::string_view event, std::string_view url, std::string_view detail) const;

    http_client::client http_;
    std::string api_base_;
    std::string repo_url_;  // api_base/repos/owner/name, or where a permanent redirect moved it
    std::string ref_;
    std::string token_;
    std::string user_agent_;
    github_clock clock_;
    log_sink log_;
    rate_limit_breaker breaker_;
    std::uint64_t requests_sent_ = 0;
};

}  // namespace pyfun::github
