package dev.sockeye.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockeye.control.ControlTopics;
import dev.sockeye.kafka.TopicReader;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sockeye status}: what each running service last reported on sockeye.status. A service that stops
 * cleanly deletes its report (a tombstone); one that died is omitted once its last report is older than
 * {@code --max-age} (services report every {@value dev.sockeye.service.SockeyeService#STATUS_INTERVAL_S} s).
 */
@Command(name = "status", description = "Show each running service's functions, instances, zygote tree and package store.")
final class StatusCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin KafkaOptions kafka;

  @Option(names = "--json", description = "Print the raw JSON documents")
  boolean json;

  @Option(names = "--max-age", defaultValue = "30s", converter = DurationConverter.class,
      description = "Omit services not heard from for this long, e.g. 30s, 2m (default: ${DEFAULT-VALUE}; services report every 5 s)")
  Duration maxAge;

  Clock clock = Clock.systemUTC(); // tests replace it

  private boolean live(JsonNode s, Instant now) {
    return !Instant.ofEpochMilli(s.path("at").asLong()).plus(maxAge).isBefore(now);
  }

  /** "30s", "2m", "500ms" or an ISO-8601 duration ("PT30S"). */
  static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String v) {
      String t = v.trim().toLowerCase(java.util.Locale.ROOT);
      if (t.matches("\\d+ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      if (t.matches("\\d+[smh]")) {
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return t.endsWith("s") ? Duration.ofSeconds(n) : t.endsWith("m") ? Duration.ofMinutes(n) : Duration.ofHours(n);
      }
      return Duration.parse(v);
    }
  }

  @Override
  public Integer call() throws IOException {
    Map<String, JsonNode> latest = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(kafka.connect(), List.of(ControlTopics.STATUS), Duration.ofSeconds(30))) {
      if (r.value() != null) {
        latest.put(new String(r.key()), JSON.readTree(r.value()));
      } else {
        latest.remove(new String(r.key())); // the service stopped cleanly
      }
    }
    Instant now = clock.instant();
    long stale = latest.values().stream().filter(s -> !live(s, now)).count();
    latest.values().removeIf(s -> !live(s, now));
    if (latest.isEmpty() && !json) {
      System.out.println("no running service has reported status" + (stale > 0 ? "" : " yet"));
    }
    for (JsonNode s : latest.values()) {
      System.out.println(json ? s.toString() : StatusFormat.render(s, now));
    }
    if (stale > 0 && !json) {
      System.out.println(stale + " service(s) not heard from in " + maxAge.toSeconds() + " s omitted (stopped without saying so; --max-age to change)");
    }
    return 0;
  }
}
