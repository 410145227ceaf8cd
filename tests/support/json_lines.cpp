#include "support/json_lines.hpp"

namespace siotest {

std::vector<nlohmann::ordered_json> json_lines(std::string_view output) {
    std::vector<nlohmann::ordered_json> lines;
    while (!output.empty()) {
        auto end = output.find('\n');
        std::string_view line = output.substr(0, end);
        output = end == std::string_view::npos ? std::string_view{} : output.substr(end + 1);
        if (line.empty() || line.front() != '{') continue;
        auto value = nlohmann::ordered_json::parse(line, nullptr, /*allow_exceptions=*/false);
        if (value.is_object()) lines.push_back(std::move(value));
    }
    return lines;
}

std::vector<nlohmann::ordered_json> json_events(std::string_view output, std::string_view event) {
    std::vector<nlohmann::ordered_json> matching;
    for (auto& line : json_lines(output)) {
        if (line.value("event", std::string{}) == event) matching.push_back(std::move(line));
    }
    return matching;
}

}  // namespace siotest
