#pragma once
// The server's TLS context: TLS 1.2 and 1.3 only, AEAD ciphers, server preference, no compression or
// renegotiation; the certificate comes from files or, for development, is generated at start-up.

#include <boost/asio/ssl/context.hpp>

#include <string>

namespace pyfun::service {

// Loads a PEM certificate chain (leaf first) and its private key.
// Throws std::runtime_error naming the file when one is unreadable or invalid, or when they do not match.
boost::asio::ssl::context make_tls_context(std::string const& cert_chain_file, std::string const& key_file);

// The same settings with a certificate and key given as PEM text.
// Throws std::runtime_error when either is invalid or they do not match.
boost::asio::ssl::context make_tls_context_from_pem(std::string const& cert_chain_pem,
                                                    std::string const& key_pem);

struct tls_setup {
    boost::asio::ssl::context context;
    std::string generated_fingerprint;  // set only when a self-signed certificate was generated
};

// Files when both are given; a fresh self-signed certificate when both are empty (main should print a warning
// with the fingerprint); std::invalid_argument when only one of them is given.
tls_setup make_server_tls(std::string const& cert_chain_file, std::string const& key_file);

}  // namespace pyfun::service
