package dev.sockeye.control;

import dev.sockeye.function.FunctionPackage;
import dev.sockeye.kafka.KafkaCheck;
import dev.sockeye.kafka.KafkaClients;
import dev.sockeye.kafka.KafkaConnection;
import dev.sockeye.schemas.codec.AvroBytes;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Registers a function: its code first, then its spec, both acknowledged by the broker, so that a
 * spec is never visible before the code it names. Blocking.
 */
public final class Deployer {
  private final KafkaConnection kafka;
  private final Clock clock;

  public Deployer(KafkaConnection kafka, Clock clock) {
    this.kafka = kafka;
    this.clock = clock;
  }

  /** A plaintext cluster without client properties. */
  public Deployer(String bootstrap, Clock clock) {
    this(KafkaConnection.of(bootstrap), clock);
  }

  public void deploy(FunctionPackage pkg) {
    try (Admin admin = Admin.create(KafkaClients.adminConfig(kafka));
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(KafkaClients.commandProducerConfig(kafka, "sockeye-deploy"))) {
      ControlTopics.ensure(admin);
      // Created here, before any producer can auto-create them with other settings.
      var d = pkg.definition();
      var topics = new java.util.ArrayList<>(d.topics());
      d.topics().stream().map(d::resultTopicFor).distinct().forEach(topics::add);
      ControlTopics.ensureTopics(admin, topics);
      byte[] key = pkg.definition().name().getBytes(StandardCharsets.UTF_8);
      producer.send(new ProducerRecord<>(ControlTopics.CODE, key, AvroBytes.CODE.encode(SpecCodec.toCode(pkg)))).get();
      producer.send(new ProducerRecord<>(ControlTopics.FUNCTIONS, key, AvroBytes.SPEC.encode(SpecCodec.toSpec(pkg, clock.millis())))).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("deploy " + pkg.definition().name() + ": " + KafkaCheck.failure(kafka, e.getCause()).getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("deploy " + pkg.definition().name() + ": interrupted", e);
    }
  }

  /** Publishes a tombstone: running services stop the function's binding. */
  public void undeploy(String name) {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.commandProducerConfig(kafka, "sockeye-deploy"))) {
      producer.send(new ProducerRecord<>(ControlTopics.FUNCTIONS, name.getBytes(StandardCharsets.UTF_8), null)).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("undeploy " + name + ": " + KafkaCheck.failure(kafka, e.getCause()).getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("undeploy " + name + ": interrupted", e);
    }
  }
}
