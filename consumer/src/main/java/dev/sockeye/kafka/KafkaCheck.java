package dev.sockeye.kafka;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * Asks the cluster for its nodes once, within the connection's timeout, so that a command fails
 * with the address and the reason (unreachable, authentication failed) instead of waiting on a
 * client that retries forever. Blocking.
 */
public final class KafkaCheck {
  private KafkaCheck() {}

  /** Returns when the cluster answered; throws {@link KafkaUnavailableException} otherwise. */
  public static void reach(KafkaConnection kafka) {
    long ms = kafka.timeout().toMillis();
    Admin admin;
    try {
      admin = Admin.create(KafkaClients.adminConfig(kafka));
    } catch (RuntimeException e) { // a bad property value: Kafka's ConfigException names it
      throw new KafkaUnavailableException("Kafka client for " + kafka.describe() + ": " + rootMessage(e), e);
    }
    try {
      admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) ms)).nodes().get(ms, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw failure(kafka, e.getCause());
    } catch (TimeoutException e) {
      throw failure(kafka, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("reach Kafka at " + kafka.describe() + ": interrupted", e);
    } finally {
      admin.close(Duration.ZERO);
    }
  }

  /** An error of a client of {@code kafka} as a message a user can act on. */
  public static KafkaUnavailableException failure(KafkaConnection kafka, Throwable e) {
    if (e instanceof AuthenticationException) {
      return new KafkaUnavailableException("Kafka at " + kafka.describe() + ": authentication failed: " + rootMessage(e)
          + " (check the credentials in --kafka-config / SOCKEYE_KAFKA_*)", e);
    }
    if (e instanceof AuthorizationException) {
      return new KafkaUnavailableException("Kafka at " + kafka.describe() + ": not authorized: " + rootMessage(e), e);
    }
    if (e instanceof TimeoutException || e instanceof org.apache.kafka.common.errors.TimeoutException) {
      return new KafkaUnavailableException("cannot reach Kafka at " + kafka.describe() + " within " + kafka.timeout().toMillis()
          + " ms: is the broker up, the address right and security.protocol the listener's? (--kafka-timeout-ms to wait longer)", e);
    }
    return new KafkaUnavailableException("Kafka at " + kafka.describe() + ": " + rootMessage(e), e);
  }

  private static String rootMessage(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
