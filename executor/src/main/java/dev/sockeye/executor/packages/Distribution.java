package dev.sockeye.executor.packages;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One distribution at one version, as pip resolved it.
 *
 * @param name the PEP 503 normalised name (lowercase, runs of {@code -_.} as one {@code -})
 * @param version the exact version
 * @param url where pip found it (a wheel or sdist), installed as is so that resolution and install agree
 */
public record Distribution(String name, String version, String url) {
  private static final Pattern SEPARATORS = Pattern.compile("[-_.]+");
  private static final Pattern SAFE = Pattern.compile("[a-z0-9][a-z0-9-]*");
  private static final Pattern SAFE_VERSION = Pattern.compile("[A-Za-z0-9.+!_-]+");

  public Distribution {
    name = normalise(Objects.requireNonNull(name, "name"));
    if (!SAFE.matcher(name).matches()) {
      throw new IllegalArgumentException("distribution name '" + name + "' is not a valid normalised name");
    }
    if (version == null || !SAFE_VERSION.matcher(version).matches()) {
      throw new IllegalArgumentException("distribution " + name + " has an unusable version '" + version + "'");
    }
  }

  public static String normalise(String name) {
    return SEPARATORS.matcher(name.trim()).replaceAll("-").toLowerCase(Locale.ROOT);
  }

  /** {@code name==version}: equal keys mean the same installed files. */
  public String key() {
    return name + "==" + version;
  }
}
