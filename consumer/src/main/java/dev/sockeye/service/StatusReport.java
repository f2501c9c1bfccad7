package dev.sockeye.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sockeye.executor.Executor;
import dev.sockeye.executor.ZygoteNode;
import java.time.Clock;
import java.util.Map;
import java.util.Set;

/**
 * One service's status as a JSON document: its functions and their instances, the zygote tree, the
 * package store, and deployments that failed. Published to sockeye.status for {@code sockeye status}.
 */
final class StatusReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StatusReport() {}

  static ObjectNode build(String serviceId, Clock clock, Executor executor, Set<String> functions, Map<String, String> errors) {
    ObjectNode root = JSON.createObjectNode();
    root.put("service", serviceId).put("at", clock.millis());
    ObjectNode fns = root.putObject("functions");
    for (String f : functions) {
      ObjectNode n = fns.putObject(f);
      executor.deployment(f).ifPresent(d -> n.put("version", d.version()).put("tenant", d.tenant()));
      executor.poolState(f).ifPresent(s -> n.put("instances", s.alive()).put("idle", s.idle()).put("busy", s.alive() - s.idle())
          .put("waiting", s.waiting()).put("frozen", s.frozen()));
      executor.functionZygote(f).ifPresent(z -> {
        ObjectNode zn = n.putObject("zygote").put("node", z.nodeId()).put("state", z.state());
        z.packages().forEach(zn.putArray("packages")::add);
      });
      if (errors.containsKey(f)) {
        n.put("error", errors.get(f));
      }
    }
    errors.forEach((f, e) -> {
      if (!fns.has(f)) {
        fns.putObject(f).put("error", e);
      }
    });
    ArrayNode tree = root.putArray("zygotes");
    for (ZygoteNode v : executor.zygoteTree()) {
      ObjectNode n = tree.addObject();
      n.put("id", v.id()).put("parent", v.parentId()).put("tenant", v.tenant()).put("pid", v.pid())
          .put("pss_bytes", v.pssBytes()).put("hits", v.hits()).put("saved_us", v.savedMicros()).put("replicas", v.replicas());
      v.packages().forEach(n.putArray("packages")::add);
    }
    root.put("package_store_bytes", executor.packages().sizeBytes());
    return root;
  }
}
