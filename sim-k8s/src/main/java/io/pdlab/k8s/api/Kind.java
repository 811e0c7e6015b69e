package io.pdlab.k8s.api;

/** The kinds the model stores, with their API group/version as a real API server knows them. */
public enum Kind {
  NODE("v1", "Node", false),
  POD("v1", "Pod", true),
  SERVICE("v1", "Service", true),
  ENDPOINTS("v1", "Endpoints", true),
  CONFIG_MAP("v1", "ConfigMap", true),
  PERSISTENT_VOLUME("v1", "PersistentVolume", false),
  PERSISTENT_VOLUME_CLAIM("v1", "PersistentVolumeClaim", true),
  STORAGE_CLASS("storage.k8s.io/v1", "StorageClass", false),
  STATEFUL_SET("apps/v1", "StatefulSet", true),
  DEPLOYMENT("apps/v1", "Deployment", true),
  TIDB_CLUSTER("pingcap.com/v1alpha1", "TidbCluster", true);

  private final String apiVersion;
  private final String kind;
  private final boolean namespaced;

  Kind(String apiVersion, String kind, boolean namespaced) {
    this.apiVersion = apiVersion;
    this.kind = kind;
    this.namespaced = namespaced;
  }

  public String apiVersion() {
    return apiVersion;
  }

  public String kindName() {
    return kind;
  }

  public boolean namespaced() {
    return namespaced;
  }
}
