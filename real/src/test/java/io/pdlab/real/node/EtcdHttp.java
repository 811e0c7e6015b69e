package io.pdlab.real.node;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** etcd's v3 JSON gateway (POST /v3/...), enough for tests to write, read and find leaders. */
final class EtcdHttp {

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(1)).version(HttpClient.Version.HTTP_1_1).build();
  private static final Pattern VALUE = Pattern.compile("\"value\":\"([^\"]*)\"");
  private static final Pattern MEMBER_ID = Pattern.compile("\"member_id\":\"(\\d+)\"");
  private static final Pattern LEADER = Pattern.compile("\"leader\":\"(\\d+)\"");

  private EtcdHttp() {
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static String post(String endpoint, String path, String json, Duration timeout)
      throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    HttpResponse<String> resp = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() != 200) {
      throw new IOException("POST " + endpoint + path + " -> HTTP " + resp.statusCode() + " "
          + resp.body());
    }
    return resp.body();
  }

  /** Writes key=value (linearizable; fails without a leader). */
  static void put(String endpoint, String key, String value) throws Exception {
    post(endpoint, "/v3/kv/put", "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\"}",
        Duration.ofSeconds(5));
  }

  /** Reads a key (linearizable). */
  static Optional<String> get(String endpoint, String key) throws Exception {
    String body = post(endpoint, "/v3/kv/range", "{\"key\":\"" + b64(key) + "\"}",
        Duration.ofSeconds(5));
    Matcher m = VALUE.matcher(body);
    return m.find()
        ? Optional.of(new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8))
        : Optional.empty();
  }

  /** This member's id and the leader it knows ("0" when it knows none). */
  record Status(String memberId, String leader) {
  }

  static Status status(String endpoint) throws Exception {
    String body = post(endpoint, "/v3/maintenance/status", "{}", Duration.ofSeconds(2));
    Matcher id = MEMBER_ID.matcher(body);
    Matcher leader = LEADER.matcher(body);
    return new Status(id.find() ? id.group(1) : "?", leader.find() ? leader.group(1) : "0");
  }

  /** GET /health once with a short timeout. */
  static boolean healthy(String endpoint) {
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create(endpoint + "/health"))
          .timeout(Duration.ofSeconds(1)).GET().build();
      HttpResponse<String> resp = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
      return resp.statusCode() == 200 && resp.body().contains("\"health\":\"true\"");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
