package io.pdlab.explore;

import io.pdlab.pd.run.Outcome;
import io.pdlab.pd.run.RunMeasures;
import io.pdlab.scenarios.model.FaultDef;
import java.util.List;
import java.util.TreeSet;

/**
 * Whether a run's outcome is worse than its faults explain, and if so, its mechanism named from
 * the run.
 *
 * <p>What faults explain: {@code ok} always; {@code degraded} when a fault took a member away for
 * good, as each fault's {@link FaultDef#takenAway} says (it never starts, it crashes with no
 * restart, it loses its data, its node is lost, or an unhealed partition leaves it outside the
 * largest group); {@code stuck} when those members leave
 * fewer than a quorum of the cluster's size. {@code split-brain} and {@code data-loss} are never
 * explained: no fault of a member's process, disk or network may make a cluster fork or forget
 * acknowledged writes -- losing a majority of disks should leave it stuck, not re-bootstrapped
 * empty (etcd-io/etcd #12227).
 */
final class Judge {
  private Judge() {}

  /** The mechanism, or null when the faults explain the outcome. */
  record Verdict(String mechanism) {}

  static Verdict judge(Schedule s, RunMeasures m, Probe p) {
    Taken t = taken(s);
    return new Verdict(explains(s.members(), t, m.outcome()) ? null
        : mechanism(s, m, p, t.wiped()));
  }

  /**
   * Whether the faults of {@code s} explain {@code outcome}: the rule of {@link #judge}, also
   * for an outcome no run showed (a catalog scenario's expected one).
   */
  static boolean explains(Schedule s, Outcome outcome) {
    return explains(s.members(), taken(s), outcome);
  }

  private static boolean explains(int n, Taken t, Outcome outcome) {
    int quorum = n / 2 + 1;
    int takenAway = t.away();
    return switch (outcome) {
      case OK -> true;
      case DEGRADED -> takenAway >= 1;
      case STUCK -> n - takenAway < quorum;
      case SPLIT_BRAIN, DATA_LOSS -> false;
    };
  }

  /**
   * What the faults of {@code s} take away for good.
   *
   * @param away members and lost nodes taken away, at most the cluster's size
   * @param wiped members whose data was lost
   */
  private record Taken(int away, int wiped) {}

  private static Taken taken(Schedule s) {
    int n = s.members();
    TreeSet<Integer> gone = new TreeSet<>();
    TreeSet<Integer> wiped = new TreeSet<>();
    int lostNodes = 0;
    for (FaultDef f : s.faults()) {
      FaultDef.TakenAway t = f.takenAway(n);
      gone.addAll(t.members());
      wiped.addAll(t.wiped());
      lostNodes += t.nodes();
    }
    TreeSet<Integer> away = new TreeSet<>(gone);
    away.addAll(wiped);
    return new Taken(Math.min(n, away.size() + lostNodes), wiped.size());
  }

  /** The mechanism of an unexplained outcome, from the run's measures and reports. */
  static String mechanism(Schedule s, RunMeasures m, Probe p, int wiped) {
    int n = s.members();
    int quorum = n / 2 + 1;
    List<String> timeline = m.timeline();
    Membership last = timeline.isEmpty() ? null
        : Membership.parse(timeline.get(timeline.size() - 1));
    return switch (m.outcome()) {
      case SPLIT_BRAIN -> m.clusterIds().size() >= 2
          ? bootstraps(m.clusterIds().size()) + " bootstrap decisions (etcd cluster IDs)"
          : m.pdClusterIds().size() + " PD cluster IDs created";
      case DATA_LOSS -> {
        String how = m.pdClusterIds().size() >= 2 ? "PD cluster ID created again"
            : "acknowledged writes lost";
        if (m.clusterIds().size() >= 2) {
          yield bootstraps(m.clusterIds().size()) + " bootstrap decisions (etcd cluster IDs): "
              + how;
        }
        if (p.bootstrapsAfterWipe > 0) {
          yield (wiped >= quorum ? "wiped majority" : "wiped minority") + " re-bootstrapped: "
              + how;
        }
        yield wiped > 0 ? "wiped member rejoined: " + how : how;
      }
      case STUCK -> {
        if (m.clusterIds().isEmpty()) {
          yield "never bootstrapped";
        }
        if (last != null && last.unstarted() > 0) {
          yield "joiner added but never joined" + because(p, " with " + last.voters() + " voters");
        }
        yield "quorum lost with " + (last == null ? "?" : last.voters()) + " voters";
      }
      case DEGRADED -> {
        if (last != null && last.unstarted() > 0) {
          yield "joiner added but never joined (degraded)"
              + because(p, " with " + last.voters() + " voters");
        }
        yield "not every member joined, none taken away" + because(p, "");
      }
      case OK -> throw new IllegalStateException("ok needs no mechanism");
    };
  }

  /**
   * Why the first member that began failing, and has not served since, last exited ({@link
   * Probe#notServingBecause}), as a suffix: so that joiners kept out by different causes (a
   * wrong advertised URL, a template that does not list them, a removed member) are different
   * mechanisms, and a finding is neither merged with nor shrunk into another cause's schedule.
   * The cause then names the mechanism, and how many voters the cluster was left with does not
   * (it follows from how far the search resized it); {@code otherwise} when no member exited.
   */
  private static String because(Probe p, String otherwise) {
    String why = p.notServingBecause();
    return why.isEmpty() ? otherwise : " (exited: " + why + ")";
  }

  private static String bootstraps(int ids) {
    return ids == 2 ? "two" : Integer.toString(ids);
  }


  /**
   * A membership from a timeline line ({@code <time> <cluster> [a b <id>(unstarted) c:learner]}).
   *
   * @param voters members that are not learners
   * @param startedVoters voters that started
   * @param unstarted members added that never started
   * @param learners learners
   */
  record Membership(int voters, int startedVoters, int unstarted, int learners) {
    static Membership parse(String line) {
      int open = line.indexOf('[');
      int close = line.lastIndexOf(']');
      String inside = open < 0 || close < open ? "" : line.substring(open + 1, close).strip();
      int voters = 0;
      int started = 0;
      int unstarted = 0;
      int learners = 0;
      for (String t : inside.isEmpty() ? new String[0] : inside.split(" ")) {
        boolean learner = t.endsWith(":learner");
        boolean isStarted = !t.contains("(unstarted)");
        if (learner) {
          learners++;
        } else {
          voters++;
          if (isStarted) {
            started++;
          }
        }
        if (!isStarted) {
          unstarted++;
        }
      }
      return new Membership(voters, started, unstarted, learners);
    }

    /** E.g. {@code 3 voters (1 unstarted), 1 learner}. */
    String shape() {
      return voters + " voters (" + (voters - startedVoters) + " unstarted), " + learners
          + " learners";
    }
  }
}
