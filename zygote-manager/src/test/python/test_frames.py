"""Framing (PROTOCOL.md, "Frames"): round trips, descriptors, and every kind of malformed frame."""

import json
import os
import socket
import struct
import unittest

import support  # noqa: F401  (sys.path)
from sockeye_runtime import frames
from sockeye_runtime.frames import FrameError, encode_header, frame_bytes, frame_size, read_frame, write_frame


def raw_frame(header_bytes, body=b"", n=None, h=None):
    h = len(header_bytes) if h is None else h
    n = 4 + len(header_bytes) + len(body) if n is None else n
    return struct.pack(">II", n, h) + header_bytes + body


class FramingTest(unittest.TestCase):

    def setUp(self):
        self.left, self.right = socket.socketpair()
        self.addCleanup(self.left.close)
        self.addCleanup(self.right.close)

    def send_raw(self, data, close=True):
        self.left.sendall(data)
        if close:
            self.left.shutdown(socket.SHUT_WR)

    def test_header_and_blobs_round_trip(self):
        header = {"op": "invoke", "events": [{"value": 0, "key": 1}], "text": "caf\u00e9 \u2603"}
        blobs = [b"\x00\x01binary\xff", b"", b"x" * 100000]
        write_frame(self.left, header, blobs)
        got_header, got_blobs = read_frame(self.right)
        self.assertEqual(got_blobs, blobs)
        self.assertEqual(got_header, dict(header, blobs=[len(b) for b in blobs]))

    def test_frame_without_blobs_has_no_blobs_field(self):
        write_frame(self.left, {"ok": True})
        self.assertEqual(read_frame(self.right), ({"ok": True}, []))

    def test_the_wire_layout_is_length_header_length_json_then_blobs(self):
        write_frame(self.left, {"a": 1}, [b"xy", b"z"])
        self.left.shutdown(socket.SHUT_WR)
        data = self.right.recv(1 << 16)
        n, h = struct.unpack_from(">II", data)
        self.assertEqual(n, len(data) - 4)
        self.assertEqual(json.loads(data[8:8 + h]), {"a": 1, "blobs": [2, 1]})
        self.assertEqual(data[8 + h:], b"xyz")

    def test_frame_size_and_frame_bytes_agree_with_what_is_written(self):
        header = {"ok": True, "pid": 7}
        self.assertEqual(frame_bytes(header), raw_frame(encode_header(header, ())))
        self.assertEqual(frame_size(header, [b"abc"]), 4 + len(encode_header(header, [b"abc"])) + 3)

    def test_encoding_does_not_change_the_callers_header(self):
        header = {"ok": True}
        encode_header(header, [b"abc"])
        self.assertEqual(header, {"ok": True})

    def test_clean_end_of_stream_between_frames_is_none(self):
        write_frame(self.left, {"n": 1})
        self.left.shutdown(socket.SHUT_WR)
        self.assertEqual(read_frame(self.right), ({"n": 1}, []))
        self.assertIsNone(read_frame(self.right))
        self.assertIsNone(read_frame(self.right, with_fds=True))

    def test_truncated_length_prefix_is_an_eof_error(self):
        self.send_raw(b"\x00\x00")
        with self.assertRaisesRegex(EOFError, "after 2 of 4 bytes"):
            read_frame(self.right)

    def test_truncated_length_prefix_with_fds_is_an_eof_error(self):
        self.send_raw(b"\x00\x00")
        with self.assertRaisesRegex(EOFError, "after 2 of 4 bytes"):
            read_frame(self.right, with_fds=True)

    def test_truncated_body_is_an_eof_error(self):
        self.send_raw(raw_frame(b'{"a":1}')[:-3])
        with self.assertRaisesRegex(EOFError, "peer closed the socket after"):
            read_frame(self.right)

    def test_frame_over_the_limit_is_rejected_before_its_body_is_read(self):
        self.send_raw(struct.pack(">I", frames.MAX_FRAME + 1), close=False)  # no body follows: must not wait
        with self.assertRaisesRegex(FrameError, "frame of 67108865 bytes exceeds the 67108864-byte limit"):
            read_frame(self.right)

    def test_length_shorter_than_the_header_length_field_is_rejected(self):
        self.send_raw(struct.pack(">I", 3) + b"abc")
        with self.assertRaisesRegex(FrameError, "frame length 3 is shorter than its header length field"):
            read_frame(self.right)

    def test_header_length_beyond_the_frame_is_rejected(self):
        self.send_raw(raw_frame(b'{"a":1}', h=100))
        with self.assertRaisesRegex(FrameError, "header length 100 exceeds frame length 11"):
            read_frame(self.right)

    def test_header_that_is_not_json_is_a_value_error(self):
        self.send_raw(raw_frame(b"{not json"))
        with self.assertRaises(ValueError):
            read_frame(self.right)

    def test_header_that_is_not_utf8_is_a_value_error(self):
        self.send_raw(raw_frame(b'{"a":"\xff"}'))
        with self.assertRaises(ValueError):
            read_frame(self.right)

    def test_header_that_is_not_an_object_is_rejected(self):
        self.send_raw(raw_frame(b"[1,2]"))
        with self.assertRaisesRegex(FrameError, "frame header is not a JSON object"):
            read_frame(self.right)

    def test_blob_lengths_that_do_not_add_up_to_the_body_are_rejected(self):
        self.send_raw(raw_frame(b'{"blobs":[2,2]}', b"abc"))
        with self.assertRaisesRegex(FrameError, "blob lengths add up to 4 but the body has 3 bytes"):
            read_frame(self.right)

    def test_writing_a_frame_over_the_limit_fails_and_sends_nothing(self):
        with self.assertRaisesRegex(FrameError, "exceeds the 67108864-byte limit"):
            write_frame(self.left, {}, [b"x" * frames.MAX_FRAME])
        self.left.shutdown(socket.SHUT_WR)
        self.assertIsNone(read_frame(self.right))

    def test_descriptors_sent_with_a_frame_arrive_with_it(self):
        r, w = os.pipe()
        self.addCleanup(os.close, w)
        socket.send_fds(self.left, [frame_bytes({"op": "fork", "sandbox": {"root_fd": 0}})], [r])
        os.close(r)
        header, blobs, fds = read_frame(self.right, with_fds=True)
        self.assertEqual((header["op"], blobs, len(fds)), ("fork", [], 1))
        os.write(w, b"ping")
        self.assertEqual(os.read(fds[0], 4), b"ping")
        os.close(fds[0])

    def test_descriptors_of_a_malformed_frame_are_closed(self):
        r, w = os.pipe()
        self.addCleanup(os.close, w)
        self.addCleanup(os.close, r)
        before = set(os.listdir("/proc/self/fd"))
        socket.send_fds(self.left, [raw_frame(b"[]")], [r])
        with self.assertRaises(FrameError):
            read_frame(self.right, with_fds=True)
        self.assertEqual(set(os.listdir("/proc/self/fd")), before)


if __name__ == "__main__":
    unittest.main()
