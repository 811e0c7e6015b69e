package io.pdlab.scenarios.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pdlab.scenarios.model.Backend;
import io.pdlab.scenarios.model.Scenario;
import io.pdlab.scenarios.yaml.ScenarioParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which nodes of a {@code k8s} run real kubelets run ({@code infra.nodes}): the nodes members may
 * be placed on, when the machine fits them; and what that lets a scenario ask (a partition).
 */
class KubeletNodeChoiceTest {
  private static Scenario parse(String infra, String faults) {
    return ScenarioParser.parse("""
        name: t
        backend: k8s
        %s
        clusters: [{name: basic, strategy: static, pd: {replicas: 3}}]
        %s
        """.formatted(infra, faults), "t.yaml");
  }

  private static final String GROUPS = """
      infra:
        %s
        workerGroups:
          - {name: pd, count: 3, instanceType: m5d.xlarge, labels: {dedicated: pd}, taints: ["dedicated=pd:NoSchedule"]}
          - {name: tikv, count: 4, instanceType: m5.xlarge}
      """;

  @Test
  void byDefaultThePdGroupsNodesAreKubeletNodesAndTheOthersAgents() {
    assertEquals(List.of("pd-0", "pd-1", "pd-2"),
        ScenarioRunner.kubeletNodes(parse(GROUPS.formatted(""), "")));
    assertEquals(List.of("pd-0", "pd-1", "pd-2"),
        ScenarioRunner.kubeletNodes(parse(GROUPS.formatted("nodes: kubelet"), "")));
  }

  @Test
  void withoutGroupsEveryDefaultNodeMayHoldAMemberAndFits() {
    // 3 PD + 0 TiKV + 0 TiDB + 2 nodes, as buildInfra makes them
    assertEquals(List.of("node-0", "node-1", "node-2", "node-3", "node-4"),
        ScenarioRunner.kubeletNodes(parse("", "")));
  }

  @Test
  void agentNodesWhenAskedOrWhenMoreThanTheMachineFits() {
    assertEquals(List.of(), ScenarioRunner.kubeletNodes(parse(GROUPS.formatted("nodes: agent"),
        "")));
    String big = """
        infra:
          workerGroups:
            - {name: pd, count: 7, instanceType: m5d.xlarge}
        """;
    assertEquals(List.of(), ScenarioRunner.kubeletNodes(parse(big, "")));
    String bigKubelet = big.replace("infra:\n", "infra:\n  nodes: kubelet\n");
    List<String> problems = ScenarioRunner.unsupported(parse(bigKubelet, ""), Backend.K8S);
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("infra.nodes: kubelet: members may run on 7 nodes,"
        + " and this machine runs at most " + ScenarioRunner.MAX_KUBELET_NODES
        + " kubelet nodes"), problems.get(0));
  }

  @Test
  void aPartitionIsCutBetweenKubeletNodesButNotAmongAgentProcesses() {
    String partition = "faults: [{at: 10s, kind: partition, groups: [[0], [1, 2]], for: 5s}]";
    assertEquals(List.of(), ScenarioRunner.unsupported(parse(GROUPS.formatted(""), partition),
        Backend.K8S));
    List<String> agent = ScenarioRunner.unsupported(parse(GROUPS.formatted("nodes: agent"),
        partition), Backend.K8S);
    assertEquals(1, agent.size(), agent.toString());
    assertTrue(agent.get(0).contains("cannot partition members"), agent.get(0));
  }
}
