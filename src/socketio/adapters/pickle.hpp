#pragma once
// A restricted reader of Python pickles: what python-socketio's RedisManager (Debian's 5.7.2)
// publishes is `pickle.dumps(message)`, a dict of plain data. This reads plain data only and never
// runs anything: it is a decoder of a data format, not an unpickler.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "socketio/json.hpp"

namespace socketio::adapters {

/// Bounds of one decode; input beyond them is an error.
struct PickleLimits {
    /// Size of the pickle. Default 16 MiB.
    std::size_t max_bytes = std::size_t{16} << 20;
    /// Nesting of containers in the result. Default 64.
    std::size_t max_depth = 64;
    /// Values (containers, scalars, dict keys) created while reading, and in the result: a
    /// pickle that references one list many times (memo GET) expands into copies, and this
    /// bounds that expansion too. Default 1 000 000.
    std::size_t max_elements = 1'000'000;
};

/// Decodes a pickle of protocol 2 to 5 holding plain data into JSON: dict → object (keys: str,
/// or int written in decimal as json.dumps does), list and tuple → array, str → string,
/// bytes and bytearray → binary, int within int64 → integer, float, bool, None → null.
///
/// Accepted opcodes: PROTO, FRAME, STOP; MARK, POP, POP_MARK, DUP; the memo (MEMOIZE, BINPUT,
/// LONG_BINPUT, BINGET, LONG_BINGET); the constructors of the types above (EMPTY_DICT, DICT,
/// SETITEM(S), EMPTY_LIST, LIST, APPEND(S), EMPTY_TUPLE, TUPLE, TUPLE1-3, BININT, BININT1,
/// BININT2, LONG1, LONG4, BINFLOAT, NONE, NEWTRUE, NEWFALSE, SHORT_BINUNICODE, BINUNICODE,
/// BINUNICODE8, SHORT_BINBYTES, BINBYTES, BINBYTES8, BYTEARRAY8). Python writes bytes in protocol
/// 2 as `_codecs.encode(str, 'latin1')` and bytearray before protocol 5 as `bytearray(bytes)`:
/// GLOBAL / STACK_GLOBAL naming exactly these two, each followed by REDUCE with those arguments,
/// are read as the bytes they describe (nothing is called). Every other opcode — any other
/// GLOBAL, STACK_GLOBAL, REDUCE, BUILD, INST, OBJ, NEWOBJ, NEWOBJ_EX, PERSID, BINPERSID, EXT1-4,
/// sets, out-of-band buffers, the text opcodes of protocols 0-1 — is refused with an error naming
/// it.
///
/// Returns nullopt with `error` set on anything refused, malformed, truncated or over `limits`;
/// never throws for bad input (std::bad_alloc aside).
///
/// Thread safety: a pure function.
///
/// `top_level_tuples`, when given, gets the keys of the result's top-level dict whose values were
/// tuples (JSON has none; python-socketio tells several emit arguments from one list that way).
std::optional<json> decode_pickle(std::string_view bytes, std::string& error,
                                  const PickleLimits& limits = {},
                                  std::vector<std::string>* top_level_tuples = nullptr);

}  // namespace socketio::adapters
