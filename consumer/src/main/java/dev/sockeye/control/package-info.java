/** The control plane on Kafka: deployments travel on compacted topics, so a cluster of executors needs nothing but Kafka. */
package dev.sockeye.control;
