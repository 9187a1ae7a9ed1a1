package io.laminar.http;

import java.io.IOException;
import java.net.BindException;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API server: health, readiness, Prometheus metrics and the {@code /api/v1} introspection
 * and checkpoint endpoints, and the web console at {@code /} ({@link ConsoleAssets}), on a Jetty 12
 * core handler (no servlets).
 *
 * <p>Threads: one acceptor and one selector multiplex every connection (idle keep-alive connections
 * cost no thread), requests run on a small bounded pool sized for a 2-core machine. {@link #close()}
 * is graceful: the connector stops accepting, in-flight requests finish (up to
 * {@link #STOP_TIMEOUT_MS}), then the server stops.
 */
public final class HttpApi implements AutoCloseable {
  /** How long {@link #close()} waits for in-flight requests. */
  public static final long STOP_TIMEOUT_MS = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  private static final int MAX_THREADS = 32;
  private static final int MIN_THREADS = 4;
  /** TCP backlog: a burst of 1000+ simultaneous connects must not be refused. */
  private static final int ACCEPT_QUEUE = 2048;
  private static final long IDLE_TIMEOUT_MS = 30_000;
  private static final long SHUTDOWN_IDLE_TIMEOUT_MS = 200;

  private final Server server;
  private final int port;
  private final MetricsExporter metrics;

  private HttpApi(Server server, int port, MetricsExporter metrics) {
    this.server = server;
    this.port = port;
    this.metrics = metrics;
  }

  /**
   * A start-up warm-up: builds (and drops) what {@link #start} builds first — a Jetty server and
   * connector, and a Prometheus registry — so that their class loading and static initialization
   * (Jetty's MIME table reads every installed locale) is done before the process needs the API.
   * Binds nothing, starts no thread, registers nothing outside the objects it drops. Run it before
   * {@link #start} is first called, not while it runs.
   */
  public static void warmUp() {
    Server server = new Server(new QueuedThreadPool(MAX_THREADS, MIN_THREADS));
    new ServerConnector(server, 1, 1, new HttpConnectionFactory(new HttpConfiguration()));
    new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT).close();
  }

  /**
   * Binds {@code host:port} ({@code port} 0 picks a free one) and starts serving.
   *
   * @throws IOException when the address cannot be bound or the server cannot start
   */
  public static HttpApi start(ServerContext ctx, String host, int port) throws IOException {
    QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, MIN_THREADS);
    pool.setName("laminar-http");
    pool.setDaemon(true);
    Server server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    connector.setAcceptQueueSize(ACCEPT_QUEUE);
    connector.setIdleTimeout(IDLE_TIMEOUT_MS);
    // On close, idle keep-alive connections are dropped after this long instead of Jetty's 1 s default.
    connector.setShutdownIdleTimeout(SHUTDOWN_IDLE_TIMEOUT_MS);
    server.addConnector(connector);

    MetricsExporter metrics = new MetricsExporter(ctx.engine().metrics(), ctx.arrowAllocatedBytes());
    BearerAuth auth = new BearerAuth(ctx.authToken());
    server.setHandler(new GracefulHandler(new ApiHandler(new Endpoints(ctx, metrics).router(), auth)));
    server.setErrorHandler(new JsonErrorHandler());
    server.setStopTimeout(STOP_TIMEOUT_MS);
    server.setStopAtShutdown(false); // the CLI orders shutdown: engine first, then the API

    try {
      server.start();
    } catch (Exception e) {
      stopQuietly(server);
      metrics.close();
      String where = host + ":" + port;
      if (e instanceof BindException || e.getCause() instanceof BindException) {
        throw new IOException("cannot listen on " + where + ": " + Endpoints.message(e), e);
      }
      throw new IOException("cannot start the HTTP API on " + where + ": " + Endpoints.message(e), e);
    }
    HttpApi api = new HttpApi(server, connector.getLocalPort(), metrics);
    LOG.info("HTTP API listening on http://{}:{}{}", host.contains(":") ? "[" + host + "]" : host, api.port(),
        auth.enabled() ? " (bearer token required for /api/*)" : "");
    return api;
  }

  /** The bound port (the chosen one when started with port 0); still known after {@link #close()}. */
  public int port() {
    return port;
  }

  /** Stops accepting, lets in-flight requests finish, then stops the server. */
  @Override
  public void close() {
    stopQuietly(server);
    metrics.close();
    LOG.info("HTTP API stopped");
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("HTTP API did not stop cleanly: {}", Endpoints.message(e));
    }
  }
}
