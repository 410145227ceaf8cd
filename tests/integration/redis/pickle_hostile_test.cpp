// Hostile pickles: every opcode that could build or call an object is refused by name, and
// malformed input (huge lengths, deep nesting, self-references, expansion bombs) is an error,
// never a crash, a hang or unbounded memory.

#include <gtest/gtest.h>

#include <string>

#include "socketio/adapters/pickle.hpp"

namespace {

using socketio::adapters::decode_pickle;
using socketio::adapters::PickleLimits;

// A literal's bytes, NULs included.
template <std::size_t N>
std::string raw(const char (&text)[N]) {
    return std::string(text, N - 1);
}
// "\x80\x04" + body: a protocol 4 pickle.
std::string pickle4(const std::string& body) {
    return std::string("\x80\x04", 2) + body;
}
template <std::size_t N>
std::string pickle4(const char (&body)[N]) {
    return pickle4(raw(body));
}

std::string refusal(const std::string& bytes, const PickleLimits& limits = {}) {
    std::string error;
    const auto decoded = decode_pickle(bytes, error, limits);
    EXPECT_FALSE(decoded) << decoded->dump();
    EXPECT_NE(error, "");
    return error;
}

#define EXPECT_REFUSED_WITH(bytes, text)                           \
    do {                                                           \
        const auto error_ = refusal(bytes);                        \
        EXPECT_NE(error_.find(text), std::string::npos) << error_; \
    } while (0)

TEST(PickleHostile, CodeExecutionOpcodesAreRefusedByName) {
    // pickle.dumps of a class whose __reduce__ returns (os.system, ('echo pwned',)), protocol 2.
    EXPECT_REFUSED_WITH(raw("\x80\x02"
                            "cposix\nsystem\nq\x00X\x0a\x00\x00\x00"
                            "echo pwnedq\x01\x85q\x02Rq\x03."),
                        "forbidden global posix.system");
    // The same through STACK_GLOBAL (protocol 4).
    EXPECT_REFUSED_WITH(pickle4("\x8c\x02os\x8c\x06system\x93\x8c\x02id\x85R."),
                        "forbidden global os.system");
    struct Case {
        std::string body;
        const char* name;
    };
    const Case cases[] = {
        {"N)R.", "REDUCE"},  // REDUCE of something not an allowed global
        {"}N"
         "b.",
         "BUILD"},
        {"(ios\nsystem\n.", "INST"},
        {"(N"
         "o.",
         "OBJ"},
        {"N)\x81.", "NEWOBJ"},
        {"N)}\x92.", "NEWOBJ_EX"},
        {"P1\n.", "PERSID"},
        {"NQ.", "BINPERSID"},
        {"\x82\x01.", "EXT1"},
        {raw("\x83\x01\x00."), "EXT2"},
        {raw("\x84\x01\x00\x00\x00."), "EXT4"},
        {"\x8f.", "EMPTY_SET"},
        {"\x8f(K\x01\x90.", "EMPTY_SET"},
        {"(K\x01\x91.", "FROZENSET"},
        {"\x97.", "NEXT_BUFFER"},
        {"C\x01x\x98.", "READONLY_BUFFER"},
        {"I1\n.", "INT"},
        {"L1\n.", "LONG"},
        {"F1.5\n.", "FLOAT"},
        {"S'x'\n.", "STRING"},
        {"Vx\n.", "UNICODE"},
        {raw("T\x01\x00\x00\x00x."), "BINSTRING"},
        {"U\x01x.", "SHORT_BINSTRING"},
        {"Np0\n.", "PUT"},
        {"g0\n.", "GET"},
        {"\xff.", "0xff"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        EXPECT_REFUSED_WITH(pickle4(c.body), c.name);
    }
    // The allowed names only with the arguments that describe bytes.
    EXPECT_REFUSED_WITH(pickle4("\x8c\x07_codecs\x8c\x06"
                                "encode\x93\x8c\x01x\x8c\x05utf-8\x86R."),
                        "_codecs.encode");
    EXPECT_REFUSED_WITH(pickle4("\x8c\x08"
                                "builtins\x8c\x09"
                                "bytearray\x93K\x05\x85R."),
                        "bytearray");
    EXPECT_REFUSED_WITH(pickle4("\x8c\x08"
                                "builtins\x8c\x04"
                                "eval\x93."),
                        "forbidden global");
    EXPECT_REFUSED_WITH(pickle4("\x8c\x08"
                                "builtins\x8c\x09"
                                "bytearray\x93."),
                        "callable");
}

TEST(PickleHostile, ProtocolsOtherThanTwoToFiveAreRefused) {
    EXPECT_REFUSED_WITH("N.", "PROTO");  // protocol 0/1: no PROTO
    EXPECT_REFUSED_WITH(std::string("\x80\x01N.", 4), "protocol 1");
    EXPECT_REFUSED_WITH(std::string("\x80\x06N.", 4), "protocol 6");
    EXPECT_REFUSED_WITH(pickle4("N\x80\x04."), "PROTO not at the start");
    EXPECT_REFUSED_WITH("", "PROTO");
}

TEST(PickleHostile, HugeLengthsAreTruncationNotAllocation) {
    EXPECT_REFUSED_WITH(pickle4("\x8d\xff\xff\xff\xff\xff\xff\xff\x7f."), "truncated");
    EXPECT_REFUSED_WITH(pickle4("X\xff\xff\xff\xff."), "truncated");
    EXPECT_REFUSED_WITH(pickle4("\x8e\x00\x00\x00\x00\x00\x00\x00\x80."), "truncated");
    EXPECT_REFUSED_WITH(pickle4("\x96\xff\xff\xff\xff\xff\xff\xff\xff."), "truncated");
    EXPECT_REFUSED_WITH(pickle4("\x8b\xff\xff\xff\x7f."), "truncated");  // LONG4
    EXPECT_REFUSED_WITH(pickle4("\x8b\xff\xff\xff\xff."), "negative");   // LONG4, -1
    EXPECT_REFUSED_WITH(pickle4("\x95\xff\xff\xff\xff\xff\xff\xff\xff"
                                "N."),
                        "FRAME");
    EXPECT_REFUSED_WITH(pickle4("r\xff\xff\xff\xffN."), "stack underflow");  // PUT of nothing
    EXPECT_REFUSED_WITH(pickle4("j\xff\xff\xff\xff."), "never PUT");
}

TEST(PickleHostile, DeepNestingAndSelfReferenceAreBounded) {
    // 100 000 nested lists: bounded by max_depth when building the JSON, without recursion
    // while reading.
    std::string deep;
    for (int i = 0; i < 100'000; ++i) deep += ']';
    for (int i = 0; i < 99'999; ++i) deep += 'a';
    EXPECT_REFUSED_WITH(pickle4(deep + "."), "nesting deeper than 64");
    // A list that contains itself (l = []; l.append(l)).
    EXPECT_REFUSED_WITH(pickle4("]\x94h\x00"
                                "a."),
                        "nesting deeper");
    // A dict that contains itself.
    EXPECT_REFUSED_WITH(pickle4("}\x94\x8c\x01kh\x00s."), "nesting deeper");
}

TEST(PickleHostile, ExpansionThroughTheMemoIsBounded) {
    // l0 = [0]; l(i+1) = [l(i), l(i)]: 2^60 values once expanded, 60 levels deep.
    std::string body =
        raw("]K\x00"
            "a\x94");  // memo 0
    for (int i = 0; i < 60; ++i) {
        body += "(h";
        body += static_cast<char>(i);
        body += "h";
        body += static_cast<char>(i);
        body += "l\x94";  // memo i + 1
    }
    body += ".";
    // Keeping only the last list on the stack: POP the one before each new one.
    std::string cleaned =
        raw("]K\x00"
            "a\x94");
    for (int i = 0; i < 60; ++i) {
        cleaned += "0(h";
        cleaned += static_cast<char>(i);
        cleaned += "h";
        cleaned += static_cast<char>(i);
        cleaned += "l\x94";
    }
    cleaned += ".";
    EXPECT_REFUSED_WITH(pickle4(body), "STOP with a stack of 61");
    const auto error = refusal(pickle4(cleaned), {.max_depth = 100});
    EXPECT_NE(error.find("more than 1000000 values"), std::string::npos) << error;
}

TEST(PickleHostile, MalformedStructure) {
    EXPECT_REFUSED_WITH(pickle4("a."), "stack underflow");
    EXPECT_REFUSED_WITH(pickle4("NNa."), "not a list");
    EXPECT_REFUSED_WITH(pickle4("]NNs."), "not a dict");
    EXPECT_REFUSED_WITH(pickle4("(Nd."), "odd");
    EXPECT_REFUSED_WITH(pickle4("(N."), "open MARK");
    EXPECT_REFUSED_WITH(pickle4("NN."), "STOP with a stack of 2");
    EXPECT_REFUSED_WITH(pickle4("."), "STOP with a stack of 0");
    EXPECT_REFUSED_WITH(pickle4("t."), "no MARK");
    EXPECT_REFUSED_WITH(pickle4("N.N"), "bytes after STOP");
    EXPECT_REFUSED_WITH(pickle4("N"), "truncated");
    EXPECT_REFUSED_WITH(pickle4("(]N\x87."), "short stack");           // TUPLE3 across a MARK
    EXPECT_REFUSED_WITH(pickle4("}]K\x01s."), "not a str or an int");  // list as a key
    EXPECT_REFUSED_WITH(pickle4("\x8c\x02\xc3\x28."), "UTF-8");
    EXPECT_REFUSED_WITH(pickle4("\x8c\x03\xed\xa0\x80."), "surrogate");
    EXPECT_REFUSED_WITH(pickle4("\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x80\x00."), "int64");
    EXPECT_REFUSED_WITH(pickle4("\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\xff."), "int64");
}

TEST(PickleHostile, LimitsOfSizeAndCount) {
    const std::string list_of_ten = pickle4(
        "](K\x01K\x01K\x01K\x01K\x01K\x01K\x01K\x01K\x01K\x01"
        "e.");
    std::string error;
    EXPECT_TRUE(decode_pickle(list_of_ten, error));
    EXPECT_NE(refusal(list_of_ten, {.max_bytes = 10}).find("over the limit of 10"),
              std::string::npos);
    EXPECT_NE(refusal(list_of_ten, {.max_elements = 5}).find("more than 5 values"),
              std::string::npos);
    EXPECT_NE(refusal(pickle4("]]]]"
                              "aaa."),
                      {.max_depth = 3})
                  .find("nesting deeper than 3"),
              std::string::npos);
    // Values that decode fine at the edge of the limits.
    const auto int64_min =
        decode_pickle(pickle4("\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x80."), error);
    ASSERT_TRUE(int64_min) << error;
    EXPECT_EQ(*int64_min, std::numeric_limits<std::int64_t>::min());
    const auto padded =
        decode_pickle(pickle4("\x8a\x09\xff\xff\xff\xff\xff\xff\xff\xff\xff."), error);
    ASSERT_TRUE(padded) << error;
    EXPECT_EQ(*padded, -1);
}

}  // namespace
