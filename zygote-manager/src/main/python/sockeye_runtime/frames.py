"""Frames (PROTOCOL.md, "Frames"): a 4-byte length, a 4-byte header length, a JSON header and binary blobs.

A frame error means the stream cannot be trusted afterwards; the caller answers once and closes."""

import json
import os
import socket
import struct

MAX_FRAME = 64 * 1024 * 1024
MAX_FDS = 16


class FrameError(Exception):
    """A frame violates PROTOCOL.md; the stream cannot be trusted afterwards."""


def recv_exact(sock, n, eof_ok=False):
    """n bytes from sock; None on EOF before the first byte when eof_ok; EOFError on EOF inside them."""
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = sock.recv_into(view[got:], n - got)
        if k == 0:
            if eof_ok and got == 0:
                return None
            raise EOFError("peer closed the socket after %d of %d bytes" % (got, n))
        got += k
    return buf


def _recv_prefix_with_fds(sock):
    """Reads the 4-byte length prefix with recvmsg, so descriptors sent with the frame arrive too."""
    got, fds = b"", []
    while len(got) < 4:
        data, more, _, _ = socket.recv_fds(sock, 4 - len(got), MAX_FDS)
        fds.extend(more)
        if not data:
            for fd in fds:
                os.close(fd)
            if not got:
                return None, []
            raise EOFError("peer closed the socket after %d of 4 bytes" % len(got))
        got += data
    return got, fds


def read_frame(sock, with_fds=False):
    """Returns (header, blobs), or (header, blobs, fds) when with_fds; None on a clean EOF between frames."""
    fds = []
    if with_fds:
        prefix, fds = _recv_prefix_with_fds(sock)
    else:
        prefix = recv_exact(sock, 4, eof_ok=True)
    if prefix is None:
        return None
    read = False
    try:
        header, blobs = _read_rest(sock, prefix)
        read = True
    finally:
        if not read:  # whatever stopped the read, the descriptors that came with the frame are not leaked
            for fd in fds:
                os.close(fd)
    return (header, blobs, fds) if with_fds else (header, blobs)


def _read_rest(sock, prefix):
    (n,) = struct.unpack(">I", prefix)
    if n > MAX_FRAME:
        raise FrameError("frame of %d bytes exceeds the %d-byte limit" % (n, MAX_FRAME))
    if n < 4:
        raise FrameError("frame length %d is shorter than its header length field" % n)
    rest = recv_exact(sock, n)
    (h,) = struct.unpack_from(">I", rest, 0)
    if h > n - 4:
        raise FrameError("header length %d exceeds frame length %d" % (h, n))
    header = json.loads(bytes(rest[4:4 + h]).decode("utf-8"))
    if not isinstance(header, dict):
        raise FrameError("frame header is not a JSON object")
    return header, _split_blobs(header.get("blobs") or [], memoryview(rest)[4 + h:])


def _split_blobs(lengths, body):
    if sum(lengths) != len(body):
        raise FrameError("blob lengths add up to %d but the body has %d bytes" % (sum(lengths), len(body)))
    blobs, pos = [], 0
    for length in lengths:
        blobs.append(bytes(body[pos:pos + length]))
        pos += length
    return blobs


def frame_size(header, blobs):
    return 4 + len(encode_header(header, blobs)) + sum(len(b) for b in blobs)


def encode_header(header, blobs):
    """The header's JSON, with the blobs' lengths added when there are blobs (the caller's dict is not changed)."""
    if blobs:
        header = dict(header, blobs=[len(b) for b in blobs])
    return json.dumps(header, separators=(",", ":")).encode("utf-8")


def write_frame(sock, header, blobs=()):
    encoded = encode_header(header, blobs)
    n = 4 + len(encoded) + sum(len(b) for b in blobs)
    if n > MAX_FRAME:
        raise FrameError("frame of %d bytes exceeds the %d-byte limit" % (n, MAX_FRAME))
    sock.sendall(b"".join([struct.pack(">II", n, len(encoded)), encoded] + [bytes(b) for b in blobs]))


def frame_bytes(header):
    """A whole frame without blobs, as bytes (sent with descriptors in one sendmsg)."""
    encoded = encode_header(header, ())
    return struct.pack(">II", 4 + len(encoded), len(encoded)) + encoded
