package dev.sockeye.cli;

import picocli.CommandLine.Command;

/** {@code sockeye bench ...}: benchmarks that print tables. They are commands, not timed tests. */
@Command(name = "bench", description = "Benchmarks that print a table.", subcommands = {BenchSandboxCommand.class, ColdStartCommand.class})
final class BenchCommand {}
