package io.pdlab.real.client;

import java.util.Map;
import java.util.Objects;

/**
 * Translates URLs between the simulator's names and the real processes' addresses.
 *
 * <p>The simulator's processes name members by model URLs such as
 * {@code http://basic-0001.basic.ns.svc:2380}, while the real etcd behind them listens on a
 * loopback address such as {@code http://127.0.10.3:40123}. {@link EtcdOps} sends real URLs to
 * etcd and answers with model URLs, so the simulator's state machines never see a real address.
 * Both directions leave a URL they do not know unchanged.
 *
 * <p>Implementations must be safe to call from any thread ({@link EtcdOps} completes requests on
 * jetcd's threads).
 */
public interface UrlMap {
  /** The real URL for a model URL, or {@code modelUrl} itself when it is not mapped. */
  String toReal(String modelUrl);

  /** The model URL for a real URL, or {@code realUrl} itself when it is not mapped. */
  String toModel(String realUrl);

  /** The map that changes nothing: model URLs are real URLs. */
  static UrlMap identity() {
    return Identity.INSTANCE;
  }

  /**
   * A live view of {@code modelToReal}: every call consults the map as it is then, so a driver may
   * keep a {@link java.util.concurrent.ConcurrentHashMap} and add entries while running. The
   * reverse direction scans the values (member counts are small).
   */
  static UrlMap of(Map<String, String> modelToReal) {
    Objects.requireNonNull(modelToReal, "modelToReal");
    return new UrlMap() {
      @Override
      public String toReal(String modelUrl) {
        String real = modelToReal.get(modelUrl);
        return real == null ? modelUrl : real;
      }

      @Override
      public String toModel(String realUrl) {
        for (Map.Entry<String, String> e : modelToReal.entrySet()) {
          if (e.getValue().equals(realUrl)) {
            return e.getKey();
          }
        }
        return realUrl;
      }

      @Override
      public String toString() {
        return "UrlMap" + modelToReal;
      }
    };
  }

  /** The identity map as a singleton. */
  enum Identity implements UrlMap {
    INSTANCE;

    @Override
    public String toReal(String modelUrl) {
      return modelUrl;
    }

    @Override
    public String toModel(String realUrl) {
      return realUrl;
    }
  }
}
