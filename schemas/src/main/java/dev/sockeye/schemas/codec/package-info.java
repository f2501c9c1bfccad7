/** Turning the generated Avro records into Kafka record bytes (Avro single-object encoding) and back. */
package dev.sockeye.schemas.codec;
