package dev.sockeye.service;

/**
 * Where the service serves {@code /metrics}, {@code /healthz} and {@code /readyz}.
 *
 * @param host the address to listen on (0.0.0.0: every interface, so a Prometheus elsewhere can scrape)
 * @param port the port; 0 serves nothing (the meters are still kept, for in-process readers)
 */
public record MetricsSettings(String host, int port) {
  public static final int DEFAULT_PORT = 9464;
  public static final MetricsSettings OFF = new MetricsSettings("0.0.0.0", 0);

  public MetricsSettings {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("--metrics-port must be 0 (off) or a TCP port up to 65535 (got " + port + ")");
    }
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("--metrics-host must not be empty");
    }
  }

  public boolean enabled() {
    return port != 0;
  }
}
