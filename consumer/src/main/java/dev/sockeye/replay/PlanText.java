package dev.sockeye.replay;

import java.util.Locale;

/** A dry run's output: the plan, per partition, with record counts and the estimated time. Stateless. */
final class PlanText {
  private PlanText() {}

  static String of(ReplayPlan plan, long alreadyDone, Estimate.Rate rate, boolean stored, boolean redrive) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "dry run: nothing is run, staged or committed%n"));
    b.append(String.format(Locale.ROOT, "replay %s%s of %s version %s from %s%n", plan.name(), stored ? " (stored: would resume)" : "",
        plan.function(), plan.version().substring(0, Math.min(12, plan.version().length())), plan.source()));
    if (redrive) {
      b.append(String.format(Locale.ROOT, "  redrive: dead letters are re-produced to their original topics, no function runs%n"));
    } else {
      b.append(String.format(Locale.ROOT, "  results to %s, dead letters to %s, consumer group %s%n", plan.resultTopic(), plan.deadLetterTopic(),
          plan.group()));
    }
    b.append(String.format(Locale.ROOT, "  %-40s %12s %12s %12s%n", "partition", "from", "to", "records"));
    plan.ranges().forEach((tp, r) -> b.append(String.format(Locale.ROOT, "  %-40s %12d %12d %,12d%n", tp, r.from(), r.to(), r.size())));
    long total = plan.records();
    b.append(String.format(Locale.ROOT, "  total: %,d records (at most: compaction and transaction markers leave gaps in offsets)%n", total));
    if (plan.kind() == ReplayPlan.Kind.FILE) {
      b.append(String.format(Locale.ROOT, "  (a file: its records are staged to %s when it runs)%n", Planner.stagingTopic(plan.name())));
    }
    if (plan.malformed() > 0) {
      b.append(String.format(Locale.ROOT, "  malformed lines: %,d (dead-lettered to %s when it runs)%n", plan.malformed(), plan.deadLetterTopic()));
    }
    if (alreadyDone > 0) {
      b.append(String.format(Locale.ROOT, "  already done by earlier runs: %,d%n", alreadyDone));
    }
    long left = total - alreadyDone;
    if (rate.perSecond() > 0) {
      b.append(String.format(Locale.ROOT, "  estimated time: %s at ~%,.0f events/s (%s)%n",
          ProgressView.duration((long) (left / rate.perSecond() * 1000)), rate.perSecond(), rate.basis()));
    } else {
      b.append(String.format(Locale.ROOT, "  estimated time: unknown (%s; --rate bounds it)%n", rate.basis()));
    }
    return b.toString();
  }
}
