/** The {@code sockeye} command line: run, deploy, produce, results and demo. */
package dev.sockeye.cli;
