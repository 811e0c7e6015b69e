package io.pdlab.pd.tidb;

/**
 * What the PD start script sees of the data volume when it runs: the content of
 * {@code <data-dir>/join} (written by PD after a successful join; {@code null} if the file does not
 * exist) and whether {@code <data-dir>/member/wal} exists (etcd has started at least once).
 */
public record DataDirState(String joinFileContent, boolean walExists) {
  /** A fresh volume. */
  public static final DataDirState EMPTY = new DataDirState(null, false);

  public static DataDirState withJoinFile(String content) {
    return new DataDirState(content, false);
  }

  public static DataDirState withWal() {
    return new DataDirState(null, true);
  }
}
