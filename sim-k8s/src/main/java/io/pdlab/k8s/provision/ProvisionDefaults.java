package io.pdlab.k8s.provision;

import io.pdlab.sim.Distribution;
import java.util.List;

/**
 * Every number of the provisioning model, each with its source. "provisioning.md" is
 * /work/shared/docs/provisioning.md; paths are in pingcap/tidb-operator unless another repo is
 * named. Durations are microseconds. Distributions are clamped normals, so their median is their
 * mean; where a figure is an assumption (no observed value in provisioning.md) the comment says so.
 */
public final class ProvisionDefaults {
  private ProvisionDefaults() {}

  private static final long S = 1_000_000L;
  private static final long MS = 1_000L;

  // ------------------------------------------------------------------ Terraform

  /** provisioning.md s1: Terraform walks the graph with {@code -parallelism}, default 10. */
  public static final int PARALLELISM = 10;

  /** provisioning.md s1: wait-tidb-ready polls kubectl every 5 s, no timeout. */
  public static final long WAIT_TIDB_READY_POLL_US = 5 * S;

  /** provisioning.md s1 setup-env: {@code until helm ls; do sleep 5; done}. */
  public static final long HELM_LS_POLL_US = 5 * S;

  /**
   * deploy/aws/variables.tf {@code default_cluster_name = "my-cluster"} (also stated in
   * deploy/aws/README.md, PR #491).
   */
  public static final String DEFAULT_CLUSTER_NAME = "my-cluster";

  // ------------------------------------------------------------------ durations (medians)

  /** Assumption: one EC2 DescribeAvailabilityZones call (data source), median 1 s. */
  public static final Distribution AVAILABILITY_ZONES =
      Distribution.normal(S, 300 * MS, 200 * MS, 5 * S);

  /** Assumption: one EC2 ImportKeyPair call, median 1 s. */
  public static final Distribution KEY_PAIR = Distribution.normal(S, 300 * MS, 200 * MS, 5 * S);

  /** Assumption: VPC, subnets, route tables and a NAT gateway (which dominates), median 100 s. */
  public static final Distribution VPC = Distribution.normal(100 * S, 15 * S, 60 * S, 240 * S);

  /**
   * provisioning.md s1: control plane observed at 9m46s (median 586 s); capped at the 15 min create
   * timeout (typical 10-15 min). The 60 s spread is an assumption.
   */
  public static final Distribution EKS_CONTROL_PLANE =
      Distribution.normal(586 * S, 60 * S, 420 * S, 900 * S);

  /**
   * provisioning.md s1: kubectl apply with up to 10 retries x 10 s, so at most 100 s. The 5 s
   * median (first try works) is an assumption.
   */
  public static final Distribution AWS_AUTH_CONFIGMAP =
      Distribution.normal(5 * S, 2 * S, S, 100 * S);

  /** Assumption: kubeconfig is a local file write, median 1 s. */
  public static final Distribution KUBECONFIG = Distribution.normal(S, 300 * MS, 200 * MS, 5 * S);

  /** Assumption: one AutoScaling CreateLaunchConfiguration call, median 2 s. */
  public static final Distribution LAUNCH_CONFIG = Distribution.normal(2 * S, 500 * MS, S, 10 * S);

  /** provisioning.md s1: an ASG of 3 until InService, observed 45 s; spread is an assumption. */
  public static final Distribution ASG = Distribution.normal(45 * S, 8 * S, 25 * S, 180 * S);

  // setup-env (provisioning.md s1; PR #401 log: "null_resource.setup-env: Creation complete
  // after 1m28s"). The split into steps is an assumption; the step medians add up to 88 s.

  /** Assumption: kubectl apply of the CRD, median 4 s (setup-env total 1m28s, PR #401). */
  public static final Distribution SETUP_CRD = Distribution.normal(4 * S, S, S, 30 * S);

  /** Assumption: kubectl apply of local-volume-provisioner, median 3 s. */
  public static final Distribution SETUP_LOCAL_VOLUME_PROVISIONER =
      Distribution.normal(3 * S, S, S, 30 * S);

  /** Assumption: kubectl apply of the gp2 StorageClass, median 2 s. */
  public static final Distribution SETUP_GP2_STORAGECLASS =
      Distribution.normal(2 * S, 500 * MS, S, 30 * S);

  /** Assumption: kubectl apply of tiller's RBAC, median 4 s. */
  public static final Distribution SETUP_TILLER_RBAC = Distribution.normal(4 * S, S, S, 30 * S);

  /** Assumption: {@code helm init --wait} until tiller's pod is ready (image pull), median 60 s. */
  public static final Distribution SETUP_HELM_INIT =
      Distribution.normal(60 * S, 10 * S, 20 * S, 300 * S);

  /**
   * Assumption: time from helm init's return until {@code helm ls} answers, median 15 s; the step
   * ends at the first 5 s poll at or after it ({@link #HELM_LS_POLL_US}).
   */
  public static final Distribution SETUP_HELM_LS_WAIT =
      Distribution.normal(15 * S, 5 * S, 0, 120 * S);

  /**
   * provisioning.md s1: operator release observed at 22 s (issue #1659); capped at the release's
   * {@code timeout = 300} (PR #401 plan output). Spread is an assumption.
   */
  public static final Distribution OPERATOR_RELEASE =
      Distribution.normal(22 * S, 4 * S, 10 * S, 300 * S);

  /**
   * Assumption: the tidb-cluster release only creates objects (wait-tidb-ready does the waiting),
   * median 5 s.
   */
  public static final Distribution CLUSTER_RELEASE = Distribution.normal(5 * S, S, 2 * S, 30 * S);

  /**
   * provisioning.md s1: a node is Ready roughly 90 s after its instance is InService (boot,
   * /etc/eks/bootstrap.sh, kubelet register). Spread is an assumption.
   */
  public static final Distribution NODE_JOIN = Distribution.normal(90 * S, 15 * S, 45 * S, 300 * S);

  /**
   * provisioning.md s1: the cloud creates a LoadBalancer Service's load balancer "minutes" after
   * the Service exists. Median 3 min is an assumption.
   */
  public static final Distribution LB_HOSTNAME =
      Distribution.normal(180 * S, 45 * S, 60 * S, 600 * S);

  // ------------------------------------------------------------------ worker groups (s2)

  /** provisioning.md s2: ASG max is count + 2. */
  public static final int ASG_MAX_EXTRA = 2;

  /** provisioning.md s2: the NVMe disk is formatted and mounted at /mnt/disks/ssd1. */
  public static final String LOCAL_DISK_MOUNT = "/mnt/disks/ssd1";

  /** provisioning.md s2: kubelet {@code --register-with-taints=dedicated=<v>:NoSchedule}. */
  public static final String DEDICATED_KEY = "dedicated";

  /** provisioning.md s2: pd, m5d.xlarge, 4 vCPU, 16 GiB, 150 GB NVMe, 3 nodes, dedicated. */
  public static final WorkerGroupConfig PD =
      new WorkerGroupConfig(WorkerGroup.PD, "m5d.xlarge", 4_000, 16 * 1024, 150, 3, true);

  /** provisioning.md s2: tikv, i3.2xlarge, 8 vCPU, 61 GiB, 1.9 TB NVMe, 3 nodes, dedicated. */
  public static final WorkerGroupConfig TIKV =
      new WorkerGroupConfig(WorkerGroup.TIKV, "i3.2xlarge", 8_000, 61 * 1024, 1_900, 3, true);

  /** provisioning.md s2: tidb, c4.4xlarge, 16 vCPU, 30 GiB, no disk, 2 nodes, dedicated. */
  public static final WorkerGroupConfig TIDB =
      new WorkerGroupConfig(WorkerGroup.TIDB, "c4.4xlarge", 16_000, 30 * 1024, 0, 2, true);

  /**
   * provisioning.md s2: monitor, c5.xlarge (4 vCPU, 8 GiB from the AWS instance spec; the table
   * names only the type), no disk, 1 node, untainted and unlabelled.
   */
  public static final WorkerGroupConfig MONITOR =
      new WorkerGroupConfig(WorkerGroup.MONITOR, "c5.xlarge", 4_000, 8 * 1024, 0, 1, false);

  /** The section 2 table, in {@link WorkerGroup} order. */
  public static final List<WorkerGroupConfig> WORKER_GROUPS = List.of(PD, TIKV, TIDB, MONITOR);

  // ------------------------------------------------------------------ placement and names

  /**
   * Assumption: deploy/aws's default region us-west-2 and its first three zones; an ASG spreads its
   * instances over them round-robin (instance i in zone i mod 3).
   */
  public static final List<String> ZONES = List.of("us-west-2a", "us-west-2b", "us-west-2c");

  /**
   * Kubernetes 1.12-era well-known node labels (EKS 1.12, deploy/aws/variables.tf eks_version).
   */
  public static final String HOSTNAME_LABEL = "kubernetes.io/hostname";

  /** See {@link #HOSTNAME_LABEL}. */
  public static final String ZONE_LABEL = "failure-domain.beta.kubernetes.io/zone";

  /** See {@link #HOSTNAME_LABEL}. */
  public static final String INSTANCE_TYPE_LABEL = "beta.kubernetes.io/instance-type";

  /**
   * provisioning.md s1 (v1.0 variant): the TiDB and Grafana Services of type LoadBalancer, named
   * {@code <cluster>-tidb} and {@code <cluster>-grafana} (tidb-cluster chart naming).
   */
  public static final List<String> LB_SERVICE_SUFFIXES = List.of("tidb", "grafana");

  /** Assumption: a made-up but stable host name suffix for load balancers (ELB in us-west-2). */
  public static final String LB_HOSTNAME_SUFFIX = ".us-west-2.elb.amazonaws.com";
}
