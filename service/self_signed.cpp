#include "self_signed.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>
#include <string_view>

namespace pyfun::service {
namespace {

template <auto free_function>
struct openssl_deleter {
    template <class T>
    void operator()(T* object) const noexcept
    {
        free_function(object);
    }
};

using bignum_ptr = std::unique_ptr<BIGNUM, openssl_deleter<BN_free>>;
using bio_ptr = std::unique_ptr<BIO, openssl_deleter<BIO_free_all>>;
using extension_ptr = std::unique_ptr<X509_EXTENSION, openssl_deleter<X509_EXTENSION_free>>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, openssl_deleter<EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, openssl_deleter<X509_free>>;

constexpr long validity_seconds = 30L * 24 * 60 * 60;
constexpr long clock_skew_seconds = 5 * 60;  // a client whose clock is a little behind still accepts it

[[noreturn]] void fail(std::string_view what)
{
    std::string message{what};
    if (auto const code = ERR_get_error(); code != 0) {
        char reason[256];
        ERR_error_string_n(code, reason, sizeof reason);
        message += ": ";
        message += reason;
    }
    ERR_clear_error();
    throw std::runtime_error(message);
}

void add_extension(X509& certificate, X509V3_CTX& context, int nid, char const* value)
{
    extension_ptr extension{X509V3_EXT_conf_nid(nullptr, &context, nid, value)};
    if (!extension || X509_add_ext(&certificate, extension.get(), -1) != 1)
        fail(std::string{"cannot add certificate extension "} + value);
}

template <class Write>
std::string to_pem(Write write)
{
    bio_ptr bio{BIO_new(BIO_s_mem())};
    if (!bio || write(bio.get()) != 1)
        fail("cannot encode PEM");
    char* data = nullptr;
    auto const size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

x509_ptr make_certificate(EVP_PKEY& key)
{
    x509_ptr certificate{X509_new()};
    if (!certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1)
        fail("cannot create certificate");

    bignum_ptr serial{BN_new()};
    if (!serial || BN_rand(serial.get(), 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
        !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get())))
        fail("cannot set certificate serial number");

    if (!X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -clock_skew_seconds) ||
        !X509_gmtime_adj(X509_getm_notAfter(certificate.get()), validity_seconds))
        fail("cannot set certificate validity");

    auto* name = X509_get_subject_name(certificate.get());
    auto const* common_name = reinterpret_cast<unsigned char const*>("localhost");
    if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, common_name, -1, -1, 0) != 1 ||
        X509_set_issuer_name(certificate.get(), name) != 1 || X509_set_pubkey(certificate.get(), &key) != 1)
        fail("cannot set certificate names");

    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, certificate.get(), certificate.get(), nullptr, nullptr, 0);
    add_extension(*certificate, context, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(*certificate, context, NID_ext_key_usage, "serverAuth");
    add_extension(*certificate, context, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
    add_extension(*certificate, context, NID_subject_key_identifier, "hash");

    if (X509_sign(certificate.get(), &key, EVP_sha256()) == 0)
        fail("cannot sign certificate");
    return certificate;
}

}  // namespace

self_signed_certificate make_self_signed_certificate()
{
    pkey_ptr key{EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")};
    if (!key)
        fail("cannot generate an EC P-256 key");
    auto const certificate = make_certificate(*key);

    self_signed_certificate out;
    out.certificate_pem = to_pem([&](BIO* bio) { return PEM_write_bio_X509(bio, certificate.get()); });
    out.private_key_pem = to_pem([&](BIO* bio) {
        return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    out.sha256_fingerprint = sha256_fingerprint(*certificate);
    return out;
}

std::string sha256_fingerprint(X509 const& certificate)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (X509_digest(&certificate, EVP_sha256(), digest, &length) != 1)
        fail("cannot compute certificate fingerprint");

    constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(length * 3);
    for (unsigned int i = 0; i < length; ++i) {
        if (i != 0)
            out += ':';
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0x0F];
    }
    return out;
}

}  // namespace pyfun::service
