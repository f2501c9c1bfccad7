package dev.sockeye.executor.logs;

import dev.sockeye.zygote.output.HandlerOutput.Line;
import dev.sockeye.zygote.output.HandlerOutput.Report;
import dev.sockeye.zygote.output.HandlerOutput.Truncated;

/** Maps zygote-manager's handler output to the executor's own type, at the executor's edge. Stateless. */
public final class HandlerOutputs {
  private HandlerOutputs() {}

  /** A zygote-manager sink that hands each record, mapped, to {@code sink}. */
  public static dev.sockeye.zygote.output.OutputSink to(OutputSink sink) {
    return o -> sink.accept(map(o));
  }

  static HandlerOutput map(dev.sockeye.zygote.output.HandlerOutput o) {
    var origin = new HandlerOutput.Origin(o.origin().function(), o.origin().version(), o.origin().instance(),
        o.origin().keys());
    if (o instanceof Line l) {
      return new HandlerOutput.Line(origin, l.time(), HandlerOutput.Stream.valueOf(l.stream().name()), l.text(), l.cut());
    }
    if (o instanceof Truncated t) {
      return new HandlerOutput.Truncated(origin, t.time(), t.droppedBytes(), t.capBytes());
    }
    Report r = (Report) o;
    return new HandlerOutput.Report(origin, r.time(), r.status(), r.startKind(), r.durationUs(), r.initUs(),
        r.maxMemoryBytes(), r.error(), r.traceback());
  }
}
