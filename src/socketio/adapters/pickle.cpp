// The restricted pickle reader (pickle.hpp). A small stack machine over an arena of nodes: Python's
// pickles share objects through the memo (a list stored once, referenced by GET later, possibly
// from inside itself), so values are nodes referenced by pointer while reading and become JSON
// only at STOP, where depth and expansion are bounded.

#include "socketio/adapters/pickle.hpp"

#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

namespace socketio::adapters {
namespace {

struct Node {
    enum class Kind {
        none,
        boolean,
        integer,
        floating,
        string,
        bytes,
        list,
        tuple,
        dict,
        // The only callables a pickle may name (see decode_pickle's comment): never called, read
        // by REDUCE as "these arguments describe bytes".
        codecs_encode,
        bytes_type,
        bytearray_type,
    };
    Kind kind = Kind::none;
    bool boolean = false;
    std::int64_t integer = 0;
    double floating = 0;
    std::string text;          // string (UTF-8), bytes
    std::vector<Node*> items;  // list, tuple; dict: key, value, key, value…
};

// Thrown inside the decoder only, caught by decode_pickle.
struct DecodeError {
    std::string message;
};

[[noreturn]] void fail(std::string message) {
    throw DecodeError{std::move(message)};
}

bool valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t length = 0;
        std::uint32_t code = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            length = 2;
            code = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            length = 3;
            code = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            length = 4;
            code = c & 0x07;
        } else {
            return false;
        }
        if (i + length > text.size()) return false;
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80) return false;
            code = (code << 6) | (next & 0x3F);
        }
        const std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
        if (code < smallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
            return false;  // overlong, beyond Unicode, or a surrogate (Python's surrogatepass)
        }
        i += length;
    }
    return true;
}

class Decoder {
  public:
    Decoder(std::string_view input, const PickleLimits& limits) : in_(input), limits_(limits) {}

    json run() {
        if (in_.size() > limits_.max_bytes) {
            fail("pickle of " + std::to_string(in_.size()) + " bytes is over the limit of " +
                 std::to_string(limits_.max_bytes));
        }
        if (in_.size() < 2 || static_cast<unsigned char>(in_[0]) != 0x80) {
            fail("not a pickle of protocol 2 or later (no PROTO opcode first)");
        }
        for (;;) {
            const std::size_t at = pos_;
            const auto opcode = static_cast<unsigned char>(take(1)[0]);
            if (opcode == '.') {
                if (pos_ != in_.size()) fail("bytes after STOP");
                if (!marks_.empty()) fail("STOP with an open MARK");
                if (stack_.size() != 1)
                    fail("STOP with a stack of " + std::to_string(stack_.size()));
                std::size_t produced = 0;
                const Node& root = *stack_.back();
                if (top_level_tuples_ && root.kind == Node::Kind::dict) {
                    for (std::size_t i = 0; i + 1 < root.items.size(); i += 2) {
                        if (root.items[i]->kind == Node::Kind::string &&
                            root.items[i + 1]->kind == Node::Kind::tuple) {
                            top_level_tuples_->push_back(root.items[i]->text);
                        }
                    }
                }
                return to_json(root, 0, produced);
            }
            step(opcode, at);
        }
    }

  private:
    void step(unsigned char opcode, std::size_t at) {
        switch (opcode) {
            case 0x80: {  // PROTO
                if (at != 0) fail("PROTO not at the start");
                const auto version = static_cast<unsigned char>(take(1)[0]);
                if (version < 2 || version > 5) {
                    fail("pickle protocol " + std::to_string(version) + " (expected 2 to 5)");
                }
                return;
            }
            case 0x95: {  // FRAME: a length hint for buffered readers; we have it all
                if (read_uint(8) > in_.size() - pos_) fail("FRAME longer than the input");
                return;
            }
            case '(':
                marks_.push_back(stack_.size());
                return;  // MARK
            case '0':    // POP
                if (stack_.size() > segment_start()) {
                    stack_.pop_back();
                } else {
                    pop_mark();
                }
                return;
            case '1':
                pop_mark();
                return;  // POP_MARK
            case '2':
                push(&top());
                return;  // DUP (the same object, as Python does)

            case 'N':
                push(make(Node::Kind::none));
                return;
            case 0x88:
                push(make_bool(true));
                return;  // NEWTRUE
            case 0x89:
                push(make_bool(false));
                return;  // NEWFALSE
            case 'J': {  // BININT: 4 bytes, signed
                const auto raw = static_cast<std::uint32_t>(read_uint(4));
                push(make_int(static_cast<std::int32_t>(raw)));
                return;
            }
            case 'K':
                push(make_int(static_cast<std::int64_t>(read_uint(1))));
                return;  // BININT1
            case 'M':
                push(make_int(static_cast<std::int64_t>(read_uint(2))));
                return;  // BININT2
            case 0x8a:
                push(make_long(read_uint(1)));
                return;   // LONG1
            case 0x8b: {  // LONG4
                const auto length =
                    static_cast<std::int32_t>(static_cast<std::uint32_t>(read_uint(4)));
                if (length < 0) fail("LONG4 with a negative length");
                push(make_long(static_cast<std::uint64_t>(length)));
                return;
            }
            case 'G': {  // BINFLOAT: big-endian IEEE 754 double
                const auto bytes = take(8);
                std::uint64_t bits = 0;
                for (const char c : bytes) bits = (bits << 8) | static_cast<unsigned char>(c);
                Node* node = make(Node::Kind::floating);
                std::memcpy(&node->floating, &bits, sizeof bits);
                push(node);
                return;
            }

            case 0x8c:
                push(make_string(take(read_uint(1))));
                return;  // SHORT_BINUNICODE
            case 'X':
                push(make_string(take(read_uint(4))));
                return;  // BINUNICODE
            case 0x8d:
                push(make_string(take(read_uint(8))));
                return;  // BINUNICODE8
            case 'C':
                push(make_bytes(take(read_uint(1))));
                return;  // SHORT_BINBYTES
            case 'B':
                push(make_bytes(take(read_uint(4))));
                return;  // BINBYTES
            case 0x8e:
                push(make_bytes(take(read_uint(8))));
                return;  // BINBYTES8
            case 0x96:
                push(make_bytes(take(read_uint(8))));
                return;  // BYTEARRAY8

            case '}':
                push(make(Node::Kind::dict));
                return;  // EMPTY_DICT
            case ']':
                push(make(Node::Kind::list));
                return;  // EMPTY_LIST
            case ')':
                push(make(Node::Kind::tuple));
                return;  // EMPTY_TUPLE
            case 'd': {  // DICT
                auto items = pop_to_mark();
                if (items.size() % 2 != 0) fail("DICT with an odd number of items");
                Node* node = make(Node::Kind::dict);
                node->items = std::move(items);
                push(node);
                return;
            }
            case 'l': {  // LIST
                Node* node = make(Node::Kind::list);
                node->items = pop_to_mark();
                push(node);
                return;
            }
            case 't': {  // TUPLE
                Node* node = make(Node::Kind::tuple);
                node->items = pop_to_mark();
                push(node);
                return;
            }
            case 0x85:    // TUPLE1
            case 0x86:    // TUPLE2
            case 0x87: {  // TUPLE3
                const std::size_t count = opcode - 0x84u;
                if (stack_.size() < segment_start() + count)
                    fail("TUPLE" + std::to_string(count) + " on a short stack");
                Node* node = make(Node::Kind::tuple);
                node->items.assign(stack_.end() - static_cast<std::ptrdiff_t>(count), stack_.end());
                stack_.resize(stack_.size() - count);
                push(node);
                return;
            }
            case 'a': {  // APPEND
                Node* value = pop();
                Node& list = top();
                if (list.kind != Node::Kind::list) fail("APPEND to something not a list");
                list.items.push_back(value);
                return;
            }
            case 'e': {  // APPENDS
                auto values = pop_to_mark();
                Node& list = top();
                if (list.kind != Node::Kind::list) fail("APPENDS to something not a list");
                list.items.insert(list.items.end(), values.begin(), values.end());
                return;
            }
            case 's': {  // SETITEM
                Node* value = pop();
                Node* key = pop();
                Node& dict = top();
                if (dict.kind != Node::Kind::dict) fail("SETITEM on something not a dict");
                dict.items.push_back(key);
                dict.items.push_back(value);
                return;
            }
            case 'u': {  // SETITEMS
                auto items = pop_to_mark();
                if (items.size() % 2 != 0) fail("SETITEMS with an odd number of items");
                Node& dict = top();
                if (dict.kind != Node::Kind::dict) fail("SETITEMS on something not a dict");
                dict.items.insert(dict.items.end(), items.begin(), items.end());
                return;
            }

            case 0x94:
                memo_put(memo_.size(), &top());
                return;  // MEMOIZE
            case 'q':
                memo_put(read_uint(1), &top());
                return;  // BINPUT
            case 'r':
                memo_put(read_uint(4), &top());
                return;  // LONG_BINPUT
            case 'h':
                push(memo_get(read_uint(1)));
                return;  // BINGET
            case 'j':
                push(memo_get(read_uint(4)));
                return;  // LONG_BINGET

            case 'c': {  // GLOBAL "module\nname\n"
                const auto module = read_line();
                const auto name = read_line();
                push(allowed_global(module, name));
                return;
            }
            case 0x93: {  // STACK_GLOBAL
                Node* name = pop();
                Node* module = pop();
                if (module->kind != Node::Kind::string || name->kind != Node::Kind::string) {
                    fail("STACK_GLOBAL without two strings");
                }
                push(allowed_global(module->text, name->text));
                return;
            }
            case 'R': {  // REDUCE: only the bytes constructors allowed_global() let through
                Node* args = pop();
                Node* callable = pop();
                push(reduce(*callable, *args));
                return;
            }
            default:
                break;
        }
        fail("forbidden or unknown opcode " + opcode_name(opcode) + " at offset " +
             std::to_string(at));
    }

    static std::string opcode_name(unsigned char opcode) {
        static const std::pair<unsigned char, const char*> names[] = {
            {'c', "GLOBAL"},
            {0x93, "STACK_GLOBAL"},
            {'R', "REDUCE"},
            {'b', "BUILD"},
            {'i', "INST"},
            {'o', "OBJ"},
            {0x81, "NEWOBJ"},
            {0x92, "NEWOBJ_EX"},
            {'P', "PERSID"},
            {'Q', "BINPERSID"},
            {0x82, "EXT1"},
            {0x83, "EXT2"},
            {0x84, "EXT4"},
            {0x8f, "EMPTY_SET"},
            {0x90, "ADDITEMS"},
            {0x91, "FROZENSET"},
            {0x97, "NEXT_BUFFER"},
            {0x98, "READONLY_BUFFER"},
            {'I', "INT"},
            {'L', "LONG"},
            {'F', "FLOAT"},
            {'S', "STRING"},
            {'V', "UNICODE"},
            {'T', "BINSTRING"},
            {'U', "SHORT_BINSTRING"},
            {'p', "PUT"},
            {'g', "GET"},
        };
        for (const auto& [code, name] : names) {
            if (code == opcode) return name;
        }
        constexpr char hex[] = "0123456789abcdef";
        return std::string("0x") + hex[opcode >> 4] + hex[opcode & 15];
    }

    Node* allowed_global(std::string_view module, std::string_view name) {
        if (module == "_codecs" && name == "encode") return make(Node::Kind::codecs_encode);
        if ((module == "builtins" || module == "__builtin__") && name == "bytearray") {
            return make(Node::Kind::bytearray_type);
        }
        if ((module == "builtins" || module == "__builtin__") && name == "bytes") {
            return make(Node::Kind::bytes_type);
        }
        fail("forbidden global " + sanitize(module) + "." + sanitize(name) +
             " (only plain data is accepted)");
    }

    Node* reduce(const Node& callable, const Node& args) {
        if (args.kind != Node::Kind::tuple) fail("REDUCE without an argument tuple");
        const auto& a = args.items;
        switch (callable.kind) {
            case Node::Kind::codecs_encode: {
                // _codecs.encode(str, 'latin1'): protocol 2's bytes, one code point per byte.
                if (a.size() != 2 || a[0]->kind != Node::Kind::string ||
                    a[1]->kind != Node::Kind::string ||
                    (a[1]->text != "latin1" && a[1]->text != "latin-1")) {
                    fail("REDUCE of _codecs.encode with other arguments than (str, 'latin1')");
                }
                return make_bytes(latin1_bytes(a[0]->text));
            }
            case Node::Kind::bytes_type:
            case Node::Kind::bytearray_type:
                if (a.empty()) return make_bytes({});
                if (a.size() == 1 && a[0]->kind == Node::Kind::bytes) return make_bytes(a[0]->text);
                fail("REDUCE of bytes/bytearray with other arguments than () or (bytes,)");
            default:
                fail("REDUCE (calling an object) is forbidden");
        }
    }

    static std::string latin1_bytes(std::string_view utf8) {
        std::string out;
        out.reserve(utf8.size());
        for (std::size_t i = 0; i < utf8.size(); ++i) {
            const auto c = static_cast<unsigned char>(utf8[i]);
            if (c < 0x80) {
                out += static_cast<char>(c);
            } else if ((c == 0xC2 || c == 0xC3) && i + 1 < utf8.size()) {
                out += static_cast<char>(((c & 0x03) << 6) |
                                         (static_cast<unsigned char>(utf8[++i]) & 0x3F));
            } else {
                fail("_codecs.encode of a character beyond latin1");
            }
        }
        return out;
    }

    static std::string sanitize(std::string_view text) {
        std::string out;
        for (const char c : text.substr(0, 64)) {
            out += (c >= 0x20 && c < 0x7f) ? c : '?';
        }
        return out;
    }

    json to_json(const Node& node, std::size_t depth, std::size_t& produced) const {
        if (++produced > limits_.max_elements) {
            fail("more than " + std::to_string(limits_.max_elements) + " values");
        }
        switch (node.kind) {
            case Node::Kind::none:
                return nullptr;
            case Node::Kind::boolean:
                return node.boolean;
            case Node::Kind::integer:
                return node.integer;
            case Node::Kind::floating:
                return node.floating;
            case Node::Kind::string:
                return node.text;
            case Node::Kind::bytes:
                return json::binary(std::vector<std::uint8_t>(node.text.begin(), node.text.end()));
            case Node::Kind::list:
            case Node::Kind::tuple: {
                if (depth >= limits_.max_depth)
                    fail("nesting deeper than " + std::to_string(limits_.max_depth));
                json array = json::array();
                for (const Node* item : node.items)
                    array.push_back(to_json(*item, depth + 1, produced));
                return array;
            }
            case Node::Kind::dict: {
                if (depth >= limits_.max_depth)
                    fail("nesting deeper than " + std::to_string(limits_.max_depth));
                json object = json::object();
                for (std::size_t i = 0; i + 1 < node.items.size(); i += 2) {
                    const Node& key = *node.items[i];
                    std::string name;
                    if (key.kind == Node::Kind::string) {
                        name = key.text;
                    } else if (key.kind == Node::Kind::integer) {
                        name = std::to_string(key.integer);
                    } else {
                        fail("a dict key that is not a str or an int");
                    }
                    object[name] = to_json(*node.items[i + 1], depth + 1, produced);
                }
                return object;
            }
            default:
                fail("a callable left in the data (GLOBAL without REDUCE)");
        }
    }

    // Input.
    std::string_view take(std::uint64_t count) {
        if (count > in_.size() - pos_)
            fail("truncated pickle (wanted " + std::to_string(count) + " bytes at offset " +
                 std::to_string(pos_) + ")");
        const auto out = in_.substr(pos_, static_cast<std::size_t>(count));
        pos_ += static_cast<std::size_t>(count);
        return out;
    }
    std::uint64_t read_uint(std::size_t bytes) {  // little-endian
        const auto raw = take(bytes);
        std::uint64_t value = 0;
        for (std::size_t i = bytes; i-- > 0;)
            value = (value << 8) | static_cast<unsigned char>(raw[i]);
        return value;
    }
    std::string_view read_line() {
        const auto end = in_.find('\n', pos_);
        if (end == std::string_view::npos) fail("truncated pickle (GLOBAL without a newline)");
        const auto line = in_.substr(pos_, end - pos_);
        pos_ = end + 1;
        return line;
    }

    // Nodes.
    Node* make(Node::Kind kind) {
        if (arena_.size() >= limits_.max_elements) {
            fail("more than " + std::to_string(limits_.max_elements) + " values");
        }
        arena_.push_back(std::make_unique<Node>());
        arena_.back()->kind = kind;
        return arena_.back().get();
    }
    Node* make_bool(bool value) {
        Node* node = make(Node::Kind::boolean);
        node->boolean = value;
        return node;
    }
    Node* make_int(std::int64_t value) {
        Node* node = make(Node::Kind::integer);
        node->integer = value;
        return node;
    }
    // LONG1/LONG4: `length` bytes of little-endian two's complement.
    Node* make_long(std::uint64_t length) {
        const auto bytes = take(length);
        if (bytes.empty()) return make_int(0);
        const bool negative = (static_cast<unsigned char>(bytes.back()) & 0x80) != 0;
        const unsigned char extension = negative ? 0xFF : 0x00;
        // Bytes beyond the 8th must only extend the sign, and the 8th must agree with it.
        for (std::size_t i = 8; i < bytes.size(); ++i) {
            if (static_cast<unsigned char>(bytes[i]) != extension) fail("an int beyond int64");
        }
        std::uint64_t value = negative ? ~std::uint64_t{0} : 0;
        const std::size_t used = bytes.size() < 8 ? bytes.size() : 8;
        for (std::size_t i = used; i-- > 0;) {
            value = (value << 8) | static_cast<unsigned char>(bytes[i]);
        }
        if (bytes.size() > 8 && ((static_cast<unsigned char>(bytes[7]) & 0x80) != 0) != negative) {
            fail("an int beyond int64");
        }
        return make_int(static_cast<std::int64_t>(value));
    }
    Node* make_string(std::string_view utf8) {
        if (!valid_utf8(utf8)) fail("a str that is not valid UTF-8 (or holds a surrogate)");
        Node* node = make(Node::Kind::string);
        node->text = utf8;
        return node;
    }
    Node* make_bytes(std::string_view bytes) {
        Node* node = make(Node::Kind::bytes);
        node->text = bytes;
        return node;
    }

    // The stack, the marks, the memo.
    std::size_t segment_start() const { return marks_.empty() ? 0 : marks_.back(); }
    void push(Node* node) {
        if (stack_.size() >= limits_.max_elements) fail("stack over the element limit");
        stack_.push_back(node);
    }
    Node* pop() {
        if (stack_.size() <= segment_start()) fail("stack underflow");
        Node* node = stack_.back();
        stack_.pop_back();
        return node;
    }
    Node& top() {
        if (stack_.size() <= segment_start()) fail("stack underflow");
        return *stack_.back();
    }
    std::vector<Node*> pop_to_mark() {
        if (marks_.empty()) fail("no MARK to pop to");
        const std::size_t start = marks_.back();
        marks_.pop_back();
        std::vector<Node*> items(stack_.begin() + static_cast<std::ptrdiff_t>(start), stack_.end());
        stack_.resize(start);
        return items;
    }
    void pop_mark() { (void)pop_to_mark(); }
    void memo_put(std::uint64_t index, Node* node) {
        if (memo_.size() >= limits_.max_elements) fail("memo over the element limit");
        memo_[index] = node;
    }
    Node* memo_get(std::uint64_t index) {
        const auto found = memo_.find(index);
        if (found == memo_.end()) fail("memo GET of an index never PUT");
        return found->second;
    }

    std::string_view in_;
    std::size_t pos_ = 0;
    const PickleLimits& limits_;
    std::vector<std::unique_ptr<Node>> arena_;
    std::vector<Node*> stack_;
    std::vector<std::size_t> marks_;
    std::unordered_map<std::uint64_t, Node*> memo_;

  public:
    std::vector<std::string>* top_level_tuples_ = nullptr;  // see decode_pickle
};

}  // namespace

std::optional<json> decode_pickle(std::string_view bytes, std::string& error,
                                  const PickleLimits& limits,
                                  std::vector<std::string>* top_level_tuples) {
    error.clear();
    try {
        Decoder decoder(bytes, limits);
        decoder.top_level_tuples_ = top_level_tuples;
        return decoder.run();
    } catch (const DecodeError& e) {
        error = "pickle: " + e.message;
        return std::nullopt;
    }
}

}  // namespace socketio::adapters
