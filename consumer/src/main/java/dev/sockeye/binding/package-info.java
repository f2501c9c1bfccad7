/** A binding of Kafka topics to one function: polling, dispatch, result publishing and safe offset commits. */
package dev.sockeye.binding;
