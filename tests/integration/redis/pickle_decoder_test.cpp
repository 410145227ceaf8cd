// The restricted pickle reader against pickles made by /usr/bin/python3 (protocols 2 to 5):
// plain data decodes to what Python put in, everything else is refused, and every truncation of
// a good pickle is an error, not a crash.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "socketio/adapters/pickle.hpp"
#include "support/environment.hpp"
#include "support/json_lines.hpp"
#include "support/process.hpp"

namespace {

using socketio::json;
using socketio::adapters::decode_pickle;

struct Vector {
    std::string name;
    int protocol = 0;
    std::string pickle;
    std::optional<json> expected;  // nullopt: must be refused
};

std::string from_hex(const std::string& hex) {
    std::string bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    }
    return bytes;
}

// {"$bytes": hex} → a binary value, recursively.
json with_binaries(const json& value) {
    if (value.is_object() && value.size() == 1 && value.contains("$bytes")) {
        const auto bytes = from_hex(value["$bytes"].get<std::string>());
        return json::binary(std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
    }
    if (value.is_object()) {
        json object = json::object();
        for (const auto& [key, element] : value.items()) object[key] = with_binaries(element);
        return object;
    }
    if (value.is_array()) {
        json array = json::array();
        for (const auto& element : value) array.push_back(with_binaries(element));
        return array;
    }
    return value;
}

const std::vector<Vector>& vectors() {
    static const std::vector<Vector> all = [] {
        std::vector<Vector> out;
        const auto result = siotest::run_process(
            {.argv = {siotest::python_executable(), SIO_PICKLE_VECTORS_SCRIPT}},
            std::chrono::seconds(30));
        if (!result.ok()) throw std::runtime_error("pickle_vectors.py: " + result.describe());
        std::istringstream lines(result.out);
        std::string line;
        while (std::getline(lines, line)) {
            // Python's json keeps key order; nlohmann::json (sorted) would lose it.
            const auto row = json::parse(line);
            Vector vector{.name = row["name"],
                          .protocol = row["protocol"],
                          .pickle = from_hex(row["pickle"]),
                          .expected = std::nullopt};
            if (row.contains("expected")) vector.expected = with_binaries(row["expected"]);
            out.push_back(std::move(vector));
        }
        return out;
    }();
    return all;
}

std::string describe(const json& value) {
    auto text = value.dump(-1, ' ', false, json::error_handler_t::replace);
    if (text.size() > 400) text = text.substr(0, 400) + "...";
    return text;
}

TEST(PickleDecoder, PythonPicklesOfPlainDataDecodeToTheirValue) {
    std::size_t checked = 0;
    std::set<int> protocols;
    for (const auto& vector : vectors()) {
        if (!vector.expected) continue;
        SCOPED_TRACE(vector.name + " protocol " + std::to_string(vector.protocol));
        std::string error;
        const auto decoded = decode_pickle(vector.pickle, error);
        ASSERT_TRUE(decoded) << error;
        EXPECT_EQ(error, "");
        EXPECT_EQ(*decoded, *vector.expected)
            << describe(*decoded) << "\nexpected " << describe(*vector.expected);
        ++checked;
        protocols.insert(vector.protocol);
    }
    EXPECT_EQ(protocols, (std::set<int>{2, 3, 4, 5}));
    EXPECT_GE(checked, 60u);
}

TEST(PickleDecoder, PythonPicklesOfOtherObjectsAreRefused) {
    std::size_t checked = 0;
    for (const auto& vector : vectors()) {
        if (vector.expected) continue;
        SCOPED_TRACE(vector.name + " protocol " + std::to_string(vector.protocol));
        std::string error;
        const auto decoded = decode_pickle(vector.pickle, error);
        EXPECT_FALSE(decoded) << describe(*decoded);
        EXPECT_NE(error, "");
        ++checked;
    }
    EXPECT_GE(checked, 30u);
}

TEST(PickleDecoder, EveryTruncationIsAnError) {
    for (const auto& vector : vectors()) {
        if (!vector.expected || vector.pickle.size() > 4096) continue;
        SCOPED_TRACE(vector.name + " protocol " + std::to_string(vector.protocol));
        for (std::size_t size = 0; size < vector.pickle.size(); ++size) {
            std::string error;
            EXPECT_FALSE(decode_pickle(std::string_view(vector.pickle).substr(0, size), error))
                << "prefix of " << size << " bytes";
            EXPECT_NE(error, "");
        }
    }
}

}  // namespace
