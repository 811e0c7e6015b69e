package io.pdlab.pd.tidb;

/**
 * What a PD pod finds on its data volume when it starts: the content of {@code <data-dir>/join}
 * (written by PD after a successful join; {@code null} if the file does not exist), whether
 * {@code <data-dir>/member/wal} exists (what tidb-operator v1.5.1's start script tests) and
 * whether {@code <data-dir>/member} is non-empty (what PD's join tests: tikv/pd v7.1
 * {@code server/join/join.go} {@code isDataExist(path.Join(cfg.DataDir, "member"))}).
 *
 * <p>The two tests disagree on a volume whose etcd got as far as {@code member/snap} but not to
 * {@code member/wal}: etcd 3.4.23's NewServer makes {@code member/snap} and its backend db before
 * it checks its flags and asks its peers, and the WAL only after (a member that exited on its
 * flags or its peers, or was killed in between).
 */
public record DataDirState(String joinFileContent, boolean walExists, boolean memberNonEmpty) {
  /** A fresh volume. */
  public static final DataDirState EMPTY = new DataDirState(null, false, false);

  public DataDirState {
    if (walExists && !memberNonEmpty) {
      throw new IllegalArgumentException("member/wal exists, so member is not empty");
    }
  }

  /** A volume whose {@code member} directory holds exactly what its WAL says. */
  public DataDirState(String joinFileContent, boolean walExists) {
    this(joinFileContent, walExists, walExists);
  }

  public static DataDirState withJoinFile(String content) {
    return new DataDirState(content, false);
  }

  public static DataDirState withWal() {
    return new DataDirState(null, true);
  }
}
