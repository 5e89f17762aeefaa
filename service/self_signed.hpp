#pragma once
// A development certificate made in memory at start-up, so the server speaks TLS out of the box.

#include <openssl/x509.h>

#include <string>

namespace pyfun::service {

struct self_signed_certificate {
    std::string certificate_pem;
    std::string private_key_pem;
    std::string sha256_fingerprint;  // "AB:CD:..." (32 bytes), to compare with what a browser shows
};

// EC P-256 key, CN=localhost, subjectAltName DNS:localhost and IP:127.0.0.1, valid for 30 days, SHA-256
// signed. Throws std::runtime_error if OpenSSL fails.
self_signed_certificate make_self_signed_certificate();

// The SHA-256 digest of the DER certificate as colon-separated upper-case hex.
std::string sha256_fingerprint(X509 const& certificate);

}  // namespace pyfun::service
