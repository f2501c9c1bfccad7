package dev.sockeye.binding;

import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The records one finished input produces: its result, its dead letter when it exhausted its
 * retries, and its metric (built once the result's publish time is known).
 *
 * @param source the input's partition and {@code offset} its offset: exactly-once writes an input's
 *     records only in a transaction that also commits its offset
 * @param whenResultTooLarge the emission to write instead when the result topic refuses the result
 */
public record Emission(
    TopicPartition source,
    long offset,
    ProducerRecord<byte[], byte[]> result,
    ProducerRecord<byte[], byte[]> deadLetterOrNull,
    LongFunction<ProducerRecord<byte[], byte[]>> metric,
    Supplier<Emission> whenResultTooLarge) {}
