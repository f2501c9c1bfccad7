/** Which polled records may run now: per-partition, per-key or unordered lanes, and batch assembly. */
package dev.sockeye.binding.ordering;
