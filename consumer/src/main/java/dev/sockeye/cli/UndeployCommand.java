package dev.sockeye.cli;

import dev.sockeye.control.Deployer;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code sockeye undeploy NAME}: running services stop the function's binding. */
@Command(name = "undeploy", description = "Remove a function; running services stop consuming for it.")
final class UndeployCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Parameters(paramLabel = "NAME")
  String name;

  @Override
  public Integer call() {
    new Deployer(kafka.connect(), Clock.systemUTC()).undeploy(name);
    System.out.println("undeployed " + name);
    return 0;
  }
}
