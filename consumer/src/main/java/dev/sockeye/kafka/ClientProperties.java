package dev.sockeye.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Loads Kafka client properties from a Java properties file ({@code --kafka-config}, like Kafka's own
 * tools' {@code --command-config}) and from {@code SOCKEYE_KAFKA_*} environment variables
 * ({@code SOCKEYE_KAFKA_SASL_MECHANISM} is {@code sasl.mechanism}: lowercase, {@code _} to {@code .}).
 * A variable wins over the file. {@code SOCKEYE_KAFKA_CONFIG}, {@code _PORT} and {@code _TIMEOUT_MS}
 * are the flags {@code --kafka-config}, {@code --kafka-port} and {@code --kafka-timeout-ms}, not client properties.
 */
public final class ClientProperties {
  public static final String ENV_PREFIX = "SOCKEYE_KAFKA_";
  private static final Set<String> FLAG_VARIABLES = Set.of("CONFIG", "PORT", "TIMEOUT_MS");
  /** Set by Sockeye itself; a file or variable setting them is a mistake, named. */
  private static final Set<String> RESERVED = Set.of("bootstrap.servers", "key.serializer", "value.serializer",
      "key.deserializer", "value.deserializer", "group.id", "transactional.id", "enable.auto.commit");

  private ClientProperties() {}

  /** The file's properties (none if {@code file} is null), overridden by the environment's. */
  public static Map<String, String> load(Path file, Map<String, String> env) {
    Map<String, String> out = new HashMap<>();
    if (file != null) {
      readFile(file).forEach((k, v) -> out.put(check(k, "in " + file), v));
    }
    env.forEach((name, value) -> {
      if (name.startsWith(ENV_PREFIX) && !FLAG_VARIABLES.contains(name.substring(ENV_PREFIX.length()))) {
        String key = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
        out.put(check(key, "from environment variable " + name), value);
      }
    });
    return out;
  }

  private static Map<String, String> readFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--kafka-config " + file + ": no such file");
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("read --kafka-config " + file, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--kafka-config " + file + ": not a properties file: " + e.getMessage(), e);
    }
    Map<String, String> out = new HashMap<>();
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k).strip()));
    return out;
  }

  private static String check(String key, String where) {
    if (RESERVED.contains(key)) {
      String hint = key.equals("bootstrap.servers") ? "pass --bootstrap-servers instead" : "Sockeye sets it itself";
      throw new IllegalArgumentException("Kafka client property " + key + " " + where + " is not allowed: " + hint);
    }
    return key;
  }
}
