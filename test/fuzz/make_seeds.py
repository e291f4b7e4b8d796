#!/usr/bin/env python3
"""make_seeds.py: writes the protocol seed corpus (corpus/protocol), one well-formed message of
each type in the fuzz target's input format: a direction byte (1: to the master, 0: to a
worker), then frames, each a length byte and its bytes. Run it again when the protocol changes."""
import os

POINT = b"0123456789abcdef"
to_master = {
    "hello": [b"hello", b"4", b"node07", b"4", b"1"],
    "started": [b"started", POINT, b"1"],
    "returned": [b"returned", POINT, b"1"],
    "output": [b"output", POINT, b"1", b"1", b"accuracy=0.93\n"],
    "done": [b"done", POINT, b"1", b"0", b"", b"1700000000000", b"1500", b"0", b"0", b"", b"0", b"", b"", b""],
    "done_next": [b"done", POINT, b"1", b"0", b"", b"1700000000000", b"1500", b"0", b"0", b"", b"0", b"", POINT, b"2"],
    "done_signal": [b"done", POINT, b"2", b"", b"9", b"1700000000000", b"1500", b"10", b"0", b"tail", b"1", b"killed", b"", b""],
    "heartbeat_m": [b"heartbeat"],
    "shutdown_m": [b"shutdown", b"bye"],
}
to_worker = {
    "welcome": [b"welcome", b"4", b"1000", b"4"],
    "take_back": [b"take_back", POINT, b"1"],
    "refuse": [b"refuse", b"this worker claims 9 slots"],
    "job": [b"job", POINT, b"1", b"./think 1 2", b"/sweep", b"GRIDCTL_POINT=0123456789abcdef\0X=1\0", b"1048576", b"5000"],
    "cancel": [b"cancel", POINT, b"1"],
    "heartbeat_w": [b"heartbeat"],
    "shutdown_w": [b"shutdown", b"end"],
}
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "protocol")
os.makedirs(out, exist_ok=True)
for direction, table in ((1, to_master), (0, to_worker)):
    for name, frames in table.items():
        data = bytes([direction]) + b"".join(bytes([len(f)]) + f for f in frames)
        with open(os.path.join(out, name), "wb") as fh:
            fh.write(data)
