package dev.sockeye.metrics;

import dev.sockeye.binding.BindingObserver;
import dev.sockeye.executor.Executor;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Info;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * A service's metrics: the Prometheus registry, the JVM and process binders, the build info, and the
 * listeners that feed Sockeye's own meters (one {@link BindingMetrics} per binding, one {@link
 * ExecutorMetrics}). One per service, never global, so several services in one JVM (tests) do not
 * mix. Thread-safe. {@link #close()} is idempotent and stops the binders that hold threads or
 * listeners (GC notifications, Kafka client metrics).
 */
public final class Monitoring implements AutoCloseable {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile ExecutorMetrics executorMetrics;

  public Monitoring() {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    Info.builder().name(SockeyeMeters.BUILD_INFO).help("Sockeye's version and the Java it runs on").labelNames("version", "java_version")
        .register(registry.getPrometheusRegistry()).addLabelValues(version(), System.getProperty("java.version"));
  }

  /** The jar's version (from its manifest), or "dev" when run from classes. */
  static String version() {
    String v = Monitoring.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** Feeds the executor's meters: its lifecycle events, and gauges of its pools, zygote tree and package store. */
  public void watch(Executor executor, long zygoteBudgetBytes) {
    ExecutorMetrics m = new ExecutorMetrics(registry, executor, zygoteBudgetBytes);
    executorMetrics = m;
    executor.listen(m);
  }

  /** Kafka client metrics of a producer the service owns; unbound at {@link #close()}. */
  public void watch(Producer<?, ?> producer) {
    KafkaClientMetrics m = new KafkaClientMetrics(producer);
    m.bindTo(registry);
    closeables.add(m);
  }

  /** Makes each binding's observer; {@code onAssigned} is told (function name) when a binding's rebalance finished. */
  public BindingObserver.Factory bindings(Consumer<String> onAssigned) {
    return (function, group) -> new BindingMetrics(registry, function, group, () -> onAssigned.accept(function));
  }

  public void functionDeployed(String function) {
    ExecutorMetrics m = executorMetrics;
    if (m != null) {
      m.functionDeployed(function);
    }
  }

  public void functionUndeployed(String function) {
    ExecutorMetrics m = executorMetrics;
    if (m != null) {
      m.functionUndeployed(function);
    }
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Blocking (it walks every meter): the Prometheus text format. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        // closing: nothing left to tell
      }
    }
    gc.close();
    registry.close();
  }
}
