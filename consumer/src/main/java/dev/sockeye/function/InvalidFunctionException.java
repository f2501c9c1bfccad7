package dev.sockeye.function;

import java.nio.file.Path;

/** A function directory that cannot be deployed. The message names the file, the field and the reason. */
public final class InvalidFunctionException extends RuntimeException {
  private final Path file;
  private final String field;

  public InvalidFunctionException(Path file, String field, String reason) {
    super(file + (field == null ? "" : ": field '" + field + "'") + ": " + reason);
    this.file = file;
    this.field = field;
  }

  public Path file() {
    return file;
  }

  /** The offending field as a dotted path, or null when the problem is the whole file. */
  public String field() {
    return field;
  }
}
