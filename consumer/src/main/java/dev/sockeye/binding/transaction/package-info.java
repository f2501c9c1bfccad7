/** Exactly-once delivery: results and consumer offsets committed in one Kafka transaction per flush. */
package dev.sockeye.binding.transaction;
