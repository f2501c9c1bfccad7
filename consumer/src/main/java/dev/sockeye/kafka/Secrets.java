package dev.sockeye.kafka;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which client properties are secret, and a process-wide memory of their values so that any text
 * Sockeye prints (an error message, a log line) can be scrubbed of them. Process-wide on purpose: an
 * exception's message may quote a secret far from the code that loaded it. Thread-safe.
 */
public final class Secrets {
  public static final String HIDDEN = "[hidden]";
  private static final Set<String> VALUES = ConcurrentHashMap.newKeySet();
  /** password="..." or password='...' inside a JAAS configuration. */
  private static final Pattern JAAS_PASSWORD = Pattern.compile("(?i)password\\s*=\\s*(\"([^\"]*)\"|'([^']*)')");

  private Secrets() {}

  /** {@code *password*}, {@code *secret*}, {@code *.key*} and {@code sasl.jaas.config}. */
  public static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password") || k.contains("secret") || k.contains(".key") || k.equals("sasl.jaas.config");
  }

  public static String mask(String key, String value) {
    return isSecret(key) ? HIDDEN : value;
  }

  /** Remembers {@code value} if {@code key} is secret (and the passwords inside a JAAS configuration). */
  static void remember(String key, String value) {
    if (!isSecret(key) || value == null) {
      return;
    }
    add(value);
    Matcher m = JAAS_PASSWORD.matcher(value);
    while (m.find()) {
      add(m.group(2) != null ? m.group(2) : m.group(3));
    }
  }

  private static void add(String v) {
    if (v.strip().length() >= 3) { // shorter ones would scrub ordinary words out of messages
      VALUES.add(v);
    }
  }

  /** {@code text} with every remembered secret value replaced by {@value #HIDDEN}. */
  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String v : VALUES) {
      out = out.replace(v, HIDDEN);
    }
    return out;
  }
}
