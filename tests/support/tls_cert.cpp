#include "support/tls_cert.hpp"

#include <stdexcept>

#include "support/environment.hpp"
#include "support/process.hpp"

namespace siotest {

TlsFiles make_self_signed_certificate(const std::string& directory) {
    TlsFiles files{directory + "/cert.pem", directory + "/key.pem"};
    ProcessResult result = run_process(
        {.argv = {openssl_executable(), "req", "-x509", "-newkey", "ec", "-pkeyopt",
                  "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                  "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout",
                  files.private_key_file, "-out", files.certificate_file}},
        std::chrono::seconds(30));
    if (!result.ok()) {
        throw std::runtime_error("openssl req failed: " + result.describe());
    }
    return files;
}

}  // namespace siotest
