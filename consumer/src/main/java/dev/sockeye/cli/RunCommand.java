package dev.sockeye.cli;

import dev.sockeye.service.SockeyeService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sockeye run}: the long-running service. */
@Command(name = "run", description = "Run the service: follow deployments and run functions on their topics until stopped.")
final class RunCommand implements Callable<Integer> {
  @Option(names = "--bootstrap-servers", description = "Kafka cluster to use (default: start an embedded broker)")
  String bootstrapServers;

  @Option(names = "--data-dir", defaultValue = "sockeye-data", description = "Where code, sockets and the embedded broker's log live (default: ${DEFAULT-VALUE})")
  Path dataDir;

  @Option(names = "--kafka-port", defaultValue = "0", description = "Port of the embedded broker (default: any free port)")
  int kafkaPort;

  @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Interpreter handlers run on (default: ${DEFAULT-VALUE})")
  Path python;

  @picocli.CommandLine.Mixin
  SandboxOptions sandbox;

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(dataDir);
    KafkaTarget kafka = KafkaTarget.open(bootstrapServers, dataDir, kafkaPort);
    SockeyeService service;
    try {
      service = SockeyeService.start(sandbox.settings(kafka.bootstrap(), dataDir, python), Clock.systemUTC());
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
    System.out.println("sockeye is running; deploy a function with: java -jar consumer/target/sockeye.jar deploy DIR --data-dir " + dataDir);
    stopped.await();
    return 0;
  }
}
