package io.pdlab.pd.tidb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pdlab.pd.tidb.DiscoveryAction.Respond;
import io.pdlab.pd.tidb.ScriptAction.ExecPdServer;
import io.pdlab.pd.tidb.ScriptAction.HttpGet;
import io.pdlab.pd.tidb.ScriptAction.Sleep;
import io.pdlab.sim.Rng;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The two machines speak the same protocol: the script's request is what discovery parses. */
class ScriptWithDiscoveryTest {
  private static final PdMembersResult UNREACHABLE =
      new PdMembersResult.Failed("connection refused");

  /** Runs a pod's script up to its discovery request and returns that request's path. */
  private static String pathOf(PdStartScript s) {
    s.start(0);
    s.onSleepDone(1_000);
    HttpGet get = (HttpGet) s.onDnsResult(1_000, true).get(0);
    return get.url().substring(get.url().indexOf("/new/"));
  }

  /** Serves one request end to end, PD unreachable, and returns discovery's answer. */
  private static Respond serve(DiscoveryService d, long id, String path) {
    d.onRequest(id, path);
    List<DiscoveryAction> a = d.onTidbCluster(id,
        new TidbClusterRead.Found(TidbClusterView.of("100", 3)));
    if (a.get(0) instanceof DiscoveryAction.GetPdMembers) {
      a = d.onPdMembers(id, UNREACHABLE);
    }
    return (Respond) a.get(0);
  }

  @Test
  void lastOfThreeScriptsExecsWithAOneMemberInitialCluster() {
    DiscoveryService d = new DiscoveryService("ns");
    PdStartScript[] pods = new PdStartScript[3];
    String[] paths = new String[3];
    for (int i = 0; i < 3; i++) {
      pods[i] = new PdStartScript(
          PdStartScriptConfig.of("basic-pd-" + i, "ns", "basic", DataDirState.EMPTY), new Rng(i));
      paths[i] = pathOf(pods[i]);
    }
    assertEquals(500, serve(d, 1, paths[0]).status());
    assertEquals(500, serve(d, 2, paths[1]).status());
    Respond third = serve(d, 3, paths[2]);
    assertEquals(200, third.status());

    PdStartScript pd2 = pods[2];
    Sleep pause = (Sleep) pd2.onHttpResult(2_000,
        new HttpResult.Response(third.status(), third.body())).get(0);
    ExecPdServer exec = (ExecPdServer) pd2.onSleepDone(2_000 + pause.ms()).get(0);
    assertEquals("--initial-cluster=basic-pd-2=http://basic-pd-2.basic-pd-peer.ns.svc:2380",
        exec.args().get(exec.args().size() - 1));
    assertEquals(8, exec.args().size());
  }
}
