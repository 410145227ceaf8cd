#pragma once
// Test scripts report observations on stdout as JSON lines ({"event":"open","sid":"..."}); these
// helpers parse them.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace siotest {

/// Every line of `output` that parses as a JSON object, in order; other lines are skipped.
std::vector<nlohmann::ordered_json> json_lines(std::string_view output);
/// The JSON lines whose "event" member equals `event`.
std::vector<nlohmann::ordered_json> json_events(std::string_view output, std::string_view event);

}  // namespace siotest
