package dev.sockeye.binding;

import dev.sockeye.executor.InvocationOutcome;
import dev.sockeye.executor.CallMode;
import dev.sockeye.executor.StartKind;
import dev.sockeye.executor.Timings;
import dev.sockeye.format.InputDecoder;
import dev.sockeye.format.InputDecoder.Decoded;
import dev.sockeye.executor.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decodes records in the function's input format before they reach the executor. A record that does not
 * decode never reaches the handler: it gets an ERROR outcome ({@value #ERROR_TYPE} with the reason), which
 * the dispatcher retries and dead-letters like any other failure; the others run (as one batch in batch
 * mode). Stateless apart from its decoder; may be called from any thread.
 */
final class DecodingInvoker implements Dispatcher.Invoker {
  static final String ERROR_TYPE = "DecodeError";

  private final InputDecoder decoder;
  private final Dispatcher.Invoker next;

  DecodingInvoker(InputDecoder decoder, Dispatcher.Invoker next) {
    this.decoder = decoder;
    this.next = next;
  }

  /** {@code next} itself when the runtime decodes values (no format set): nothing to do on the hot path. */
  static Dispatcher.Invoker wrap(InputDecoder decoder, Dispatcher.Invoker next) {
    return decoder.passThrough() ? next : new DecodingInvoker(decoder, next);
  }

  @Override
  public CompletionStage<List<InvocationOutcome>> invoke(List<Event> events, CallMode mode) {
    return decoder.decodeAll(events).thenCompose(decoded -> {
      List<Event> ready = new ArrayList<>();
      for (Decoded d : decoded) {
        if (d instanceof Decoded.Ready r) {
          ready.add(r.event());
        }
      }
      CompletionStage<List<InvocationOutcome>> ran = ready.isEmpty()
          ? CompletableFuture.completedFuture(List.of()) : next.invoke(ready, mode);
      return ran.thenApply(outcomes -> merge(decoded, outcomes));
    });
  }

  private static List<InvocationOutcome> merge(List<Decoded> decoded, List<InvocationOutcome> outcomes) {
    List<InvocationOutcome> all = new ArrayList<>(decoded.size());
    int next = 0;
    for (Decoded d : decoded) {
      all.add(d instanceof Decoded.Undecodable u
          ? new InvocationOutcome.Failed(ERROR_TYPE, u.reason(), StartKind.WARM, Timings.NONE)
          : outcomes.get(next++));
    }
    return all;
  }
}
