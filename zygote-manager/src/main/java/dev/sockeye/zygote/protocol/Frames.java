package dev.sockeye.zygote.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes frames: {@code u32 N | u32 H | H bytes JSON header | N-4-H bytes of blobs}. The
 * format is specified in zygote-manager/PROTOCOL.md, which is the only description of it. Stateless and
 * thread-safe.
 */
public final class Frames {
  /** Frames whose length field exceeds this are rejected before anything is allocated. */
  public static final int MAX_FRAME_BYTES = 64 * 1024 * 1024;

  /** Shared because ObjectMapper is thread-safe once configured and costly to build. */
  public static final ObjectMapper JSON = new ObjectMapper();

  private Frames() {}

  /** The complete frame, length prefix included, ready to write. */
  public static ByteBuffer encode(Frame frame) {
    long bodyBytes = 0;
    for (byte[] blob : frame.blobs()) {
      bodyBytes += blob.length;
    }
    byte[] headerBytes = headerBytes(frame);
    long n = 4L + headerBytes.length + bodyBytes;
    requireWithinLimit("encode frame", n);
    ByteBuffer out = ByteBuffer.allocate((int) (4 + n));
    out.putInt((int) n).putInt(headerBytes.length).put(headerBytes);
    frame.blobs().forEach(out::put);
    return out.flip();
  }

  /** Decodes a complete frame, length prefix included. */
  public static Frame decode(ByteBuffer whole) {
    if (whole.remaining() < 4) {
      throw new WireFormatException("decode frame: " + whole.remaining() + " bytes is shorter than the length prefix");
    }
    long n = Integer.toUnsignedLong(whole.getInt());
    checkLength(n);
    if (whole.remaining() != n) {
      throw new WireFormatException("decode frame: length prefix says " + n + " bytes but " + whole.remaining() + " follow");
    }
    return decodeRest(whole);
  }

  public static void write(WritableByteChannel channel, Frame frame) throws IOException {
    ByteBuffer bytes = encode(frame);
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  }

  /** Reads one frame; throws EOFException if the peer closed the stream, even between frames. */
  public static Frame read(ReadableByteChannel channel) throws IOException {
    ByteBuffer prefix = readExactly(channel, 4);
    long n = Integer.toUnsignedLong(prefix.getInt());
    checkLength(n);
    return decodeRest(readExactly(channel, (int) n));
  }

  private static ByteBuffer readExactly(ReadableByteChannel channel, int count) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(count);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        throw new EOFException("read frame: peer closed the socket after " + buffer.position() + " of " + count + " bytes");
      }
    }
    return buffer.flip();
  }

  private static void checkLength(long n) {
    requireWithinLimit("read frame", n);
    if (n < 4) {
      throw new WireFormatException("read frame: length " + n + " is shorter than the header length field");
    }
  }

  private static void requireWithinLimit(String operation, long n) {
    if (n > MAX_FRAME_BYTES) {
      throw new WireFormatException(operation + ": frame of " + n + " bytes exceeds the " + MAX_FRAME_BYTES + "-byte limit");
    }
  }

  private static Frame decodeRest(ByteBuffer rest) {
    int h = rest.getInt();
    if (h < 0 || h > rest.remaining()) {
      throw new WireFormatException("decode frame: header length " + Integer.toUnsignedLong(h) + " exceeds the "
          + rest.remaining() + " bytes that follow");
    }
    ObjectNode header = parseHeader(rest, h);
    List<byte[]> blobs = splitBlobs(header.remove("blobs"), rest);
    return new Frame(header, blobs);
  }

  private static ObjectNode parseHeader(ByteBuffer rest, int h) {
    try {
      JsonNode node = JSON.readTree(rest.array(), rest.arrayOffset() + rest.position(), h);
      rest.position(rest.position() + h);
      if (node instanceof ObjectNode object) {
        return object;
      }
      throw new WireFormatException("decode frame: header is not a JSON object: " + node);
    } catch (IOException e) {
      throw new WireFormatException("decode frame: header is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static List<byte[]> splitBlobs(JsonNode lengths, ByteBuffer body) {
    List<byte[]> blobs = new ArrayList<>();
    if (lengths != null && !lengths.isNull() && !lengths.isArray()) {
      throw new WireFormatException("decode frame: blobs field is not an array: " + lengths);
    }
    for (JsonNode length : lengths == null ? JSON.createArrayNode() : lengths) {
      if (!length.isIntegralNumber() || length.asLong() < 0 || length.asLong() > body.remaining()) {
        throw new WireFormatException("decode frame: blob lengths " + lengths + " do not fit the frame body");
      }
      byte[] blob = new byte[length.asInt()];
      body.get(blob);
      blobs.add(blob);
    }
    if (body.hasRemaining()) {
      throw new WireFormatException("decode frame: " + body.remaining() + " body bytes are not covered by blob lengths " + lengths);
    }
    return blobs;
  }

  /**
   * The header with the blob lengths as its "blobs" field. A batch's header holds an object per event, so it is
   * not copied to add the field: the lengths are spliced in before the serialized object's closing brace.
   */
  private static byte[] headerBytes(Frame frame) {
    ObjectNode header = frame.header();
    if (header.has("blobs")) { // a caller's own "blobs" field: replaced, on a copy
      header = header.deepCopy();
      header.remove("blobs");
    }
    byte[] json = toJson(header);
    if (frame.blobs().isEmpty()) {
      return json;
    }
    StringBuilder lengths = new StringBuilder(header.isEmpty() ? "\"blobs\":[" : ",\"blobs\":[");
    for (int i = 0; i < frame.blobs().size(); i++) {
      lengths.append(i == 0 ? "" : ",").append(frame.blobs().get(i).length);
    }
    byte[] tail = lengths.append("]}").toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] out = java.util.Arrays.copyOf(json, json.length - 1 + tail.length); // json ends with '}'
    System.arraycopy(tail, 0, out, json.length - 1, tail.length);
    return out;
  }

  private static byte[] toJson(ObjectNode header) {
    try {
      return JSON.writeValueAsBytes(header);
    } catch (IOException e) {
      throw new WireFormatException("encode frame header: " + e.getMessage(), e);
    }
  }
}
