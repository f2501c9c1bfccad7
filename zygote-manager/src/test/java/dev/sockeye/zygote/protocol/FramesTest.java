package dev.sockeye.zygote.protocol;

import dev.sockeye.zygote.invoke.InvokeRequest;
import dev.sockeye.zygote.invoke.WireEvent;
import dev.sockeye.zygote.invoke.WireHeader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FramesTest {

  private static ObjectNode header(String op) {
    return Frames.JSON.createObjectNode().put("op", op);
  }

  @Test
  void frameRoundTripsThroughAChannelWithHeaderAndBlobsIntact() throws Exception {
    byte[] first = "héllo".getBytes(StandardCharsets.UTF_8);
    byte[] empty = new byte[0];
    byte[] binary = {0, (byte) 0xff, 7};
    ByteArrayOutputStream sink = new ByteArrayOutputStream();

    Frames.write(Channels.newChannel(sink), new Frame(header("invoke").put("value", 2), List.of(first, empty, binary)));
    Frame back = Frames.read(Channels.newChannel(new ByteArrayInputStream(sink.toByteArray())));

    assertEquals("invoke", back.header().get("op").asText());
    assertEquals(2, back.header().get("value").asInt());
    assertFalse(back.header().has("blobs"), "the blobs field is consumed by decoding");
    assertEquals(3, back.blobs().size());
    assertArrayEquals(first, back.blobs().get(0));
    assertArrayEquals(empty, back.blobs().get(1));
    assertArrayEquals(binary, back.blobs().get(2));
  }

  @Test
  void encodedLayoutIsLengthThenHeaderLengthThenHeaderThenBlobs() {
    ByteBuffer bytes = Frames.encode(new Frame(header("x"), List.of(new byte[] {9, 8})));

    int n = bytes.getInt();
    int h = bytes.getInt();
    byte[] json = new byte[h];
    bytes.get(json);

    assertEquals(bytes.limit() - 4, n);
    assertEquals("{\"op\":\"x\",\"blobs\":[2]}", new String(json, StandardCharsets.UTF_8));
    assertEquals(9, bytes.get());
    assertEquals(8, bytes.get());
  }

  @Test
  void blobLengthsAreAddedWithoutChangingTheCallersHeaderAndReplaceAnyBlobsFieldOfIt() {
    ObjectNode mine = header("x");
    mine.putArray("blobs").add(99);
    Frame back = Frames.decode(Frames.encode(new Frame(mine, List.of(new byte[] {1}, new byte[] {2, 3}))));
    assertEquals("{\"op\":\"x\",\"blobs\":[99]}", mine.toString(), "the caller's header is untouched");
    assertEquals(2, back.blobs().size());
    assertArrayEquals(new byte[] {2, 3}, back.blobs().get(1));

    Frame fromEmpty = Frames.decode(Frames.encode(new Frame(Frames.JSON.createObjectNode(), List.of(new byte[] {5}))));
    assertArrayEquals(new byte[] {5}, fromEmpty.blobs().get(0));
    assertTrue(fromEmpty.header().isEmpty());
  }

  @Test
  void readRejectsALengthOver64MiBBeforeAllocating() {
    ByteBuffer prefix = ByteBuffer.allocate(8).putInt(Frames.MAX_FRAME_BYTES + 1).putInt(2);

    WireFormatException e = assertThrows(WireFormatException.class,
        () -> Frames.read(Channels.newChannel(new ByteArrayInputStream(prefix.array()))));

    assertTrue(e.getMessage().contains("exceeds the 67108864-byte limit"), e.getMessage());
  }

  @Test
  void encodeRejectsAFrameOver64MiB() {
    byte[] half = new byte[Frames.MAX_FRAME_BYTES / 2];

    WireFormatException e = assertThrows(WireFormatException.class,
        () -> Frames.encode(new Frame(header("big"), List.of(half, half))));

    assertTrue(e.getMessage().startsWith("encode frame"), e.getMessage());
  }

  @Test
  void blobLengthsThatDoNotCoverTheBodyAreRejected() {
    ByteBuffer good = Frames.encode(new Frame(header("x"), List.of(new byte[] {1, 2, 3})));
    ByteBuffer truncatedBody = ByteBuffer.allocate(good.limit() + 1).put(good).put((byte) 4).flip();
    truncatedBody.putInt(0, truncatedBody.limit() - 4);

    assertThrows(WireFormatException.class, () -> Frames.decode(truncatedBody));
  }

  @Test
  void peerClosingMidFrameIsAnEof() {
    byte[] cut = {0, 0, 0, 20, 0, 0};

    assertThrows(EOFException.class, () -> Frames.read(Channels.newChannel(new ByteArrayInputStream(cut))));
  }

  @Test
  void invokeRequestCarriesBytesAsBlobIndicesAndNullsAsNull() {
    WireEvent event = new WireEvent("t", 1, 2, 3, null, new byte[] {5},
        List.of(new WireHeader("h", new byte[] {6}), new WireHeader("n", null)), "t-1-2");

    Frame frame = InvokeCodec.encode(new InvokeRequest("fn", List.of(event), 99));

    var wire = frame.header().get("events").get(0);
    assertTrue(wire.get("key").isNull());
    assertArrayEquals(new byte[] {5}, frame.blobAt(wire, "value"));
    assertArrayEquals(new byte[] {6}, frame.blob(wire.get("headers").get(0).get(1), "header h"));
    assertTrue(wire.get("headers").get(1).get(1).isNull());
    assertEquals("each", frame.header().get("mode").asText());
    assertEquals(99, frame.header().get("deadline_ms").asLong());
  }
}
