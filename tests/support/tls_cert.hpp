#pragma once
// A self-signed certificate for TLS tests, made with the openssl CLI.

#include <string>

namespace siotest {

struct TlsFiles {
    std::string certificate_file;  ///< PEM; also the CA a client must trust (self-signed)
    std::string private_key_file;  ///< PEM, unencrypted
};

/// Writes cert.pem and key.pem into `directory`: an EC P-256 self-signed certificate for
/// CN=localhost with subjectAltName DNS:localhost and IP:127.0.0.1, valid for a day.
/// Throws std::runtime_error with openssl's output if it fails.
TlsFiles make_self_signed_certificate(const std::string& directory);

}  // namespace siotest
