package dev.sockeye.cli;

import dev.sockeye.control.Deployer;
import dev.sockeye.function.FunctionPackage;
import dev.sockeye.function.HandlerCheck;
import dev.sockeye.executor.packages.PackageStore;
import dev.sockeye.function.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sockeye deploy DIR...}: validates and registers functions; running services pick them up live. */
@Command(name = "deploy", description = "Validate function directories and register them with the cluster.")
final class DeployCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Interpreter used to check f.py (default: ${DEFAULT-VALUE})")
  Path python;

  @Parameters(arity = "1..*", paramLabel = "DIR", description = "Function directories (function.yaml, f.py, optional requirements.txt)")
  List<Path> dirs;

  @Mixin PipOptions pip;

  @Override
  public Integer call() throws Exception {
    HandlerCheck check = new HandlerCheck(python);
    // Validate everything before registering anything: a bad directory deploys nothing.
    List<FunctionPackage> packages = dirs.stream().map(d -> FunctionPackage.load(d, check)).toList();
    checkRequirementsResolve();
    Deployer deployer = new Deployer(kafka.connect(), Clock.systemUTC());
    for (FunctionPackage p : packages) {
      deployer.deploy(p);
      System.out.printf("deployed %s version %s (topics %s -> %s)%n", p.definition().name(), p.version().substring(0, 12),
          p.definition().topics(), p.definition().topics().stream().map(p.definition()::resultTopicFor).toList());
    }
    return 0;
  }

  /** pip's resolver, here and now, so that an unresolvable requirements.txt fails the deploy with pip's error. */
  private void checkRequirementsResolve() throws Exception {
    Path scratch = Files.createTempDirectory("sockeye-deploy-");
    try {
      PackageStore resolver = new PackageStore(scratch, pip.settings(python));
      for (Path dir : dirs) {
        List<String> reqs = Requirements.read(dir);
        if (!reqs.isEmpty()) {
          resolver.resolve(reqs, dir.resolve("requirements.txt").toString());
        }
      }
    } finally {
      Files.deleteIfExists(scratch);
    }
  }
}
