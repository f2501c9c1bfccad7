package dev.sockeye.zygote.tree;

import java.util.List;

/**
 * The tree node holding exactly a package set, as status shows it per function.
 *
 * @param nodeId the node's id
 * @param packages {@code name==version} of everything it holds, ancestors' included
 * @param state whether its zygote runs now
 */
public record HeldBy(int nodeId, List<String> packages, State state) {
  /** READY: running; BUILDING: never built yet; STOPPED: built once, its zygote died (rebuilt on the next fork). */
  public enum State { READY, BUILDING, STOPPED }
}
