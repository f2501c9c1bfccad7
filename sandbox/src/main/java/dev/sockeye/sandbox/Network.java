package dev.sockeye.sandbox;

/** Which network a sandbox sees. The code is what function.yaml and FunctionSpec carry. */
public enum Network {
  /** An empty network namespace with loopback only (the default). */
  NONE("none"),
  /** The service host's network. */
  HOST("host");

  private final String code;

  Network(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  /** Parses "none" or "host"; the error names the value and the choices. */
  public static Network fromCode(String code) {
    for (Network n : values()) {
      if (n.code.equals(code)) {
        return n;
      }
    }
    throw new IllegalArgumentException("network must be 'none' or 'host' (got '" + code + "')");
  }
}
