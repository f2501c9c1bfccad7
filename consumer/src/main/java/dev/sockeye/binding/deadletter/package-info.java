/** The dead-letter record of an exhausted input: its original key, value and headers plus why it failed. */
package dev.sockeye.binding.deadletter;
