"""A sandbox's reply is measured before the grader parses it: its size bounds the grader's memory.

A learner's cell can write to the harness's reply pipe itself. json.loads of 60 MB of "{}," (20 million
empty dicts) took a grader worker 1.7 GB; a worker killed for memory breaks the process pool, and every
notebook still pending with it. The reader (``Sandbox._parse``) counts the JSON values and the nesting
first, linearly in the bytes (``jsonshape.json_shape``), and refuses a reply past ``MAX_REPLY_VALUES``
values or ``MAX_REPLY_DEPTH`` levels as a protocol error: that sandbox has crashed, as for a reply that is
not JSON.
"""

import json
import resource

from dl_instructor import sandbox, wire
from dl_instructor.sandbox import Sandbox


def test_a_reply_of_millions_of_empty_dicts_is_refused_before_it_is_parsed():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    reply = Sandbox._parse(b'{"value": [' + b"{}," * 20_000_000 + b"{}]}")
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert set(reply) == {"protocol_error"} and "not read" in reply["protocol_error"], reply
    assert grown_mb < 500, f"the grader's memory grew by {grown_mb:.0f} MB reading it"


def test_a_reply_nested_past_the_limit_is_refused():
    depth = sandbox.MAX_REPLY_DEPTH + 1
    reply = Sandbox._parse(b'{"value": ' + b"[" * depth + b"]" * depth + b"}")
    assert set(reply) == {"protocol_error"} and f"nested {depth + 1} deep" in reply["protocol_error"], reply


def test_the_largest_reply_the_wire_allows_is_read():
    # A value and the arguments after the call, each of wire.MAX_ITEMS arrays (3 JSON values each, as encoded).
    arrays = [{"nd": "AAAA", "id": k} for k in range(wire.MAX_ITEMS - 1)]
    encoded = json.dumps({"value": {"list": arrays}, "args_after": {"list": arrays}})
    reply = Sandbox._parse(encoded.encode())
    assert "protocol_error" not in reply and len(reply["value"]["list"]) == wire.MAX_ITEMS - 1
