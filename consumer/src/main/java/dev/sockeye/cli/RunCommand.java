package dev.sockeye.cli;

import dev.sockeye.service.Caching;
import dev.sockeye.service.ServiceSettings;
import dev.sockeye.service.SockeyeService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import dev.sockeye.executor.HandlerCacheSettings;
import dev.sockeye.executor.ImportCacheSettings;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sockeye run}: the long-running service. */
@Command(name = "run", description = "Run the service: follow deployments and run functions on their topics until stopped.")
final class RunCommand implements Callable<Integer> {
  @Option(names = "--bootstrap-servers", description = "Kafka cluster to use (default: start an embedded broker)")
  String bootstrapServers;

  @Option(names = "--data-dir", defaultValue = "sockeye-data", description = "Where code, sockets and the embedded broker's log live (default: ${DEFAULT-VALUE})")
  Path dataDir;

  @Mixin KafkaClientOptions kafkaClient;

  @Option(names = "--config", paramLabel = "FILE",
      description = "A YAML file whose keys are this command's flags (kebab- or snake_case); SOCKEYE_<FLAG> variables override it, flags override both")
  Path config;

  @Option(names = "--kafka-port", defaultValue = "0", description = "Port of the embedded broker (default: any free port)")
  int kafkaPort;

  @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Interpreter handlers run on (default: ${DEFAULT-VALUE})")
  Path python;

  @picocli.CommandLine.Mixin
  SandboxOptions sandbox;
  @Mixin PipOptions pip;
  @Mixin MetricsOptions metrics;

  @Option(names = "--zygote-tree", description = "An initial zygote tree (YAML or JSON), built at start")
  Path zygoteTree;

  @Option(names = "--zygote-memory-mb", defaultValue = "2048", description = "Memory budget of the zygote tree (default: ${DEFAULT-VALUE})")
  long zygoteMemoryMb;

  @Option(names = "--zygote-growth-threshold", defaultValue = "3", description = "Forks of one package set from a parent lacking part of it before a zygote is built for it (default: ${DEFAULT-VALUE})")
  int growthThreshold;

  @Option(names = "--spares-per-zygote", defaultValue = "2", description = "Children each zygote forks ahead of demand, so a fork skips the zygote; 0 forks on demand (default: ${DEFAULT-VALUE})")
  int sparesPerZygote;

  @Option(names = "--idle-timeout-ms", defaultValue = "300000", description = "Idle time after which an instance is closed (default: ${DEFAULT-VALUE})")
  long idleTimeoutMs;

  @Option(names = "--freeze-after-ms", defaultValue = "1000", description = "Idle time after which an instance is frozen with the cgroup freezer; off if not below --idle-timeout-ms (default: ${DEFAULT-VALUE})")
  long freezeAfterMs;

  @Option(names = "--frozen-memory-mb", defaultValue = "1024", description = "Memory frozen instances may hold, measured from their cgroups; least recently used go first (default: ${DEFAULT-VALUE})")
  long frozenMemoryMb;

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(dataDir);
    KafkaTarget kafka = KafkaTarget.open(bootstrapServers, kafkaClient, dataDir, kafkaPort);
    SockeyeService service;
    try {
      service = SockeyeService.start(new ServiceSettings(kafka.connection(), dataDir, python, sandbox.isolation(),
          new Caching(pip.settings(python), new ImportCacheSettings(growthThreshold, zygoteMemoryMb << 20, 2, sparesPerZygote),
              new HandlerCacheSettings(Duration.ofMillis(freezeAfterMs), Duration.ofMillis(idleTimeoutMs), frozenMemoryMb << 20),
              zygoteTree)), metrics.settings(), Clock.systemUTC());
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      service.close();
      kafka.close();
      stopped.countDown();
    }, "sockeye-shutdown"));
    if (service.metricsPort() != 0) {
      System.out.println("metrics: http://" + displayHost(metrics.host) + ":" + service.metricsPort() + "/metrics (also /healthz, /readyz)");
    }
    System.out.println("sockeye is running; deploy a function with: java -jar consumer/target/sockeye.jar deploy DIR --data-dir " + dataDir);
    stopped.await();
    return 0;
  }

  /** An address a browser on this host can open: the wildcard address is not one. */
  static String displayHost(String host) {
    return host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
  }
}
