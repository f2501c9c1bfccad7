package dev.sockeye.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A {@code --config} YAML file: one key per flag of the command, without the dashes, in kebab-case
 * ({@code zygote-memory-mb}) or snake_case ({@code zygote_memory_mb}); a list for a repeatable flag.
 * Unknown keys and values that are maps are errors naming the key and the file.
 *
 * @param file where it came from
 * @param values flag name (kebab-case, no dashes) to its value as text; a list's items joined by {@value #LIST_SEPARATOR}
 */
record ConfigFile(Path file, Map<String, String> values) {
  static final String LIST_SEPARATOR = ",";
  private static final YAMLMapper YAML = new YAMLMapper();

  static ConfigFile load(Path file, CommandSpec command) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--config " + file + ": no such file");
    }
    JsonNode root;
    try {
      root = YAML.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(file + ": not valid YAML: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("read --config " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> values = new LinkedHashMap<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return new ConfigFile(file, values); // an empty file sets nothing
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException(file + ": expected a map of flag names to values, got " + root.getNodeType().toString().toLowerCase());
    }
    Map<String, OptionSpec> known = options(command);
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey().replace('_', '-');
      OptionSpec option = known.get(key);
      if (option == null) {
        throw new IllegalArgumentException(file + ": unknown key '" + e.getKey() + "' (" + command.qualifiedName() + " has no --" + key
            + "; known keys: " + String.join(", ", new TreeSet<>(known.keySet())) + ")");
      }
      values.put(key, text(file, e.getKey(), e.getValue(), option));
    }
    return new ConfigFile(file, values);
  }

  /** The command's options by long name without dashes, except --help, --version and --config itself. */
  static Map<String, OptionSpec> options(CommandSpec command) {
    Map<String, OptionSpec> out = new LinkedHashMap<>();
    for (OptionSpec o : command.options()) {
      String name = o.longestName().replaceFirst("^-+", "");
      if (!o.usageHelp() && !o.versionHelp() && !name.equals("config")) {
        out.put(name, o);
      }
    }
    return out;
  }

  private static String text(Path file, String key, JsonNode v, OptionSpec option) {
    if (v.isArray()) {
      if (!option.isMultiValue()) {
        throw new IllegalArgumentException(file + ": key " + key + ": expected one value, got a list (--" + key.replace('_', '-') + " is not repeatable)");
      }
      List<String> items = new ArrayList<>();
      for (JsonNode item : v) {
        items.add(scalar(file, key, item));
      }
      return String.join(LIST_SEPARATOR, items);
    }
    return scalar(file, key, v);
  }

  private static String scalar(Path file, String key, JsonNode v) {
    if (v.isObject() || v.isArray() || v.isNull()) {
      throw new IllegalArgumentException(file + ": key " + key + ": expected a value, got " + (v.isNull() ? "nothing" : v.getNodeType().toString().toLowerCase()));
    }
    return v.asText();
  }
}
