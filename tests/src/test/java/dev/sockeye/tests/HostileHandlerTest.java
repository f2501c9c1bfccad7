package dev.sockeye.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockeye.cli.Main;
import dev.sockeye.schemas.InvocationResult;
import dev.sockeye.schemas.StartKind;
import dev.sockeye.schemas.Status;
import dev.sockeye.service.Isolation;
import dev.sockeye.service.ServiceSettings;
import dev.sockeye.service.SockeyeService;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile handlers deployed through the normal path (CLI deploy, real broker, sandboxed service). Each must fail
 * to do harm: its event gets an ERROR, TIMEOUT or OOM result saying what happened, and the service keeps
 * serving. "Refused" handlers try several things and raise only if every attempt was refused (so an attempt that
 * succeeds turns into an OK result and fails the test); the message lists each attempt's errno.
 */
@ExtendWith({SharedKafka.class, NoLeaks.class})
class HostileHandlerTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final String HARNESS = String.join("\n",
      "import ctypes, errno, os, socket, subprocess, sys, time",
      "class Refused(Exception):",
      "    pass",
      "def attempt(log, name, fn):",
      "    try:",
      "        fn()",
      "        log.append(name + ': ALLOWED')",
      "    except OSError as e:",
      "        log.append(name + ': ' + errno.errorcode.get(e.errno or 0, str(e)))",
      "def verdict(log):",
      "    if any(entry.endswith('ALLOWED') for entry in log):",
      "        return log",
      "    raise Refused('; '.join(log))",
      "libc = ctypes.CDLL(None, use_errno=True)",
      "def sys_ok(result):",
      "    if result != 0:",
      "        raise OSError(ctypes.get_errno(), 'syscall refused')",
      "",
      "");

  @TempDir static Path dataDir;
  @TempDir static Path functions;
  private static SockeyeService service;

  @BeforeAll
  static void startService() {
    List<Path> hidden = SharedKafka.logDir() == null ? List.of() : List.of(SharedKafka.logDir());
    service = SockeyeService.start(new ServiceSettings(SharedKafka.bootstrap(), dataDir, PYTHON)
        .withIsolation(new Isolation(false, Path.of("/"), hidden)), Clock.systemUTC());
  }

  @AfterAll
  static void stopService() {
    service.close();
  }

  private static InvocationResult runOnce(String name, String yaml, String body, String eventJson) throws Exception {
    String topic = name + "-in";
    Cluster.createTopic(topic, 1);
    Path dir = TestFunctions.write(functions, name, topic, "concurrency: 1\n" + yaml, HARNESS + body);
    assertEquals(0, Main.run("deploy", dir.toString(), "--bootstrap-servers", SharedKafka.bootstrap()));
    Cluster.send(topic, 0, Cluster.json(List.of(eventJson)));
    List<InvocationResult> results = Cluster.results(topic + ".results", 1);
    assertEquals(1, results.size(), name + " got its result");
    return results.get(0);
  }

  private static void assertRefused(InvocationResult r, String... expected) {
    assertEquals(Status.ERROR, r.getStatus(), "harm was done: " + Cluster.output(r));
    assertEquals("Refused", r.getErrorType().toString(), r.toString());
    for (String e : expected) {
      assertTrue(r.getErrorMessage().toString().contains(e), "expected '" + e + "' in: " + r.getErrorMessage());
    }
    // Sandboxed, whichever attempt the result is from: retries reuse the (sandboxed) warm instance.
    assertTrue(r.getStartKind() == StartKind.ZYGOTE || r.getStartKind() == StartKind.WARM, r.getStartKind().toString());
  }

  private static String quote(Object o) {
    return "\"" + o + "\"";
  }

  @Test
  void secretsOtherFunctionsCodeDataDirAndKafkaLogsAreUnreadable() throws Exception {
    runOnce("victim-code", "", "SECRET = 'victim-secret'\ndef f(e):\n    return 1\n", "{}");
    Path victimCode = dataDir.resolve("functions/victim-code");
    Path kafka = SharedKafka.logDir() == null ? dataDir : SharedKafka.logDir();
    String body = String.join("\n",
        "def handler(event, context):",
        "    log = []",
        "    attempt(log, 'read /etc/shadow', lambda: open('/etc/shadow').read())",
        "    attempt(log, 'read /etc/gshadow', lambda: open('/etc/gshadow').read())",
        "    attempt(log, 'list other code', lambda: os.listdir(event['value']['code']))",
        "    attempt(log, 'list data dir', lambda: os.listdir(event['value']['data']))",
        "    attempt(log, 'list kafka log dir', lambda: os.listdir(event['value']['kafka']))",
        "    attempt(log, 'list /root', lambda: os.listdir('/root'))",
        "    attempt(log, 'list /home', lambda: os.listdir('/home'))",
        "    return verdict(log)",
        "");
    InvocationResult r = runOnce("secrets", "", body, "{\"code\": " + quote(victimCode) + ", \"data\": "
        + quote(dataDir) + ", \"kafka\": " + quote(kafka) + "}");
    assertRefused(r, "read /etc/shadow: EACCES", "list other code: ENOENT", "list data dir: ENOENT",
        "list kafka log dir: ENOENT", "list /root: ENOENT");
  }

  @Test
  void writesOutsideScratchAreRefusedAndScratchAndTmpAreCapped() throws Exception {
    String body = String.join("\n",
        "def fill(path):",
        "    with open(path, 'wb') as f:",
        "        for _ in range(16):",
        "            f.write(b'x' * (1 << 20))",
        "            f.flush()",
        "def handler(event, context):",
        "    log = []",
        "    for p in ['/evil', '/usr/evil', '/etc/evil', '/handler/evil', '/packages/evil']:",
        "        attempt(log, 'write ' + p, lambda: open(p, 'w').write('x'))",
        "    attempt(log, 'fill /host', lambda: fill('/host/fill'))",
        "    attempt(log, 'fill /tmp', lambda: fill('/tmp/fill'))",
        "    return verdict(log)",
        "");
    InvocationResult r = runOnce("writer", "scratch_mb: 4\n", body, "{}");
    assertRefused(r, "write /evil: EROFS", "write /usr/evil: EROFS", "write /handler/evil: EROFS",
        "fill /host: ENOSPC", "fill /tmp: ENOSPC");
  }

  @Test
  void signalsProcessListsNetworkAndPrivilegedCallsAreRefusedAndTheVictimSurvives() throws Exception {
    String victimBody = "import uuid\nID = uuid.uuid4().hex\ndef f(e):\n    return ID\n";
    String victimId = Cluster.output(runOnce("victim", "", victimBody, "{}"));
    String pids = ProcessHandle.current().descendants().map(p -> Long.toString(p.pid())).collect(Collectors.joining(","));
    int brokerPort = Integer.parseInt(SharedKafka.bootstrap().replaceAll(".*:", ""));
    String body = String.join("\n",
        "def probe_pids():",
        "    seen = [p for p in range(2, 5000) if alive(p)]",
        "    if seen: return seen",
        "    raise OSError(errno.ESRCH, 'no process but ourselves')",
        "def alive(p):",
        "    try:",
        "        os.kill(p, 0)",
        "        return True",
        "    except OSError:",
        "        return False",
        "def host_processes():",
        "    listed = [p for p in os.listdir('/proc') if p.isdigit()]",
        "    if str(os.getpid()) not in listed:",
        "        raise OSError(errno.ENOENT, 'no procfs of our own PID namespace')",
        "    others = [p for p in listed if int(p) != os.getpid()]",
        "    if others: return others",
        "    raise OSError(errno.ESRCH, 'only our own process in /proc')",
        "def double_chroot():",
        "    os.makedirs('/tmp/x', exist_ok=True)",
        "    os.chroot('/tmp/x')",
        "def handler(event, context):",
        "    v = event['value']",
        "    log = []",
        "    attempt(log, 'kill executor', lambda: os.kill(v['jvm'], 9))",
        "    for p in v['pids']:",
        "        attempt(log, 'kill ' + str(p), lambda: os.kill(p, 9))",
        "    attempt(log, 'kill -1', lambda: os.kill(-1, 9))",
        "    attempt(log, 'list host processes', host_processes)",
        "    attempt(log, 'probe pids', probe_pids)",
        "    attempt(log, 'connect broker', lambda: socket.create_connection(('127.0.0.1', v['port']), timeout=2))",
        "    attempt(log, 'chroot', lambda: os.chroot('/tmp'))",
        "    attempt(log, 'double chroot', double_chroot)",
        "    attempt(log, 'mount', lambda: sys_ok(libc.mount(b'none', b'/tmp', b'tmpfs', 0, None)))",
        "    attempt(log, 'unshare user', lambda: sys_ok(libc.unshare(0x10000000)))",
        "    attempt(log, 'unshare mount', lambda: sys_ok(libc.unshare(0x20000)))",
        "    attempt(log, 'ptrace', lambda: sys_ok(libc.ptrace(0, 0, None, None)))",
        "    attempt(log, 'setuid 0', lambda: os.setuid(0))",
        "    return verdict(log)",
        "");
    InvocationResult r = runOnce("hostile", "", body, "{\"jvm\": " + ProcessHandle.current().pid() + ", \"pids\": ["
        + pids + "], \"port\": " + brokerPort + "}");
    assertRefused(r, "kill executor: ESRCH", "kill -1: ESRCH", "list host processes: ESRCH", "probe pids: ESRCH",
        "connect broker: ECONNREFUSED", "chroot: EPERM", "double chroot: EPERM", "mount: EPERM",
        "unshare user: EPERM", "unshare mount: EPERM", "ptrace: EPERM", "setuid 0: EPERM");
    Cluster.send("victim-in", 0, Cluster.json(List.of("{}")));
    List<InvocationResult> victim = Cluster.results("victim-in.results", 2);
    assertEquals(victimId, Cluster.output(victim.get(1)), "the victim's instance survived, unharmed");
  }

  @Test
  void forkBombIsHeldByThePidsLimitAndTimesOut() throws Exception {
    String body = "def f(e):\n    while True:\n        try:\n            os.fork()\n        except OSError:\n"
        + "            time.sleep(0.01)\n";
    InvocationResult r = runOnce("forkbomb", "pids: 16\ntimeout_ms: 2000\n", body, "{}");
    assertEquals(Status.TIMEOUT, r.getStatus(), r.toString());
    assertOthersStillServed();
  }

  @Test
  void allocatingPastMemoryLimitIsOutOfMemory() throws Exception {
    String body = "def f(e):\n    hog = []\n    while True:\n        hog.append(b'x' * (1 << 20))\n";
    InvocationResult r = runOnce("hog", "memory_mb: 48\n", body, "{}");
    assertEquals(Status.OOM, r.getStatus(), r.toString());
    assertTrue(r.getErrorMessage().toString().contains("memory_mb=48"), r.toString());
    assertOthersStillServed();
  }

  @Test
  void busyLoopPastTimeoutIsKilled() throws Exception {
    InvocationResult r = runOnce("spin", "timeout_ms: 500\n", "def f(e):\n    while True:\n        pass\n", "{}");
    assertEquals(Status.TIMEOUT, r.getStatus(), r.toString());
  }

  @Test
  void backgroundProcessDiesWithItsInstance() throws Exception {
    String body = "def f(e):\n    subprocess.Popen(['/usr/bin/python3', '-c', 'import time; time.sleep(3600)',"
        + " 'sockeye-bg-marker'])\n    return 'started'\n";
    InvocationResult r = runOnce("background", "", body, "{}");
    assertEquals(Status.OK, r.getStatus(), r.toString());
    assertTrue(markerProcesses() > 0, "the background process runs while its instance lives");
    assertEquals(0, Main.run("undeploy", "background", "--bootstrap-servers", SharedKafka.bootstrap()));
    await().atMost(Duration.ofSeconds(20)).until(() -> markerProcesses() == 0);
  }

  private static long markerProcesses() {
    return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains("sockeye-bg-marker")).count();
  }

  private static void assertOthersStillServed() throws Exception {
    InvocationResult ok = runOnce("benign-" + System.nanoTime() % 100000, "", "def f(e):\n    return 'fine'\n", "{}");
    assertEquals(Status.OK, ok.getStatus(), ok.toString());
  }
}
