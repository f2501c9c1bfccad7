package dev.sockeye.zygote.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Maps zygote-socket requests and replies (ping, fork) to frames. Stateless. */
public final class ZygoteCodec {
  private ZygoteCodec() {}

  public static Frame encodeFork(ForkRequest request) {
    ObjectNode header = Frames.JSON.createObjectNode();
    header.put("op", "fork").put("function", request.function()).put("version", request.version());
    header.put("code_dir", request.codeDir().toAbsolutePath().toString());
    header.put("instance_socket", request.instanceSocket().toString());
    ObjectNode env = header.putObject("env");
    request.env().forEach(env::put);
    return Frame.of(header);
  }

  public static ForkReply decodeFork(Frame reply) {
    ObjectNode header = reply.header();
    if (!header.path("ok").asBoolean(false)) {
      return new ForkReply.Refused(header.path("error").asText("zygote gave no reason: " + header));
    }
    if (!header.path("pid").canConvertToLong() || header.path("pid").asLong() <= 0) {
      throw new WireFormatException("decode fork reply: no pid in " + header);
    }
    return new ForkReply.Forked(header.path("pid").asLong());
  }

  public static Frame encodePing() {
    return Frame.of(Frames.JSON.createObjectNode().put("op", "ping"));
  }
}
