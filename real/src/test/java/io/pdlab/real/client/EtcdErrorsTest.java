package io.pdlab.real.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.grpc.Status;
import io.pdlab.pd.etcd.EtcdError;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The mapping of real etcd failures to the simulator's {@link EtcdError}. */
class EtcdErrorsTest {
  /** What jetcd's cluster calls fail with: an EtcdException made from the gRPC status. */
  private static Throwable jetcd(Status.Code code, String text) {
    return new CompletionException(
        EtcdExceptionFactory.toEtcdException(Status.fromCode(code).withDescription(text)));
  }

  /** What jetcd's KV calls fail with: the raw gRPC exception. */
  private static Throwable grpc(Status.Code code, String text) {
    return new CompletionException(Status.fromCode(code).withDescription(text).asRuntimeException());
  }

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of(jetcd(Status.Code.FAILED_PRECONDITION,
            "etcdserver: can only promote a learner member which is in sync with leader"),
            EtcdError.LEARNER_NOT_READY),
        Arguments.of(jetcd(Status.Code.FAILED_PRECONDITION,
            "etcdserver: can only promote a learner member"), EtcdError.MEMBER_NOT_LEARNER),
        Arguments.of(jetcd(Status.Code.FAILED_PRECONDITION,
            "etcdserver: re-configuration failed due to not enough started members"),
            EtcdError.NOT_ENOUGH_STARTED_MEMBERS),
        Arguments.of(jetcd(Status.Code.UNAVAILABLE, "etcdserver: unhealthy cluster"),
            EtcdError.UNHEALTHY),
        Arguments.of(jetcd(Status.Code.FAILED_PRECONDITION,
            "etcdserver: too many learner members in cluster"), EtcdError.TOO_MANY_LEARNERS),
        Arguments.of(jetcd(Status.Code.FAILED_PRECONDITION, "etcdserver: Peer URLs already exists"),
            EtcdError.PEER_URL_EXISTS),
        Arguments.of(jetcd(Status.Code.FAILED_PRECONDITION, "etcdserver: member ID already exist"),
            EtcdError.MEMBER_EXISTS),
        Arguments.of(jetcd(Status.Code.NOT_FOUND, "etcdserver: member not found"),
            EtcdError.MEMBER_NOT_FOUND),
        Arguments.of(grpc(Status.Code.UNAVAILABLE, "etcdserver: request timed out"),
            EtcdError.REQUEST_TIMED_OUT),
        Arguments.of(grpc(Status.Code.UNAVAILABLE,
            "etcdserver: request timed out, possibly due to previous leader failure"),
            EtcdError.REQUEST_TIMED_OUT),
        Arguments.of(grpc(Status.Code.DEADLINE_EXCEEDED, "deadline exceeded after 0.49s"),
            EtcdError.REQUEST_TIMED_OUT),
        Arguments.of(new TimeoutException(), EtcdError.REQUEST_TIMED_OUT),
        Arguments.of(new ExecutionException(new HttpTimeoutException("request timed out")),
            EtcdError.REQUEST_TIMED_OUT),
        Arguments.of(new CompletionException(Status.UNAVAILABLE.withDescription("io exception")
            .withCause(new ConnectException("Connection refused")).asRuntimeException()),
            EtcdError.CONNECTION_REFUSED),
        Arguments.of(jetcd(Status.Code.UNAVAILABLE, "io exception"), EtcdError.CONNECTION_REFUSED),
        Arguments.of(new CompletionException(new ConnectException("Connection refused")),
            EtcdError.CONNECTION_REFUSED),
        Arguments.of(new IOException("HTTP/1.1 header parser received no bytes"),
            EtcdError.CONNECTION_REFUSED),
        Arguments.of(grpc(Status.Code.CANCELLED, "Channel shutdownNow invoked"),
            EtcdError.CONNECTION_REFUSED),
        // etcd's own UNAVAILABLE answers that the simulator does not model
        Arguments.of(grpc(Status.Code.UNAVAILABLE, "etcdserver: leader changed"), EtcdError.OTHER),
        Arguments.of(grpc(Status.Code.UNAVAILABLE, "etcdserver: no leader"), EtcdError.OTHER),
        Arguments.of(grpc(Status.Code.INTERNAL, "something odd"), EtcdError.OTHER),
        Arguments.of(new EtcdOps.GatewayException(
            "etcdserver: can only promote a learner member which is in sync with leader "
                + "(HTTP 412)"), EtcdError.LEARNER_NOT_READY),
        Arguments.of(new EtcdOps.GatewayException("etcdserver: member not found (HTTP 404)"),
            EtcdError.MEMBER_NOT_FOUND),
        Arguments.of(new EtcdOps.GatewayException("HTTP 500: oops"), EtcdError.OTHER));
  }

  @ParameterizedTest
  @MethodSource("table")
  void mapsFailures(Throwable failure, EtcdError expected) {
    assertEquals(expected, EtcdErrors.classify(failure), EtcdErrors.describe(failure));
  }

  @Test
  void everyModelledMessageMapsBackToItsError() {
    for (EtcdError e : EtcdError.values()) {
      if (e == EtcdError.OTHER || e == EtcdError.CONNECTION_REFUSED) {
        continue; // pdlab's own texts, not etcd's
      }
      if (e.name().startsWith("PD_")) {
        continue; // PD's HTTP redirector's, answered by the model's PD on every backend
      }
      assertEquals(e, EtcdErrors.fromText(e.message()), e.message());
    }
    assertNull(EtcdErrors.fromText("etcdserver: leader changed"));
    assertNull(EtcdErrors.fromText(null));
  }

  @Test
  void describeKeepsTheCodeAndTheOriginalText() {
    String text = EtcdErrors.describe(grpc(Status.Code.INTERNAL, "something odd"));
    assertTrue(text.contains("INTERNAL") && text.contains("something odd"), text);
    String refused = EtcdErrors.describe(new CompletionException(Status.UNAVAILABLE
        .withDescription("io exception").withCause(new ConnectException("Connection refused"))
        .asRuntimeException()));
    assertTrue(refused.contains("UNAVAILABLE") && refused.contains("Connection refused"), refused);
  }

  @Test
  void gatewayErrorBodiesGiveEtcdsText() {
    assertEquals("etcdserver: member not found (HTTP 404)", EtcdOps.gatewayError(404,
        "{\"error\":\"etcdserver: member not found\",\"message\":\"etcdserver: member not "
            + "found\",\"code\":5}"));
    assertEquals("HTTP 502: <html>bad gateway</html>",
        EtcdOps.gatewayError(502, "<html>bad gateway</html>"));
  }
}
