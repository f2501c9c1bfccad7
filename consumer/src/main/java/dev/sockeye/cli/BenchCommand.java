package dev.sockeye.cli;

import picocli.CommandLine.Command;

/** {@code sockeye bench ...}: benchmarks that are commands, not timed tests. */
@Command(name = "bench", description = "Benchmarks.", subcommands = {BenchSandboxCommand.class})
final class BenchCommand {}
