package io.pdlab.pd.tidb;

/**
 * How a {@link ScriptAction.HttpGet} ended, as {@code wget} sees it. Only a 2xx {@link Response}
 * is success (exit code 0); everything else makes the script's {@code until} loop try again.
 */
public sealed interface HttpResult {
  /** The server answered. */
  record Response(int status, String body) implements HttpResult {
    public Response {
      if (body == null) {
        throw new IllegalArgumentException("body must not be null (use \"\")");
      }
    }
  }

  /** No complete answer within the {@code -T} timeout. */
  record Timeout() implements HttpResult {}

  /** Name not resolved, connection refused or reset. */
  record ConnectionError(String reason) implements HttpResult {}

  /** True for what makes {@code wget} exit 0. */
  default boolean succeeded() {
    return this instanceof Response r && r.status() >= 200 && r.status() < 300;
  }
}
