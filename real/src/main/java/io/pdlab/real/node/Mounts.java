package io.pdlab.real.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Mounts under a directory of pdlab's (a kubelet node's: its docker daemon's overlays and network
 * namespaces, the kubelet's secret volumes), read from {@code /proc/self/mountinfo} and undone
 * deepest first, so that removing the directory never reaches into a mounted file system.
 */
public final class Mounts {
  private static final Duration UMOUNT = Duration.ofSeconds(20);

  private Mounts() {
  }

  /** The mount points at or under {@code dir}, deepest first. */
  public static List<Path> under(Path dir) {
    List<Path> out = new ArrayList<>();
    Path base = dir.toAbsolutePath().normalize();
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
    } catch (IOException e) {
      return out;
    }
    for (String line : lines) {
      String[] f = line.split(" ");
      if (f.length < 5) {
        continue;
      }
      Path p = Path.of(unescape(f[4]));
      if (p.startsWith(base)) {
        out.add(p);
      }
    }
    out.sort(Comparator.comparingInt(Path::getNameCount).reversed()
        .thenComparing(Comparator.reverseOrder()));
    return out;
  }

  /**
   * Unmounts everything at or under {@code dir}, deepest first (lazily when a mount is busy).
   *
   * @throws IllegalStateException naming what is still mounted afterwards
   */
  public static void unmountUnder(Path dir) {
    for (Path p : under(dir)) {
      Commands.Result r = Commands.run(UMOUNT, null, List.of(umount(), p.toString()));
      if (r.exitCode() != 0) {
        Commands.run(UMOUNT, null, List.of(umount(), "-l", p.toString()));
      }
    }
    List<Path> left = under(dir);
    if (!left.isEmpty()) {
      throw new IllegalStateException("still mounted under " + dir + ": " + left);
    }
  }

  private static String umount() {
    return Commands.which("umount").map(Path::toString).orElse("umount");
  }

  /** mountinfo escapes space, tab, newline and backslash as octal ({@code \040}). */
  static String unescape(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
