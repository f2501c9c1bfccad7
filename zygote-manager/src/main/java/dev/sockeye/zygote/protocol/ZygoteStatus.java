package dev.sockeye.zygote.protocol;

import java.util.List;
import java.util.Map;

/**
 * What a zygote says of itself: its pid, the modules it holds imported (inherited or its own), what each of
 * its own imports cost, and the modules it was asked to import but could not.
 */
public record ZygoteStatus(long pid, List<String> preloaded, Map<String, Long> importMicros, Map<String, String> failed) {
  public ZygoteStatus {
    preloaded = List.copyOf(preloaded);
    importMicros = Map.copyOf(importMicros);
    failed = Map.copyOf(failed);
  }
}
