#!/usr/bin/python3
# Pickles made by this Python (Debian's /usr/bin/python3) for pickle_decoder_test.cpp, one JSON
# line per vector on stdout:
#   {"name": ..., "protocol": 2..5, "pickle": "<hex>", "expected": <JSON>}  (must decode to it)
#   {"name": ..., "protocol": 2..5, "pickle": "<hex>", "refused": true}     (must be refused)
# In "expected", bytes are {"$bytes": "<hex>"} (JSON has none); tuples are lists; int dict keys
# are strings, as json.dumps writes them.
import datetime
import json
import pickle
import sys


class Custom:
    def __init__(self):
        self.x = 1


def to_json(value):
    if isinstance(value, (bytes, bytearray)):
        return {"$bytes": bytes(value).hex()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    return value


shared = [1, 2]
accepted = {
    "redis_manager_emit": {
        "method": "emit", "event": "chat message", "data": {"text": "hi", "n": 3},
        "namespace": "/", "room": "room1", "skip_sid": None, "callback": None,
        "host_id": "9f2c4e1d6b8a4f0e8d7c6b5a4f3e2d1c"},
    "redis_manager_emit_with_callback": {
        "method": "emit", "event": "ev", "data": ("a", 1, b"\x00bin"), "namespace": "/",
        "room": "sid1", "skip_sid": ["x", "y"], "callback": ("sid1", "/", 7), "host_id": "h"},
    "none": None, "true": True, "false": False,
    "ints": [0, 1, -1, 255, 256, 65535, 65536, -2**31, 2**31 - 1, 2**31, 2**32, 2**63 - 1,
             -2**63, -256, -257],
    "floats": [0.0, -0.0, 1.5, -2.25, 1e308, 5e-324, 3.141592653589793],
    "strings": ["", "ascii", "é", "日本語", "emoji 😀", "nul \x00 inside", "x" * 300],
    "bytes": [b"", b"\x00\xff", b"y" * 300, bytearray(b"ab"), bytearray()],
    "nested": {"a": [1, (2, 3), {"b": None}], "c": (), "d": [[[[]]]], "e": (1,), "f": (1, 2, 3, 4)},
    "shared_references": [shared, shared, {"again": shared}],
    "int_keys": {1: "a", 2: "b", -3: "c"},
    "long_list": list(range(2500)),
    "big_dict": {"k%d" % i: i for i in range(1500)},
    "latin1_bytes": b"caf\xe9 \x80\xff",
}
refused = {
    "set": {1, 2},
    "frozenset": frozenset([1]),
    "complex": 1 + 2j,
    "datetime": datetime.datetime(2024, 1, 2, 3, 4, 5),
    "custom_object": Custom(),
    "huge_int": 2**64,
    "huge_negative_int": -2**63 - 1,
    "float_dict_key": {1.5: "x"},
}

for protocol in (2, 3, 4, 5):
    for name, value in accepted.items():
        print(json.dumps({"name": name, "protocol": protocol,
                          "pickle": pickle.dumps(value, protocol=protocol).hex(),
                          "expected": to_json(value)}))
    for name, value in refused.items():
        print(json.dumps({"name": name, "protocol": protocol,
                          "pickle": pickle.dumps(value, protocol=protocol).hex(),
                          "refused": True}))
sys.stdout.flush()
