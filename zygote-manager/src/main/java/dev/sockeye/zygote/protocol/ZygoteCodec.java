package dev.sockeye.zygote.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sockeye.sandbox.SandboxHandle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Maps zygote-socket requests and replies (ping, fork, fork_zygote) to frames. Stateless. */
public final class ZygoteCodec {
  private ZygoteCodec() {}

  public static Frame encodeFork(ForkRequest request) {
    ObjectNode header = Frames.JSON.createObjectNode();
    header.put("op", "fork").put("function", request.function()).put("version", request.version());
    header.put("code_dir", request.codeDir().toAbsolutePath().toString());
    header.put("instance_socket", request.instanceSocket().toString());
    ObjectNode env = header.putObject("env");
    request.env().forEach(env::put);
    request.sysPath().forEach(header.putArray("sys_path")::add);
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
    box.put("listen_fd", forkFds(sandbox).size()); // the instance's listening socket comes last
  }

  /** The descriptors of a sandboxed fork: root, cgroup.procs files, the network namespace, then the listener. */
  public static List<Integer> forkFds(SandboxHandle sandbox, int listenerFd) {
    List<Integer> fds = forkFds(sandbox);
    fds.add(listenerFd);
    return fds;
  }

  private static List<Integer> forkFds(SandboxHandle sandbox) {
    List<Integer> fds = new ArrayList<>();
    fds.add(sandbox.rootFd());
    fds.addAll(sandbox.cgroupProcsFds());
    if (sandbox.netnsFd() >= 0) {
      fds.add(sandbox.netnsFd());
    }
    return fds;
  }

  /**
   * A fork request for a spare the JVM holds (see {@link dev.sockeye.zygote.process.Spare}): as
   * {@link #encodeFork}, and an unsandboxed one names its listening socket, the only descriptor sent with it.
   */
  public static Frame encodeSpareFork(ForkRequest request) {
    Frame frame = encodeFork(request);
    if (request.sandbox() == null) {
      frame.header().put("listen_fd", 0);
    }
    return frame;
  }

  /**
   * Adds an instance's own stdout and stderr pipes (write ends) to a fork request: they are appended to
   * {@code fds} and the header names their indices ({@code stdout_fd}, {@code stderr_fd}); the child dup2's them
   * onto 1 and 2. Nothing when {@code outputFds} is empty.
   */
  public static void attachOutput(Frame frame, List<Integer> fds, List<Integer> outputFds) {
    if (outputFds.isEmpty()) {
      return;
    }
    frame.header().put("stdout_fd", fds.size()).put("stderr_fd", fds.size() + 1);
    fds.addAll(outputFds);
  }

  /** Asks a zygote for {@code count} spares; their sockets follow the reply (one marker byte carrying them). */
  public static Frame encodeSpares(int count, boolean sandboxed) {
    return Frame.of(Frames.JSON.createObjectNode().put("op", "spares").put("count", count).put("sandboxed", sandboxed));
  }

  /** The pids of the spares, in the order of their sockets. */
  public static List<Long> decodeSpares(Frame reply) {
    ObjectNode header = reply.header();
    if (!header.path("ok").asBoolean(false)) {
      throw new WireFormatException("decode spares reply: not ok: " + header);
    }
    List<Long> pids = new ArrayList<>();
    header.path("pids").forEach(p -> pids.add(p.asLong()));
    return pids;
  }

  public static Frame encodeForkZygote(ForkZygoteRequest request) {
    ObjectNode header = Frames.JSON.createObjectNode();
    header.put("op", "fork_zygote").put("name", request.name()).put("socket", request.socket().toString());
    request.sysPath().forEach(header.putArray("sys_path")::add);
    request.modules().forEach(header.putArray("modules")::add);
    return Frame.of(header);
  }

  public static ZygoteStatus decodePing(Frame reply) {
    ObjectNode header = reply.header();
    if (!header.path("ok").asBoolean(false)) {
      throw new WireFormatException("decode ping reply: not ok: " + header);
    }
    List<String> modules = new ArrayList<>();
    header.path("preloaded").forEach(m -> modules.add(m.asText()));
    Map<String, Long> importMicros = new LinkedHashMap<>();
    header.path("import_us").fields().forEachRemaining(e -> importMicros.put(e.getKey(), e.getValue().asLong()));
    Map<String, String> failed = new LinkedHashMap<>();
    header.path("failed").fields().forEachRemaining(e -> failed.put(e.getKey(), e.getValue().asText()));
    return new ZygoteStatus(header.path("pid").asLong(), modules, importMicros, failed);
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

  /** Imports more modules into a running zygote; the reply is a ping reply. */
  public static Frame encodeImport(List<String> modules) {
    ObjectNode header = Frames.JSON.createObjectNode().put("op", "import");
    modules.forEach(header.putArray("modules")::add);
    return Frame.of(header);
  }

  /** Tells a zygote which of its pages its children should copy at once: runs of {first page, page count}. */
  public static Frame encodeHotPages(List<long[]> runs, List<long[]> readRuns) {
    ObjectNode header = Frames.JSON.createObjectNode().put("op", "hot_pages");
    var array = header.putArray("runs");
    runs.forEach(r -> array.addArray().add(r[0]).add(r[1]));
    var read = header.putArray("read_runs");
    readRuns.forEach(r -> read.addArray().add(r[0]).add(r[1]));
    return Frame.of(header);
  }

  /** The number of hot pages the zygote now holds. */
  public static long decodeHotPages(Frame reply) {
    ObjectNode header = reply.header();
    if (!header.path("ok").asBoolean(false)) {
      throw new WireFormatException("decode hot_pages reply: not ok: " + header);
    }
    return header.path("hot_pages").asLong();
  }

  public static Frame encodePing() {
    return Frame.of(Frames.JSON.createObjectNode().put("op", "ping"));
  }
}
