package io.pdlab.pd.etcd;

/** A process that runs an etcd member (etcd itself, or PD embedding it); null while it has none. */
public interface EtcdHolder {
  EtcdMember etcd();
}
