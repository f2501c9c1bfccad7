package dev.sockeye.cli;

import dev.sockeye.service.MetricsSettings;
import picocli.CommandLine.Option;

/** Where the service serves /metrics, /healthz and /readyz. */
final class MetricsOptions {
  @Option(names = "--metrics-port", defaultValue = "9464", description = "Port of /metrics, /healthz and /readyz; 0 serves nothing (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--metrics-host", defaultValue = "0.0.0.0", description = "Address /metrics listens on (default: ${DEFAULT-VALUE}: every interface)")
  String host;

  MetricsSettings settings() {
    return new MetricsSettings(host, port);
  }
}
