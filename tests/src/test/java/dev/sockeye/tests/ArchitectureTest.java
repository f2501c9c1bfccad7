package dev.sockeye.tests;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The module tree in SOCK's order, enforced: bench → consumer → executor → zygote-manager → sandbox, the packages
 * inside zygote-manager and sandbox in their own order, and the zygote wire protocol private to zygote-manager. A
 * lower module or package that imports a higher one, any class outside zygote-manager that imports
 * {@code dev.sockeye.zygote.protocol}, or a consumer class that imports zygote-manager fails the build. (Maven
 * already refuses a module that imports one it does not depend on; these rules also catch a module that skips the
 * one below it, and back-imports between packages of one module.) Main classes only: tests may reach across.
 */
@AnalyzeClasses(packages = "dev.sockeye", importOptions = {ImportOption.DoNotIncludeTests.class,
    ArchitectureTest.OnlyOurMainClasses.class})
class ArchitectureTest {
  /** A module's classes wherever the build puts them: its target/classes directory or its jar. */
  private static DescribedPredicate<JavaClass> module(String directory, String artifact) {
    return DescribedPredicate.describe("module " + directory, c -> c.getSource()
        .map(s -> s.getUri().toString())
        .map(uri -> uri.contains("/" + directory + "/target/classes/") || uri.contains("/" + artifact + "-"))
        .orElse(false));
  }

  @ArchTest
  static final ArchRule modulesDependOnlyDownward = layeredArchitecture()
      .consideringOnlyDependenciesInLayers()
      .layer("sandbox").definedBy(module("sandbox", "sockeye-sandbox"))
      .layer("zygote-manager").definedBy(module("zygote-manager", "sockeye-zygote-manager"))
      .layer("executor").definedBy(module("executor", "sockeye-executor"))
      .layer("consumer").definedBy(module("consumer", "sockeye-consumer"))
      .layer("bench").definedBy(module("bench", "sockeye-bench"))
      .whereLayer("bench").mayNotBeAccessedByAnyLayer()
      .whereLayer("consumer").mayOnlyBeAccessedByLayers("bench")
      .whereLayer("executor").mayOnlyBeAccessedByLayers("consumer", "bench")
      .whereLayer("zygote-manager").mayOnlyBeAccessedByLayers("executor", "consumer", "bench")
      .whereLayer("sandbox").mayOnlyBeAccessedByLayers("zygote-manager", "executor", "consumer", "bench");

  /** Inside zygote-manager: API values, then the wire format, then processes, then the manager, then the tree. */
  @ArchTest
  static final ArchRule zygoteManagerPackagesDependOnlyDownward = layeredArchitecture()
      .consideringOnlyDependenciesInLayers()
      .layer("invoke").definedBy("dev.sockeye.zygote.invoke..")
      .layer("protocol").definedBy("dev.sockeye.zygote.protocol..")
      .layer("process").definedBy("dev.sockeye.zygote.process..")
      .layer("manager").definedBy("dev.sockeye.zygote")
      .layer("tree").definedBy("dev.sockeye.zygote.tree..")
      .whereLayer("tree").mayNotBeAccessedByAnyLayer()
      .whereLayer("manager").mayOnlyBeAccessedByLayers("tree")
      .whereLayer("process").mayOnlyBeAccessedByLayers("manager", "tree")
      .whereLayer("protocol").mayOnlyBeAccessedByLayers("process", "manager", "tree")
      .whereLayer("invoke").mayOnlyBeAccessedByLayers("protocol", "process", "manager", "tree");

  /** Inside sandbox: the libc binding, then mounts, cgroups and namespaces, then root filesystems, then Sandboxes. */
  @ArchTest
  static final ArchRule sandboxPackagesDependOnlyDownward = layeredArchitecture()
      .consideringOnlyDependenciesInLayers()
      .layer("sys").definedBy("dev.sockeye.sandbox.sys..")
      .layer("parts").definedBy("dev.sockeye.sandbox.mount..", "dev.sockeye.sandbox.cgroup..",
          "dev.sockeye.sandbox.netns..")
      .layer("rootfs").definedBy("dev.sockeye.sandbox.rootfs..")
      .layer("sandbox").definedBy("dev.sockeye.sandbox")
      .whereLayer("sandbox").mayNotBeAccessedByAnyLayer()
      .whereLayer("rootfs").mayOnlyBeAccessedByLayers("sandbox")
      .whereLayer("parts").mayOnlyBeAccessedByLayers("rootfs", "sandbox")
      .whereLayer("sys").mayOnlyBeAccessedByLayers("parts", "rootfs", "sandbox");

  @ArchTest
  static final ArchRule wireProtocolStaysInsideZygoteManager = noClasses()
      .that().resideOutsideOfPackage("dev.sockeye.zygote..")
      .should().dependOnClassesThat().resideInAPackage("dev.sockeye.zygote.protocol..")
      .because("the zygote wire protocol is zygote-manager's own (PROTOCOL.md); others use its API types");

  @ArchTest
  static final ArchRule consumerSeesNoZygoteManagerType = noClasses()
      .that(module("consumer", "sockeye-consumer"))
      .should().dependOnClassesThat(module("zygote-manager", "sockeye-zygote-manager"))
      .because("the executor's API is in its own types; the consumer maps Kafka records to them");

  /**
   * Our modules' class directories and jars only: not test jars (the executor's holds helpers shared with these
   * tests), and not the third-party jars, which would only make the import slow.
   */
  static final class OnlyOurMainClasses implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return !location.contains("-tests.jar") && (!location.isJar() || location.contains("/sockeye-"));
    }
  }
}
