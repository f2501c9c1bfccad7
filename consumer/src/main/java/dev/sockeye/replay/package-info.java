/** Batch replay of event logs (topic ranges, files, dead letters) through a deployed function, under a group of its own. */
package dev.sockeye.replay;
