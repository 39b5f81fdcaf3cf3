"""MessagePack oracle for @netlab/serialization tests: Debian's python3-msgpack, nobody's code here.

Frames on stdin and stdout are a 4-byte big-endian length, then one MessagePack value.
  describe  read frames, print one JSON line per value (bytes as {"$bin": hex})
  echo      read frames, write each value re-encoded by Python's msgpack
  emit      write the values built by python_values() below
"""
import json
import struct
import sys

import msgpack


def read_frames(stream):
    while True:
        header = stream.read(4)
        if not header:
            return
        (length,) = struct.unpack(">I", header)
        yield stream.read(length)


def write_frame(stream, payload):
    stream.write(struct.pack(">I", len(payload)))
    stream.write(payload)


def describe(value):
    if isinstance(value, bytes):
        return {"$bin": value.hex()}
    if isinstance(value, dict):
        return {key: describe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [describe(item) for item in value]
    return value


def python_values():
    return [
        {"type": "say", "room": "#lobby", "text": "hello from Python \u2603 \U0001F600"},
        {"type": "members", "room": "#ops", "members": [{"nick": "guido"}, {"nick": "tim"}]},
        {"type": "sample", "value": [0, 127, 128, 255, 256, 65535, 65536, 2**32 - 1, 2**32, 2**53 - 1]},
        {"type": "sample", "value": [-1, -32, -33, -128, -129, -32768, -32769, -(2**31), -(2**53 - 1)]},
        {"type": "sample", "value": [0.5, -1.25, 1e300, True, False, None, "", "x" * 300]},
        {"type": "sample", "value": {"bin": b"\x00\xff\x10", "nested": {"deep": [[], {}]}}},
        {"type": "sample", "value": {f"k{i}": i for i in range(20)}},
    ]


def main():
    mode = sys.argv[1]
    out = sys.stdout.buffer
    if mode == "describe":
        for payload in read_frames(sys.stdin.buffer):
            value = msgpack.unpackb(payload, raw=False)
            sys.stdout.write(json.dumps(describe(value)) + "\n")
    elif mode == "echo":
        for payload in read_frames(sys.stdin.buffer):
            value = msgpack.unpackb(payload, raw=False)
            write_frame(out, msgpack.packb(value, use_bin_type=True))
    elif mode == "emit":
        for value in python_values():
            write_frame(out, msgpack.packb(value, use_bin_type=True))
    else:
        sys.exit(f"unknown mode {mode}")
    out.flush()


if __name__ == "__main__":
    main()
