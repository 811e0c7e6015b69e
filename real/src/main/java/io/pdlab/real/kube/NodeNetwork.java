package io.pdlab.real.kube;

import io.pdlab.real.node.Commands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The network of one kubelet node: a Linux bridge of its own with a /24 of {@link #RANGE}, which
 * the node's docker daemon gives its containers (pod sandboxes) their addresses from, and the
 * forwarding between the bridges of one run's nodes (pods reach each other across nodes through
 * the host, as through a VPC's routes). The machine's own docker daemon and its bridge are never
 * touched.
 *
 * <p>Everything this makes is named after the JVM that made it: bridges {@code pdlb<pid>n<i>},
 * iptables rules with the comment {@code pdlab:<pid>}, so {@link #reapOrphans} can remove what a
 * killed JVM left.
 */
public final class NodeNetwork implements AutoCloseable {
  /** The addresses of kubelet nodes' pods: 10.213.0.0/16, one /24 per node. */
  public static final String RANGE = "10.213.0.0/16";
  private static final String PREFIX = "10.213.";
  /** Bridge names: {@code pdlb<pid>n<index>} (at most 15 characters, the kernel's limit). */
  static final Pattern BRIDGE = Pattern.compile("pdlb(\\d+)n(\\d+)");
  private static final Pattern COMMENT = Pattern.compile("pdlab:(\\d+)");
  private static final Duration CMD = Duration.ofSeconds(20);
  private static final Object LOCK = new Object();

  private final String bridge;
  private final int octet;
  private final long owner;
  private boolean closed;

  private NodeNetwork(String bridge, int octet, long owner) {
    this.bridge = bridge;
    this.octet = octet;
    this.owner = owner;
  }

  /**
   * Makes node {@code index}'s bridge with the first free /24 of {@link #RANGE}, up, and lets the
   * run's bridges forward to each other.
   *
   * @throws IllegalStateException when {@code ip}/{@code iptables} fail (not root, no bridge
   *     support), saying which command and why; nothing is left behind then
   */
  public static NodeNetwork create(int index) {
    long pid = ProcessHandle.current().pid();
    String name = "pdlb" + pid + "n" + index;
    if (name.length() > 15) {
      throw new IllegalArgumentException("bridge name " + name + " is longer than 15 characters");
    }
    synchronized (LOCK) {
      int octet = freeOctet();
      NodeNetwork n = new NodeNetwork(name, octet, pid);
      try {
        cmd("ip", "link", "add", name, "type", "bridge");
        cmd("ip", "addr", "add", n.gateway() + "/24", "dev", name);
        cmd("ip", "link", "set", name, "up");
        cmd("iptables", "-I", "FORWARD", "-i", name, "-d", RANGE, "-m", "comment",
            "--comment", "pdlab:" + pid, "-j", "ACCEPT");
      } catch (RuntimeException e) {
        n.close();
        throw e;
      }
      return n;
    }
  }

  /** The bridge's name (the docker daemon's {@code --bridge}). */
  public String bridge() {
    return bridge;
  }

  /** The node's /24, e.g. {@code 10.213.4.0/24}. */
  public String subnet() {
    return PREFIX + octet + ".0/24";
  }

  /** The host's address on the bridge: where pods reach pdlab (its driver, its DNS). */
  public String gateway() {
    return PREFIX + octet + ".1";
  }

  /** Whether {@code ip} is a pod address of this node. */
  public boolean contains(String ip) {
    return ip.startsWith(PREFIX + octet + ".");
  }

  /**
   * Drops what the pods of this node send to the pods of {@code other} (one direction; a
   * partition between two nodes asks both).
   */
  public void dropTo(NodeNetwork other) {
    cmd("iptables", "-I", "FORWARD", "-s", subnet(), "-d", other.subnet(), "-m", "comment",
        "--comment", "pdlab:" + owner, "-j", "DROP");
  }

  /** Removes every drop this node's pods' traffic is subject to (both directions). */
  public void healAll() {
    for (String rule : rules()) {
      if (rule.contains("-j DROP") && (rule.contains("-s " + subnet())
          || rule.contains("-d " + subnet()))) {
        deleteRule(rule);
      }
    }
  }

  /** Removes the bridge and this node's rules. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (String rule : rules()) {
      if (rule.contains("-i " + bridge + " ") || rule.contains("-s " + subnet() + " ")
          || rule.contains("-d " + subnet() + " ")) {
        deleteRule(rule);
      }
    }
    Commands.run(CMD, null, List.of(bin("ip"), "link", "del", bridge));
  }

  /**
   * Removes the bridges and rules of pdlab JVMs that are gone (a killed run's). Returns what it
   * removed.
   */
  public static List<String> reapOrphans() {
    List<String> removed = new ArrayList<>();
    if (Commands.which("ip").isEmpty() || Commands.which("iptables").isEmpty()
        || ProcessHandle.current().info().user().map(u -> !u.equals("root")).orElse(true)) {
      return removed;
    }
    synchronized (LOCK) {
      for (String rule : rules()) {
        Matcher m = COMMENT.matcher(rule);
        if (m.find() && dead(Long.parseLong(m.group(1)))) {
          deleteRule(rule);
          removed.add("iptables " + rule);
        }
      }
      Commands.Result links = Commands.run(CMD, null, List.of(bin("ip"), "-o", "link", "show"));
      for (String line : links.output().split("\n")) {
        Matcher m = Pattern.compile("^\\d+: (pdlb\\d+n\\d+)[:@]").matcher(line);
        if (m.find()) {
          Matcher b = BRIDGE.matcher(m.group(1));
          if (b.matches() && dead(Long.parseLong(b.group(1)))) {
            Commands.run(CMD, null, List.of(bin("ip"), "link", "del", m.group(1)));
            removed.add("bridge " + m.group(1));
          }
        }
      }
    }
    return removed;
  }

  private static boolean dead(long pid) {
    return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
  }

  /** The FORWARD rules that are pdlab's, as {@code iptables -S} prints them. */
  private static List<String> rules() {
    Commands.Result r = Commands.run(CMD, null, List.of(bin("iptables"), "-S", "FORWARD"));
    List<String> out = new ArrayList<>();
    for (String line : r.output().split("\n")) {
      if (line.startsWith("-A FORWARD ") && line.contains("pdlab:")) {
        out.add(line.substring("-A FORWARD ".length()).strip() + " ");
      }
    }
    return out;
  }

  private static void deleteRule(String rule) {
    List<String> args = new ArrayList<>(List.of(bin("iptables"), "-D", "FORWARD"));
    // iptables -S quotes nothing here: the comment is one word (pdlab:<pid>).
    for (String a : rule.strip().split("\\s+")) {
      args.add(a.replace("\"", ""));
    }
    Commands.run(CMD, null, args);
  }

  /** The lowest third octet of {@link #RANGE} no interface of this machine has an address in. */
  private static int freeOctet() {
    String addrs = Commands.check(CMD, List.of(bin("ip"), "-o", "-4", "addr", "show"));
    for (int o = 0; o < 256; o++) {
      if (!addrs.contains(" " + PREFIX + o + ".")) {
        return o;
      }
    }
    throw new IllegalStateException("no free /24 left in " + RANGE + " for a kubelet node");
  }

  private static void cmd(String... command) {
    List<String> c = new ArrayList<>(List.of(command));
    c.set(0, bin(command[0]));
    Commands.check(CMD, c);
  }

  /** The path of {@code ip} or {@code iptables} (sbin need not be on the JVM's PATH). */
  static String bin(String name) {
    Optional<java.nio.file.Path> bin = Commands.which(name);
    if (bin.isEmpty()) {
      throw new IllegalStateException("kubelet nodes need '" + name + "' (as root: apt-get"
          + " install -y " + (name.equals("ip") ? "iproute2" : "iptables") + ")");
    }
    return bin.get().toString();
  }

  @Override
  public String toString() {
    return bridge + " " + subnet();
  }
}
