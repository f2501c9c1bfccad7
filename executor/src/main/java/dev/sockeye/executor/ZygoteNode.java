package dev.sockeye.executor;

import java.util.List;

/**
 * A zygote tree node as status shows it.
 *
 * @param id the node's id; {@code parentId} is -1 for a root
 * @param packages {@code name==version} of what it holds beyond its parent
 * @param pid its zygote's pid, or -1 when not running
 * @param pssBytes its memory (proportional set size), 0 when not running
 * @param hits forks served
 * @param savedMicros import time a fork from it saves
 * @param replicas extra copies running because it is hot
 */
public record ZygoteNode(int id, int parentId, String tenant, List<String> packages, long pid, long pssBytes, long hits,
    long savedMicros, int replicas) {
  public ZygoteNode {
    packages = List.copyOf(packages);
  }
}
