package dev.sockeye.kafka;

/** The cluster could not be reached, or refused our credentials; the message names its address. */
public final class KafkaUnavailableException extends RuntimeException {
  public KafkaUnavailableException(String message, Throwable cause) {
    super(Secrets.redact(message), cause);
  }
}
