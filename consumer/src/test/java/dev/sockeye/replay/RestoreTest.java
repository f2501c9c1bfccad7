package dev.sockeye.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.sockeye.binding.deadletter.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class RestoreTest {
  private static ConsumerRecord<byte[], byte[]> consumed(ProducerRecord<byte[], byte[]> p) {
    var r = new ConsumerRecord<>(p.topic(), 0, 7L, p.key(), p.value());
    p.headers().forEach(h -> r.headers().add(h));
    return r;
  }

  @Test
  void deadLetterRunsAsItsOriginalRecordWithItsOwnHeadersOnly() {
    var original = new ConsumerRecord<>("orders", 3, 1234L, "k".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8));
    original.headers().add("trace", "abc".getBytes(StandardCharsets.UTF_8));
    var dead = consumed(DeadLetters.of(original, "orders.dlq", "orders-3-1234",
        new DeadLetters.Failure("f", 3, "ValueError", "bad", "max_attempts", Instant.EPOCH)));

    var restored = Restore.original(dead);

    assertEquals("orders", restored.topic());
    assertEquals(3, restored.partition());
    assertEquals(1234L, restored.offset());
    assertEquals("abc", new String(restored.headers().lastHeader("trace").value(), StandardCharsets.UTF_8));
    assertNull(restored.headers().lastHeader(DeadLetters.ERROR_TYPE));
    assertEquals(1, restored.headers().toArray().length);
  }

  @Test
  void recordWithoutDeadLetterHeadersRunsAsItIs() {
    var r = new ConsumerRecord<>("x.dlq", 0, 1L, (byte[]) null, "v".getBytes(StandardCharsets.UTF_8));
    assertSame(r, Restore.original(r));
  }
}
