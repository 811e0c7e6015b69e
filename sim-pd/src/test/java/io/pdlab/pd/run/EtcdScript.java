package io.pdlab.pd.run;

import io.pdlab.pd.etcd.EtcdConfig;
import io.pdlab.pd.etcd.EtcdMember;
import io.pdlab.pd.etcd.EtcdMessages.AddResult;
import io.pdlab.pd.etcd.EtcdMessages.ClientOp;
import io.pdlab.pd.etcd.EtcdTiming;
import io.pdlab.pd.etcd.Member;
import io.pdlab.pd.etcd.MemberIds;
import io.pdlab.sim.Budget;
import io.pdlab.sim.RunResult;
import io.pdlab.sim.datadriven.DataDrivenFile;
import io.pdlab.sim.trace.TraceKind;
import io.pdlab.sim.trace.TraceRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Interprets the commands of the etcd data-driven files against an {@link EtcdWorld}. Each command
 * prints what happened while it ran (leaders, readiness, exits, rejections) and its own result.
 */
final class EtcdScript {
  private EtcdWorld world;
  private PdWorld pd;
  private int restartsShown;
  private EtcdTiming timing = EtcdTiming.ETCD_DEFAULTS;
  private String token = "tok";
  private final List<String> events = new ArrayList<>();

  String run(DataDrivenFile.Case c) {
    try {
      return dispatch(c);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(c.where() + ": " + c.command() + ": " + e.getMessage(), e);
    }
  }

  private String dispatch(DataDrivenFile.Case c) {
    Map<String, String> o = c.options();
    List<String> a = resolve(c.args());
    if (c.verb().equals("world")) {
      timing = o.getOrDefault("timing", "etcd").equals("pd") ? EtcdTiming.PD_PROFILE
          : EtcdTiming.ETCD_DEFAULTS;
      if (o.containsKey("prevote")) {
        timing = timing.withPreVote(o.get("prevote").equals("on"));
      }
      if (o.containsKey("strict")) {
        timing = timing.withStrictReconfigCheck(o.get("strict").equals("on"));
      }
      token = o.getOrDefault("token", "tok");
      world = new EtcdWorld(Long.parseLong(o.getOrDefault("seed", "1")),
          Budget.of(5_000_000, 3_600_000_000L), true);
      world.sim().addTraceSink(this::collect);
      return "";
    }
    if (c.verb().equals("pdworld")) {
      timing = o.getOrDefault("timing", "pd").equals("pd") ? EtcdTiming.PD_PROFILE
          : EtcdTiming.ETCD_DEFAULTS;
      pd = new PdWorld(Long.parseLong(o.getOrDefault("seed", "1")),
          Budget.of(20_000_000, 3_600_000_000L), true, "ns", o.getOrDefault("tc", "basic"),
          timing);
      world = pd.world();
      world.sim().addTraceSink(this::collect);
      pd.createPdPods(Integer.parseInt(o.getOrDefault("replicas", "3")));
      return "";
    }
    if (world == null) {
      throw new IllegalStateException("no world: start the file with 'world' or 'pdworld'");
    }
    StringBuilder out = new StringBuilder();
    switch (c.verb()) {
      case "static" -> world.addStatic(a, timing, o.getOrDefault("token", token));
      case "member" -> {
        String name = a.get(0);
        List<String> names = Arrays.asList(o.get("cluster").split(","));
        EtcdConfig.State st = o.getOrDefault("state", "new").equals("new") ? EtcdConfig.State.NEW
            : EtcdConfig.State.EXISTING;
        world.addMember(EtcdWorld.config(name, EtcdWorld.initialCluster(names), st,
            o.getOrDefault("token", token), timing));
      }
      case "start" -> {
        world.startMeasuring();
        List<String> names = new ArrayList<>(a.equals(List.of("all")) ? world.expected() : a);
        if (pd != null && a.equals(List.of("all"))) {
          names.add(0, pd.discoveryName());
        }
        for (String n : names) {
          world.sim().start(n);
        }
      }
      case "bump-resource-version" -> pd.bumpResourceVersion();
      case "replicas" -> pd.createPdPods(Integer.parseInt(a.get(0)));
      case "restarts" -> {
        List<String> all = pd.restarts();
        for (String r : all.subList(restartsShown, all.size())) {
          out.append(r).append('\n');
        }
        restartsShown = all.size();
        return flush() + out;
      }
      case "run" -> {
        RunResult r;
        if ("bootstrapped".equals(o.get("until"))) {
          r = world.runUntilBootstrapped();
        } else {
          r = world.runUntil(world.sim().nowUs() + parseDurationUs(a.get(0)));
        }
        out.append(flush());
        if (!r.violations().isEmpty()) {
          out.append("VIOLATIONS:\n").append(r.describe());
        }
        if ("bootstrapped".equals(o.get("until"))) {
          out.append(world.bootstrapped() ? "bootstrapped at "
              + TraceRecord.formatTime(world.sim().nowUs()) + "s" : "not bootstrapped: "
              + r.outcome()).append('\n');
        }
        return out.toString();
      }
      case "add" -> {
        ClientOp op = new ClientOp.MemberAdd(List.of(EtcdWorld.peerUrl(a.get(0))),
            a.contains("learner"));
        return call(via(o), op);
      }
      case "remove" -> {
        return call(via(o), new ClientOp.MemberRemove(idOf(via(o), a.get(0))));
      }
      case "promote" -> {
        return call(via(o), new ClientOp.MemberPromote(idOf(via(o), a.get(0))));
      }
      case "put" -> {
        Map.Entry<String, String> kv = o.entrySet().stream()
            .filter(e -> !e.getKey().equals("via")).findFirst().orElseThrow();
        return call(via(o), new ClientOp.Put(kv.getKey(), kv.getValue()));
      }
      case "get" -> {
        return call(via(o), new ClientOp.Get(a.get(0)));
      }
      case "members" -> {
        return call(via(o), new ClientOp.MemberList());
      }
      case "member-status" -> {
        return call(via(o), new ClientOp.Status());
      }
      case "crash" -> a.forEach(world.sim()::crash);
      case "restart" -> {
        if (a.contains("wipe")) {
          world.sim().wipe(a.get(0));
        }
        world.sim().restart(a.get(0));
      }
      case "pause" -> a.forEach(world.sim()::pause);
      case "resume" -> a.forEach(world.sim()::resume);
      case "partition" -> {
        List<List<String>> groups = new ArrayList<>();
        for (String g : a) {
          groups.add(Arrays.asList(g.split(",")));
        }
        world.sim().network().partition(groups);
      }
      case "cut" -> world.sim().network().cut(a.get(0), a.get(1));
      case "isolate" -> a.forEach(world.sim().network()::isolate);
      case "heal" -> world.sim().network().healAll();
      case "status" -> {
        return flush() + world.status();
      }
      case "measures" -> {
        RunMeasures m = world.measures();
        out.append(m.describe()).append('\n');
        for (String t : m.timeline()) {
          out.append("timeline ").append(t).append('\n');
        }
        return out.toString();
      }
      default -> throw new IllegalArgumentException("unknown command '" + c.verb() + "'");
    }
    return flush();
  }

  /**
   * Replaces the word {@code leader} by the current leader's name, {@code followers} by the other
   * expected members (comma-joined inside partition groups too) and {@code follower} by the
   * first of them.
   */
  private List<String> resolve(List<String> args) {
    if (world == null) {
      return args;
    }
    String leader = null;
    List<String> followers = new ArrayList<>();
    for (String n : world.expected()) {
      EtcdMember e = world.etcd(n);
      if (e != null && e.isLeader() && leader == null) {
        leader = n;
      } else {
        followers.add(n);
      }
    }
    List<String> out = new ArrayList<>();
    for (String arg : args) {
      List<String> parts = new ArrayList<>();
      for (String p : arg.split(",")) {
        if (p.equals("leader")) {
          if (leader == null) {
            throw new IllegalStateException("no leader now");
          }
          parts.add(leader);
        } else if (p.equals("followers")) {
          parts.addAll(followers);
        } else if (p.equals("follower")) {
          parts.add(followers.get(0));
        } else {
          parts.add(p);
        }
      }
      out.add(String.join(",", parts));
    }
    return out;
  }

  private long idOf(String via, String name) {
    EtcdMember m = world.etcd(via);
    Member found = m.membership().byPeerUrl(EtcdWorld.peerUrl(name));
    if (found == null) {
      return 0x1234; // an ID nobody has, to exercise "member not found"
    }
    return found.id();
  }

  private String via(Map<String, String> o) {
    return resolve(List.of(o.get("via"))).get(0);
  }

  private String call(String via, ClientOp op) {
    EtcdClient.Call call = world.client().send(via, op);
    world.startMeasuring();
    world.sim().run(call::answered);
    StringBuilder out = new StringBuilder(flush());
    out.append("-> ").append(TraceRecord.formatTime(call.answeredUs)).append("s ");
    if (call.response.error() != null) {
      out.append("error: ").append(call.response.error().message());
    } else if (call.response.value() instanceof AddResult r) {
      out.append("ok: added ").append(MemberIds.hex(r.added().id()))
          .append(r.added().learner() ? " as learner" : "").append(", members ")
          .append(r.members());
    } else {
      out.append("ok: ").append(call.response.value());
    }
    return out.append('\n').toString();
  }

  private void collect(TraceRecord r) {
    if (r.kind() != TraceKind.STATE) {
      return;
    }
    String d = r.detail();
    String text = null;
    if (d.startsWith("etcd: LEADER")) {
      text = "leader " + d.substring("etcd: LEADER ".length()).split(" lead=")[0];
    } else if (d.startsWith("etcd: published")) {
      text = "ready";
    } else if (d.startsWith("etcd: exit:") || d.startsWith("etcd: rejected")
        || d.contains("refused at apply") || d.contains("cluster ID mismatch")
        || d.startsWith("etcd: bootstrapped") || d.startsWith("etcd: joining")
        || d.startsWith("etcd: WAL exists") || d.startsWith("etcd: stream to")) {
      text = d.substring("etcd: ".length());
    } else if (d.startsWith("raft: stepped down") || d.startsWith("raft: propose conf")
        || d.startsWith("raft: leader removed")) {
      text = d.substring("raft: ".length());
    }
    if (d.startsWith("pd: ") && !d.startsWith("pd: PD leadership lost")) {
      text = d.substring("pd: ".length());
    } else if (d.startsWith("discovery: ")) {
      text = d;
    }
    if (text != null) {
      events.add(TraceRecord.formatTime(r.timeUs()) + " " + r.node() + " " + text);
    }
  }

  private String flush() {
    StringBuilder sb = new StringBuilder();
    for (String e : events) {
      sb.append(e).append('\n');
    }
    events.clear();
    return sb.toString();
  }

  static long parseDurationUs(String s) {
    if (s.endsWith("ms")) {
      return Math.round(Double.parseDouble(s.substring(0, s.length() - 2)) * 1_000);
    }
    if (s.endsWith("s")) {
      return Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1_000_000);
    }
    throw new IllegalArgumentException("duration '" + s + "' needs a unit (ms or s)");
  }
}
