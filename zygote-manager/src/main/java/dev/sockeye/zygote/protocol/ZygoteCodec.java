package dev.sockeye.zygote.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sockeye.zygote.SandboxHandle;
import java.util.ArrayList;
import java.util.List;

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
    if (request.sandbox() != null) {
      putSandbox(header.putObject("sandbox"), request.sandbox());
    }
    return Frame.of(header);
  }

  /** Indices into the descriptors sent with the request, in the order of {@link #forkFds}. */
  private static void putSandbox(ObjectNode box, SandboxHandle sandbox) {
    box.put("root_fd", 0);
    var cgroups = box.putArray("cgroup_fds");
    for (int i = 0; i < sandbox.cgroupProcsFds().size(); i++) {
      cgroups.add(1 + i);
    }
    if (sandbox.netnsFd() >= 0) {
      box.put("netns_fd", 1 + sandbox.cgroupProcsFds().size());
    }
    box.put("uid", sandbox.uid());
  }

  /** The descriptors a sandboxed fork request carries: root, cgroup.procs files, then the network namespace. */
  public static List<Integer> forkFds(SandboxHandle sandbox) {
    List<Integer> fds = new ArrayList<>();
    fds.add(sandbox.rootFd());
    fds.addAll(sandbox.cgroupProcsFds());
    if (sandbox.netnsFd() >= 0) {
      fds.add(sandbox.netnsFd());
    }
    return fds;
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
