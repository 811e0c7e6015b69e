package io.pdlab.reports;

import java.util.Comparator;
import java.util.List;

/**
 * The fixed order of everything the results and the report list, so that the output never
 * depends on input order or hashing: strategies in the order of {@code protocols.md} section 2
 * (then unknown ones alphabetically), the simulator before real backends, the clean run before
 * faults, sizes ascending.
 */
public final class Ordering {
  /** Known strategies in the order the docs introduce them. */
  public static final List<String> STRATEGIES =
      List.of("static", "seed-join", "seed-join-learner", "discovery", "v2-static");

  /** The backend listed first. */
  public static final String SIM = "sim";

  /** The fault listed first: a clean run. */
  public static final String NO_FAULT = "none";

  private static final int UNKNOWN = Integer.MAX_VALUE;

  /** Known strategies first in {@link #STRATEGIES} order, then others alphabetically. */
  public static final Comparator<String> STRATEGY = Comparator
      .comparingInt((String s) -> STRATEGIES.contains(s) ? STRATEGIES.indexOf(s) : UNKNOWN)
      .thenComparing(Comparator.naturalOrder());

  /** {@code sim} first, then alphabetically. */
  public static final Comparator<String> BACKEND = first(SIM);

  /** {@code none} first, then alphabetically. */
  public static final Comparator<String> FAULT = first(NO_FAULT);

  /** Summary order: backend, strategy, members, fault. */
  public static final Comparator<Group> GROUP = Comparator
      .comparing(Group::backend, BACKEND)
      .thenComparing(Group::strategy, STRATEGY)
      .thenComparingInt(Group::members)
      .thenComparing(Group::fault, FAULT);

  /** Record order: by group, then scenario, then seed; ties keep their input order. */
  public static final Comparator<RunRecord> RECORD = Comparator
      .comparing(Group::of, GROUP)
      .thenComparing(RunRecord::scenario)
      .thenComparingLong(RunRecord::seed);

  private Ordering() {}

  private static Comparator<String> first(String head) {
    return Comparator.comparing((String s) -> !s.equals(head))
        .thenComparing(Comparator.naturalOrder());
  }

  /** The key of a summary: backend, strategy, members, fault. */
  public record Group(String backend, String strategy, int members, String fault) {
    /** The group {@code r} belongs to. */
    public static Group of(RunRecord r) {
      return new Group(r.backend(), r.strategy(), r.members(), r.fault());
    }
  }
}
