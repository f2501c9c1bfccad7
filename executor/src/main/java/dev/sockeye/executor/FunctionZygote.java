package dev.sockeye.executor;

import java.util.List;

/**
 * The zygote a deployed function forks from when it holds exactly the function's packages.
 *
 * @param nodeId its zygote tree node
 * @param packages {@code name==version} of everything it holds
 * @param state {@code ready}, {@code building}, or {@code stopped} (died; rebuilt on the next fork)
 */
public record FunctionZygote(int nodeId, List<String> packages, String state) {}
