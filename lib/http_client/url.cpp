#include "url.hpp"

#include "client_error.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace urls = boost::urls;

namespace pyfun::http_client {
namespace {

std::string lower(std::string_view text)
{
    std::string out{text};
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

}  // namespace

std::string origin::key() const
{
    return (tls ? "https://" : "http://") + host_header() + ":" + std::to_string(port);
}

std::string origin::host_header() const
{
    auto const name = host.find(':') == std::string::npos ? host : "[" + host + "]";
    bool const default_port = port == (tls ? 443 : 80);
    return default_port ? name : name + ":" + std::to_string(port);
}

boost::system::result<split_url> parse_url(std::string_view url)
{
    auto parsed = urls::parse_uri(url);
    if (!parsed)
        return client_errc::bad_url;
    auto const scheme = parsed->scheme_id();
    if ((scheme != urls::scheme::http && scheme != urls::scheme::https) || !parsed->has_authority() ||
        parsed->has_userinfo() || parsed->encoded_host_address().empty())
        return client_errc::bad_url;

    split_url out;
    out.where.tls = scheme == urls::scheme::https;
    out.where.host = lower(parsed->host_address());
    out.where.port = out.where.tls ? 443 : 80;
    if (parsed->has_port()) {
        // port_number() wraps values above 65535, so the digits are read here.
        auto const digits = parsed->port();
        unsigned port = 0;
        auto const [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
        if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || port == 0 ||
            port > 65535)
            return client_errc::bad_url;
        out.where.port = static_cast<std::uint16_t>(port);
    }
    out.target = parsed->encoded_path().empty() ? std::string{"/"} : std::string{parsed->encoded_path()};
    if (parsed->has_query())
        out.target += "?" + std::string{parsed->encoded_query()};
    return out;
}

boost::system::result<std::string> resolve_location(std::string_view base, std::string_view location)
{
    auto const base_url = urls::parse_uri(base);
    auto const reference = urls::parse_uri_reference(location);
    if (!base_url || !reference)
        return client_errc::bad_url;
    urls::url resolved;
    if (!urls::resolve(*base_url, *reference, resolved))
        return client_errc::bad_url;
    resolved.remove_fragment();
    return std::string{resolved.buffer()};
}

}  // namespace pyfun::http_client
