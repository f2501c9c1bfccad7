package dev.sockeye.control;

import dev.sockeye.function.FunctionDefinition;
import dev.sockeye.kafka.KafkaClients;
import dev.sockeye.schemas.FunctionCode;
import dev.sockeye.schemas.FunctionSpec;
import dev.sockeye.schemas.codec.AvroBytes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the control topics from their beginning and tells its listener when a function version
 * becomes runnable (its spec and its code have both arrived and the code is on local disk) or is
 * undeployed. Undecodable records are logged with their topic and offset and skipped.
 *
 * <p>Thread-safety: the consumer and all maps are owned by the thread "sockeye-registry"; the
 * listener is called on that thread. {@link #close()} may be called from any thread.
 */
public final class Registry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Registry.class);

  /** Called on the registry thread; must not block for long. */
  public interface Listener {
    void deployed(Deployment deployment);

    void undeployed(String function);
  }

  /** A function version whose code is at {@code codeDir}. */
  public record Deployment(FunctionDefinition definition, String version, Path codeDir) {}

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final CodeStore store;
  private final Listener listener;
  private final Thread thread;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Map<String, FunctionSpec> specs = new HashMap<>();
  private final Map<String, FunctionCode> codes = new HashMap<>();
  private final Map<String, String> running = new HashMap<>();
  private Map<TopicPartition, Long> endAtStart;

  public Registry(dev.sockeye.kafka.KafkaConnection kafka, Path functionsDir, Listener listener) {
    this.consumer = new KafkaConsumer<>(KafkaClients.consumerConfig(kafka, null, "sockeye-registry"));
    this.store = new CodeStore(functionsDir);
    this.listener = listener;
    this.thread = new Thread(this::loop, "sockeye-registry");
  }

  public void start() {
    thread.start();
  }

  /** Blocks until every control record present at start has been applied. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void loop() {
    try {
      List<TopicPartition> parts = List.of(new TopicPartition(ControlTopics.FUNCTIONS, 0), new TopicPartition(ControlTopics.CODE, 0));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      endAtStart = consumer.endOffsets(parts);
      while (!closed.get()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          apply(r);
        }
        if (caughtUp.getCount() > 0 && endAtStart.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
          caughtUp.countDown();
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("registry stopped following {} and {}: {}", ControlTopics.FUNCTIONS, ControlTopics.CODE, e.toString(), e);
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private void apply(ConsumerRecord<byte[], byte[]> r) {
    String name = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
    try {
      if (r.topic().equals(ControlTopics.FUNCTIONS)) {
        if (r.value() == null) {
          specs.remove(name);
          if (running.remove(name) != null) {
            listener.undeployed(name);
          }
          return;
        }
        specs.put(name, SpecCodec.decodeSpec(r.value()));
      } else {
        codes.put(name, AvroBytes.CODE.decode(r.value()));
      }
      fireIfComplete(name);
    } catch (Exception e) {
      log.error("skipping {} offset {} (function '{}'): {}", r.topic(), r.offset(), name, e.toString());
    }
  }

  private void fireIfComplete(String name) {
    FunctionSpec spec = specs.get(name);
    FunctionCode code = codes.get(name);
    if (spec == null || code == null || !spec.getVersion().equals(code.getVersion())
        || spec.getVersion().equals(running.get(name))) {
      return;
    }
    FunctionDefinition definition = SpecCodec.toDefinition(spec);
    Path dir = store.materialize(code);
    codes.remove(name); // on disk now; keep memory flat however many versions pass by
    running.put(name, spec.getVersion());
    log.info("function {} version {} is runnable from {}", name, spec.getVersion().substring(0, 12), dir);
    listener.deployed(new Deployment(definition, spec.getVersion(), dir));
  }

  /** Stops the thread and closes the consumer. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      consumer.wakeup();
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
