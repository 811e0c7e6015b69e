package io.pdlab.sim.toy;

import io.pdlab.sim.process.Disk;
import io.pdlab.sim.process.Process;
import io.pdlab.sim.process.ProcessContext;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Push gossip of rumors among a fixed set of peers. Every round (a jittered timer) a process may
 * start a rumor of its own and sends everything it knows to one random peer; a receiver merges and
 * persists what it learns. Known rumors live on disk (they survive crashes, a wipe loses them), the
 * round counter is volatile. After {@code rounds} rounds a process falls silent, so runs end.
 */
public final class Gossip implements Process {
  /** The rumors a process knows, sent whole each round (sorted: a stable text form). */
  public record Rumors(SortedSet<String> ids) {
    public Rumors {
      ids = Collections.unmodifiableSortedSet(new TreeSet<>(ids));
    }

    @Override
    public String toString() {
      return "Rumors" + ids;
    }
  }

  private record Round(int n) {}

  static final String DISK_KEY = "rumors";

  private final List<String> peers;
  private final int rounds;
  private final long roundUs;
  private final double startRumorChance;
  private int round;

  /**
   * @param peers every process of the group (this one may be among them; it is skipped)
   * @param rounds rounds before falling silent
   * @param roundUs mean round length; each round lasts uniformly [roundUs/2, 3*roundUs/2]
   * @param startRumorChance chance per round of starting a new rumor
   */
  public Gossip(List<String> peers, int rounds, long roundUs, double startRumorChance) {
    this.peers = List.copyOf(peers);
    this.rounds = rounds;
    this.roundUs = roundUs;
    this.startRumorChance = startRumorChance;
  }

  @Override
  public void onStart(ProcessContext ctx) {
    ctx.log("knows " + known(ctx.disk()).size() + " rumors");
    schedule(ctx);
  }

  @Override
  public void onTimer(ProcessContext ctx, Object tag) {
    round = ((Round) tag).n();
    TreeSet<String> known = new TreeSet<>(known(ctx.disk()));
    if (ctx.rng().chance(startRumorChance)) {
      String id = ctx.name() + "." + ctx.incarnation() + "." + round;
      known.add(id);
      ctx.disk().put(DISK_KEY, new Rumors(known));
      ctx.log("new rumor " + id);
    }
    String peer = pickPeer(ctx);
    if (peer != null && !known.isEmpty()) {
      ctx.send(peer, new Rumors(known));
    }
    if (round < rounds) {
      schedule(ctx);
    } else {
      ctx.log("silent after " + round + " rounds");
    }
  }

  @Override
  public void onMessage(ProcessContext ctx, String from, Object message) {
    if (!(message instanceof Rumors r)) {
      return;
    }
    SortedSet<String> known = known(ctx.disk());
    if (!known.containsAll(r.ids())) {
      TreeSet<String> merged = new TreeSet<>(known);
      merged.addAll(r.ids());
      ctx.disk().put(DISK_KEY, new Rumors(merged));
      ctx.log("learned " + (merged.size() - known.size()) + " now " + merged.size());
    }
  }

  /** Rumors this process knows, from its disk. */
  public static SortedSet<String> known(Disk disk) {
    Rumors r = disk.get(DISK_KEY);
    return r == null ? Collections.emptySortedSet() : r.ids();
  }

  private void schedule(ProcessContext ctx) {
    long len = ctx.rng().between(roundUs / 2, roundUs + roundUs / 2);
    ctx.setTimer(len, new Round(round + 1));
  }

  private String pickPeer(ProcessContext ctx) {
    int others = peers.size() - (peers.contains(ctx.name()) ? 1 : 0);
    if (others == 0) {
      return null;
    }
    int k = ctx.rng().nextInt(others);
    for (String p : peers) {
      if (!p.equals(ctx.name()) && k-- == 0) {
        return p;
      }
    }
    throw new IllegalStateException("unreachable");
  }
}
