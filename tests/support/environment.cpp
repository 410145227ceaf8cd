#include "support/environment.hpp"

namespace siotest {

std::string node_executable() {
    return SIO_NODE;
}
std::string js_dir() {
    return SIO_JS_DIR;
}
std::string js_path(const std::string& relative) {
    return js_dir() + "/" + relative;
}
std::string python_executable() {
    return SIO_PYTHON;
}
std::string openssl_executable() {
    return SIO_OPENSSL;
}

ProcessResult run_node_script(const std::string& script, const std::vector<std::string>& args,
                              std::chrono::milliseconds timeout,
                              std::vector<std::pair<std::string, std::string>> env) {
    ProcessOptions options{
        .argv = {node_executable(), js_path(script)}, .env = std::move(env), .cwd = js_dir()};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    return run_process(options, timeout);
}

}  // namespace siotest
