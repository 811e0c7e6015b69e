package io.pdlab.sim.process;

/**
 * A message that opens a connection (an HTTP request on a new TCP connection): sent to a process
 * that is down, or to a name nothing answers for, it is refused at once, as a TCP RST or a failed
 * lookup would be, and the sender gets {@link Refused} back. Other messages to a process that is
 * down are silently lost (a packet on an established connection). A refusal needs the way back to
 * be up; on a cut link the sender hears nothing and must time out.
 */
public interface Refusable {
  /** The answer to a refused {@link Refusable}: the message, back at its sender. */
  record Refused(Object message) {
    @Override
    public String toString() {
      return "refused(" + message + ")";
    }
  }
}
