#pragma once
// A fake GitHub REST API for tests, written here: HTTPS on 127.0.0.1 (a certificate generated at start-up,
// handed to clients as a CA file), serving an in-memory git repository with real object ids for blobs, trees
// and commits: GET commits/{ref} (application/vnd.github.sha, ETag, 304), git/trees/{sha}?recursive=1 and
// contents/{path}?ref= (raw or JSON). Pushes may happen during a test; faults are scripted per path; every
// request is recorded. It runs on its own thread, so every method is thread-safe.

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pyfun::test {

struct recorded_request {
    std::string method;
    std::string path;                                 // without the query
    std::string query;                                // without '?'
    std::multimap<std::string, std::string> headers;  // lower-case names

    std::string header(std::string const& name) const;  // the first value, or ""
    bool has_header(std::string const& name) const { return headers.count(name) > 0; }
};

struct fake_fault {
    enum class kind {
        delay,     // answer normally after `delay`
        respond,   // answer `status`, `content_type`, `body`, `headers` instead
        reset,     // read the request, then reset the connection (RST) without answering
        truncate,  // send the normal answer's headers and half its body, then close
        corrupt,   // the normal answer with its body altered by one byte
        redirect,  // `status` with Location `location` (absolute or relative)
    };
    kind what = kind::respond;
    std::chrono::milliseconds delay{0};
    unsigned status = 500;
    std::string content_type = "text/html; charset=utf-8";
    std::string body;
    std::string location;
    std::multimap<std::string, std::string> headers;
    std::optional<std::chrono::seconds> ratelimit_reset_in;  // adds x-ratelimit-reset = now + this (epoch s)

    static fake_fault latency(std::chrono::milliseconds delay);
    static fake_fault html_error(unsigned status);  // the HTML page a proxy or GitHub's front end sends
    static fake_fault malformed_json();             // 200 application/json, cut in the middle
    static fake_fault not_json();                   // 200 text/html for a JSON endpoint
    static fake_fault connection_reset();
    static fake_fault truncated_body();
    static fake_fault corrupted_body();
    static fake_fault redirect_to(unsigned status, std::string location);
    // x-ratelimit-remaining: 0 and x-ratelimit-reset = now + reset_in, GitHub's documented body.
    static fake_fault rate_limited(unsigned status, std::chrono::seconds reset_in);
    // retry-after: seconds (secondary limits), no x-ratelimit-remaining.
    static fake_fault retry_after(unsigned status, std::chrono::seconds wait);
};

class fake_github {
  public:
    fake_github(std::string owner = "acme", std::string name = "lessons");
    ~fake_github();
    fake_github(fake_github const&) = delete;
    fake_github& operator=(fake_github const&) = delete;

    unsigned short port() const;
    std::string api_url() const;    // https://127.0.0.1:PORT
    std::string alias_url() const;  // https://localhost:PORT: this server under another host name
    std::string ca_file() const;    // PEM file holding the generated certificate
    std::string certificate_pem() const;
    std::string owner() const;
    std::string name() const;

    // Commits `changes` (path -> content; nullopt deletes) on top of `branch` and returns the new commit SHA.
    std::string push(std::map<std::string, std::optional<std::string>> const& changes,
                     std::string const& branch = "main");
    std::string head(std::string const& branch = "main") const;
    std::string tree_of(std::string const& commit) const;
    std::string blob_sha(std::string const& path, std::string const& branch = "main") const;
    void set_default_branch(std::string branch);
    // The old owner/name then answer 301 to /repositories/{id}/..., as GitHub does after a rename.
    void rename_to(std::string owner, std::string name);
    void set_tree_truncated(bool truncated);

    // The next `times` requests whose path contains `path_part` get `fault` (times < 0: until cleared).
    void add_fault(std::string path_part, fake_fault fault, int times = 1);
    void clear_faults();

    std::vector<recorded_request> requests() const;
    std::size_t count(std::string_view path_part = {}) const;  // requests whose path contains it
    std::size_t connections() const;                           // TCP connections accepted
    void reset_counts();
    // Called on the fake's thread after each request is recorded (before it is answered). Once this returns,
    // the previous hook is not running and never runs again.
    void on_request(std::function<void()> hook);

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace pyfun::test
