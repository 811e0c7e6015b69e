package io.pdlab.pd.pod;

/** HTTP between simulated pods: one request, one response. */
public final class Http {
  private Http() {}

  public record Request(long id, String url) {
    @Override
    public String toString() {
      return "GET " + url;
    }
  }

  public record Response(long id, int status, String body) {
    @Override
    public String toString() {
      return status + " " + body.strip();
    }
  }

  /** The host of a URL without scheme, port or path. */
  static String host(String url) {
    String rest = url.contains("://") ? url.substring(url.indexOf("://") + 3) : url;
    int end = rest.length();
    for (char c : new char[] {':', '/'}) {
      int i = rest.indexOf(c);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    return rest.substring(0, end);
  }

  /** The path of a URL (from the first '/' after the host). */
  static String path(String url) {
    String rest = url.contains("://") ? url.substring(url.indexOf("://") + 3) : url;
    int slash = rest.indexOf('/');
    return slash < 0 ? "/" : rest.substring(slash);
  }
}
