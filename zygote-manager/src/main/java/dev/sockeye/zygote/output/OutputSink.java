package dev.sockeye.zygote.output;

/**
 * Where captured handler output goes. Called on the output thread or an invoking thread while they hold an
 * instance's capture: it must never block (hand the record to a bounded queue, or drop it and count).
 */
@FunctionalInterface
public interface OutputSink {
  void accept(HandlerOutput output);
}
