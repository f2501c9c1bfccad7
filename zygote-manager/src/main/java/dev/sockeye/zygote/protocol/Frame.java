package dev.sockeye.zygote.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * One decoded frame: the JSON header (without its {@code blobs} field, which {@link Frames} derives) and the
 * binary blobs that header fields refer to by index.
 */
public record Frame(ObjectNode header, List<byte[]> blobs) {
  public Frame {
    Objects.requireNonNull(header, "Frame.header");
    blobs = List.copyOf(Objects.requireNonNull(blobs, "Frame.blobs"));
  }

  public static Frame of(ObjectNode header) {
    return new Frame(header, List.of());
  }

  /** The blob that {@code holder.field} points at, or null when that field is null or absent. */
  public byte[] blobAt(JsonNode holder, String field) {
    return blob(holder.get(field), field);
  }

  /** The blob that {@code index} points at, or null when it is null or absent; {@code what} names it in errors. */
  public byte[] blob(JsonNode index, String what) {
    if (index == null || index.isNull()) {
      return null;
    }
    if (!index.canConvertToInt() || index.asInt() < 0 || index.asInt() >= blobs.size()) {
      throw new WireFormatException(
          "read blob " + what + ": index " + index + " is not one of " + blobs.size() + " blobs");
    }
    return blobs.get(index.asInt());
  }
}
