package io.pdlab.sim.toy;

import io.pdlab.sim.process.Process;
import io.pdlab.sim.process.ProcessContext;

/**
 * Two processes bounce a counter: the pinger sends {@code Ping(1)}, the ponger answers
 * {@code Pong(1)}, the pinger sends {@code Ping(2)} and so on until {@code rounds} pongs came back.
 * Each round is two message events (schedule, deliver, handle).
 */
public final class PingPong {
  private PingPong() {}

  public record Ping(long n) {}

  public record Pong(long n) {}

  /** Sends the first ping on start; counts pongs; stops after {@code rounds}. */
  public static final class Pinger implements Process {
    private final String peer;
    private final long rounds;
    private long pongs;

    public Pinger(String peer, long rounds) {
      this.peer = peer;
      this.rounds = rounds;
    }

    @Override
    public void onStart(ProcessContext ctx) {
      if (rounds > 0) {
        ctx.send(peer, new Ping(1));
      }
    }

    @Override
    public void onMessage(ProcessContext ctx, String from, Object message) {
      if (message instanceof Pong p) {
        pongs = p.n();
        if (pongs < rounds) {
          ctx.send(peer, new Ping(pongs + 1));
        } else {
          ctx.log("done after " + pongs + " rounds");
        }
      }
    }

    public long pongs() {
      return pongs;
    }
  }

  /** Answers every ping with a pong of the same number. */
  public static final class Ponger implements Process {
    @Override
    public void onMessage(ProcessContext ctx, String from, Object message) {
      if (message instanceof Ping p) {
        ctx.send(from, new Pong(p.n()));
      }
    }
  }
}
