package dev.sockeye.cli;

import picocli.CommandLine.Command;

/** {@code sockeye bench}: measurements on an embedded broker; each kind of benchmark is a subcommand. */
@Command(name = "bench", description = "Benchmarks on an embedded broker.", subcommands = {ThroughputBench.class},
    mixinStandardHelpOptions = true)
final class BenchCommand {}
