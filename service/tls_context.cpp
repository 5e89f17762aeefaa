#include "tls_context.hpp"

#include "self_signed.hpp"

#include <boost/asio/buffer.hpp>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string_view>

namespace pyfun::service {
namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;

// TLS 1.2: forward-secret AEAD suites only (what Mozilla calls "intermediate"). TLS 1.3 suites are all AEAD.
constexpr char const* tls12_ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                                      "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                                      "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr char const* tls13_suites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
constexpr char const* key_groups = "X25519:P-256:P-384";

struct bio_deleter {
    void operator()(BIO* bio) const noexcept { BIO_free_all(bio); }
};
struct pkey_deleter {
    void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
};

std::string openssl_reason()
{
    auto const code = ERR_get_error();
    ERR_clear_error();
    if (code == 0)
        return "unknown OpenSSL error";
    char reason[256];
    ERR_error_string_n(code, reason, sizeof reason);
    return reason;
}

std::string read_file(std::string const& path, std::string_view what)
{
    std::ifstream in{path, std::ios::binary};
    if (!in)
        throw std::runtime_error("cannot read TLS " + std::string{what} + " file '" + path +
                                 "': " + std::strerror(errno));
    return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

// Without this callback OpenSSL would prompt on the terminal for the passphrase of an encrypted key.
int refuse_passphrase(char*, int, int, void*)
{
    return 0;
}

ssl::context configured_context()
{
    ssl::context context{ssl::context::tls_server};
    context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                        ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use |
                        ssl::context::no_compression);
    auto* native = context.native_handle();
    SSL_CTX_set_options(native,
                        SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
    if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
        SSL_CTX_set_cipher_list(native, tls12_ciphers) != 1 ||
        SSL_CTX_set_ciphersuites(native, tls13_suites) != 1 ||
        SSL_CTX_set1_groups_list(native, key_groups) != 1)
        throw std::runtime_error("cannot configure TLS: " + openssl_reason());
    return context;
}

// `cert_label` and `key_label` name where the PEM came from, for the error messages.
ssl::context context_from_pem(std::string const& cert_chain_pem, std::string const& key_pem,
                              std::string const& cert_label, std::string const& key_label)
{
    auto context = configured_context();

    boost::system::error_code ec;
    context.use_certificate_chain(net::buffer(cert_chain_pem), ec);
    if (ec)
        throw std::runtime_error("invalid TLS certificate chain in " + cert_label + ": " + ec.message());

    std::unique_ptr<BIO, bio_deleter> bio{BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()))};
    std::unique_ptr<EVP_PKEY, pkey_deleter> key{
        bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_passphrase, nullptr) : nullptr};
    if (!key) {
        throw std::runtime_error("invalid TLS private key in " + key_label +
                                 " (PEM, not encrypted expected): " + openssl_reason());
    }
    // OpenSSL refuses a key that does not belong to the loaded leaf certificate.
    if (SSL_CTX_use_PrivateKey(context.native_handle(), key.get()) != 1 ||
        SSL_CTX_check_private_key(context.native_handle()) != 1) {
        throw std::runtime_error("TLS private key in " + key_label + " does not match the certificate in " +
                                 cert_label + ": " + openssl_reason());
    }
    return context;
}

}  // namespace

ssl::context make_tls_context(std::string const& cert_chain_file, std::string const& key_file)
{
    auto const cert_pem = read_file(cert_chain_file, "certificate");
    auto const key_pem = read_file(key_file, "key");
    return context_from_pem(cert_pem, key_pem, "'" + cert_chain_file + "'", "'" + key_file + "'");
}

ssl::context make_tls_context_from_pem(std::string const& cert_chain_pem, std::string const& key_pem)
{
    return context_from_pem(cert_chain_pem, key_pem, "the given certificate", "the given key");
}

tls_setup make_server_tls(std::string const& cert_chain_file, std::string const& key_file)
{
    if (cert_chain_file.empty() != key_file.empty())
        throw std::invalid_argument(
            "a TLS certificate and key must be given together (--tls-cert and --tls-key)");
    if (!cert_chain_file.empty())
        return {make_tls_context(cert_chain_file, key_file), {}};

    auto const generated = make_self_signed_certificate();
    return {make_tls_context_from_pem(generated.certificate_pem, generated.private_key_pem),
            generated.sha256_fingerprint};
}

}  // namespace pyfun::service
