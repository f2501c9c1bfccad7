/** Reaching Kafka: the embedded single-node KRaft broker, and client settings shared by every Kafka client of ours. */
package dev.sockeye.kafka;
