package io.pdlab.pd.run;

import io.pdlab.pd.etcd.Member;
import io.pdlab.pd.etcd.MemberIds;
import io.pdlab.sim.datadriven.DataDrivenFile;
import io.pdlab.sim.trace.TraceRecord;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Walks {@code src/test/resources/testdata/classifier}: each file feeds {@link ClusterClassifier}
 * a sequence of member views and pins the health, bootstrap, measures and outcome it gives. These
 * are the measures' rules for every backend, tested once. Rewrite with
 * {@code -Dpdlab.rewrite=true} and review the diff.
 *
 * <p>Commands (times in seconds):
 * <ul>
 *   <li>{@code config desired=N pd=true|false}: a new classifier;
 *   <li>{@code observe t=T expected=a,b,c a=VIEW b=VIEW ...}: one observation; a VIEW is
 *       {@code down} or {@code CLUSTER/ID/LEADER[/MEMBERS]} in hex, MEMBERS a comma list of
 *       {@code ID} (added, never started), {@code ID:NAME} (started), {@code ID:NAME:listed}
 *       (named in a static list, not started) with {@code :learner} appended for learners; a name
 *       left out of the options does not answer; prints the health and bootstrap verdict;
 *   <li>{@code formed cluster=C t=T}: the driver saw a leader elected in C;
 *   <li>{@code pd cluster=C id=N}: a PD cluster ID written in C;
 *   <li>{@code account span=S available=true|false [tolerant=true|false]}: a span of time (the
 *       tolerance defaults to the last observation's); prints the two totals;
 *   <li>{@code measures [lost=N]}: the measures and outcome, with N lost writes.
 * </ul>
 */
class ClassifierDataDrivenTest {
  static final Path DIR = Path.of("src/test/resources/testdata/classifier");

  @TestFactory
  Stream<DynamicTest> files() {
    return DataDrivenDir.tests(DIR, () -> new Script()::run);
  }

  /** One file's state: the classifier under test. */
  static final class Script {
    private ClusterClassifier c = new ClusterClassifier(0, false);

    String run(DataDrivenFile.Case k) {
      Map<String, String> o = k.options();
      switch (k.verb()) {
        case "config" -> {
          c = new ClusterClassifier(Integer.parseInt(o.getOrDefault("desired", "0")),
              Boolean.parseBoolean(o.getOrDefault("pd", "false")));
          return "";
        }
        case "observe" -> {
          List<String> expected = Arrays.asList(o.get("expected").split(","));
          Map<String, MemberView> views = new LinkedHashMap<>();
          for (Map.Entry<String, String> e : o.entrySet()) {
            if (!e.getKey().equals("t") && !e.getKey().equals("expected")) {
              views.put(e.getKey(), view(e.getKey(), e.getValue()));
            }
          }
          c.observe(us(o.get("t")), expected, views);
          ClusterClassifier.Health h = c.health();
          return "serving=" + h.serving() + " leader=" + (h.leaderName() == null ? "none"
              : h.leaderName()) + " voters=" + h.voters() + " quorum=" + h.quorum()
              + " connected=" + h.connected() + " healthy=" + h.healthy() + " learners="
              + h.learners() + " tolerant=" + h.tolerant() + "\nbootstrapped=" + c
              .bootstrappedNow() + " at=" + time(c.bootstrappedAtUs()) + "\n";
        }
        case "formed" -> {
          c.formed(hex(o.get("cluster")), us(o.get("t")));
          return "";
        }
        case "pd" -> {
          c.pdClusterId(hex(o.get("cluster")), Long.parseLong(o.get("id")));
          return "";
        }
        case "account" -> {
          boolean tolerant = o.containsKey("tolerant") ? Boolean.parseBoolean(o.get("tolerant"))
              : c.health().tolerant();
          c.account(us(o.get("span")), Boolean.parseBoolean(o.get("available")), tolerant);
          return "unavailable=" + time(c.unavailableUs()) + " zero-tolerance="
              + time(c.zeroToleranceUs()) + "\n";
        }
        case "measures" -> {
          List<String> lost = new ArrayList<>();
          for (int i = 0; i < Integer.parseInt(o.getOrDefault("lost", "0")); i++) {
            lost.add("w" + i);
          }
          RunMeasures m = c.measures(lost, List.of(), List.of());
          List<String> ids = new ArrayList<>();
          m.clusterIds().forEach(id -> ids.add(MemberIds.hex(id)));
          return "outcome=" + m.outcome().label() + " bootstrap=" + time(m.bootstrapUs())
              + " unavailable=" + time(m.unavailableUs()) + " zero-tolerance="
              + time(m.zeroToleranceUs()) + " clusters=" + ids + " pd-clusters="
              + m.pdClusterIds().size() + "\n";
        }
        default -> throw new IllegalArgumentException(k.where() + ": unknown command "
            + k.verb());
      }
    }

    private static MemberView view(String name, String text) {
      if (text.equals("down")) {
        return MemberView.Of.down(name);
      }
      String[] f = text.split("/", -1);
      List<Member> members = new ArrayList<>();
      if (f.length > 3 && !f[3].isEmpty()) {
        for (String item : f[3].split(",")) {
          String[] p = item.split(":");
          String memberName = p.length > 1 ? p[1] : "";
          List<String> flags = Arrays.asList(p).subList(Math.min(2, p.length), p.length);
          boolean published = !memberName.isEmpty() && !flags.contains("listed");
          members.add(new Member(hex(p[0]), memberName, List.of("http://" + p[0] + ":2380"),
              published ? List.of("http://" + p[0] + ":2379") : List.of(),
              flags.contains("learner")));
        }
      }
      return MemberView.Of.up(name, hex(f[0]), hex(f[1]), hex(f[2]), 1, 1, members);
    }

    private static long hex(String s) {
      return Long.parseUnsignedLong(s, 16);
    }

    private static long us(String seconds) {
      return new BigDecimal(seconds).movePointRight(6).longValueExact();
    }

    private static String time(long us) {
      return us < 0 ? "never" : TraceRecord.formatTime(us) + "s";
    }
  }
}
