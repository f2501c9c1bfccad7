package dev.sockeye.bench;

import picocli.CommandLine.Command;

/** {@code sockeye bench}: benchmarks that print tables; each kind is a subcommand. They are commands, not timed tests. */
@Command(name = "bench", description = "Benchmarks that print a table.", subcommands = {ThroughputBench.class, BenchSandboxCommand.class, ColdStartCommand.class,
    ReplayBench.class, ReportCommand.class},
    mixinStandardHelpOptions = true)
final class BenchCommand {}
