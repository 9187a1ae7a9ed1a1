package io.laminar.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A headless system Chromium driven over the Chrome DevTools Protocol with the JDK's WebSocket
 * client: one page, its JavaScript errors (exceptions, console.error, error log entries) collected.
 * For tests of the web console (host/http's, and end-to-end ones against the real server with
 * packaged plugins); no Node, no Playwright, no browser download.
 */
public final class Chromium implements AutoCloseable {
  /** Where Debian's {@code chromium} package puts it; {@code LAMINAR_CHROMIUM} overrides. */
  public static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
      "/usr/bin/google-chrome");
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  /** One problem the page reported, with where it came from. */
  public record PageError(String kind, String text) {
  }

  private final Process process;
  private final WebSocket socket;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<PageError> errors = new CopyOnWriteArrayList<>();

  /**
   * The browser a test should use: empty when none is installed (the test then skips), unless
   * {@code LAMINAR_REQUIRE_BROWSER=1} (set by {@code .ci/run}), which makes a missing browser an
   * {@link AssertionError}.
   */
  public static Optional<Path> forTest() {
    Optional<Path> executable = find();
    if (executable.isEmpty() && "1".equals(System.getenv("LAMINAR_REQUIRE_BROWSER"))) {
      throw new AssertionError("LAMINAR_REQUIRE_BROWSER=1 but no chromium at LAMINAR_CHROMIUM or " + CANDIDATES
          + "; install it with: apt-get install -y chromium");
    }
    return executable;
  }

  /** The browser executable, if one is installed. */
  public static Optional<Path> find() {
    String env = System.getenv("LAMINAR_CHROMIUM");
    if (env != null && !env.isBlank()) {
      return Optional.of(Path.of(env)).filter(Files::isExecutable);
    }
    return CANDIDATES.stream().map(Path::of).filter(Files::isExecutable).findFirst();
  }

  private Chromium(Process process, WebSocket socket, Listener listener) {
    this.process = process;
    this.socket = socket;
    listener.owner = this;
  }

  /** Starts the browser with a fresh profile in {@code profile} and attaches to its blank page. */
  public static Chromium launch(Path executable, Path profile) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-extensions", "--disable-default-apps", "--mute-audio",
        "--user-data-dir=" + profile, "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
        "--window-size=1400,1000", "about:blank");
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process process = pb.start();
    CompletableFuture<String> browserUrl = new CompletableFuture<>();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            browserUrl.complete(m.group(1));
          }
        }
      } catch (IOException e) {
        browserUrl.completeExceptionally(e);
      }
      browserUrl.completeExceptionally(new IllegalStateException("chromium exited before listening: " + lines));
    }, "chromium-stderr");
    reader.setDaemon(true);
    reader.start();
    try {
      URI browser = URI.create(browserUrl.get(60, TimeUnit.SECONDS));
      HttpClient http = HttpClient.newHttpClient();
      URI list = URI.create("http://" + browser.getAuthority() + "/json/list");
      String pageUrl = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (pageUrl == null) { // the blank page target appears shortly after the browser listens
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(list).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
        for (JsonNode t : JSON.readTree(r.body())) {
          if (t.path("type").asText().equals("page")) {
            pageUrl = t.path("webSocketDebuggerUrl").asText();
          }
        }
        if (pageUrl == null && System.nanoTime() > deadline) {
          throw new IllegalStateException("chromium shows no page target: " + r.body());
        }
      }
      Listener listener = new Listener();
      WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
          .buildAsync(URI.create(pageUrl), listener).get(30, TimeUnit.SECONDS);
      Chromium c = new Chromium(process, ws, listener);
      c.call("Runtime.enable", Map.of());
      c.call("Log.enable", Map.of());
      c.call("Page.enable", Map.of());
      c.call("Emulation.setDeviceMetricsOverride", Map.of("width", 1400, "height", 1000, "deviceScaleFactor", 1,
          "mobile", false));
      return c;
    } catch (Exception | Error e) {
      kill(process);
      throw e;
    }
  }

  /** One DevTools command; its {@code result}, or an exception naming the protocol error. */
  public JsonNode call(String method, Map<String, ?> params) throws Exception {
    return call(method, params, CALL_TIMEOUT);
  }

  private JsonNode call(String method, Map<String, ?> params, Duration timeout) throws Exception {
    long id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
    msg.set("params", JSON.valueToTree(params));
    socket.sendText(JSON.writeValueAsString(msg), true).get(10, TimeUnit.SECONDS);
    JsonNode reply;
    try {
      reply = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      pending.remove(id);
      throw new AssertionError("no answer from chromium to " + method + " within " + timeout.toSeconds() + " s");
    }
    if (reply.has("error")) {
      throw new IllegalStateException(method + " failed: " + reply.get("error"));
    }
    return reply.path("result");
  }

  /** Navigates and waits for the load event. */
  public void navigate(URI url) throws Exception {
    JsonNode r = call("Page.navigate", Map.of("url", url.toString()));
    if (r.hasNonNull("errorText")) {
      throw new IllegalStateException("cannot load " + url + ": " + r.get("errorText").asText());
    }
    await("document.readyState === 'complete'", Duration.ofSeconds(30));
  }

  /** Evaluates {@code expression} in the page (promises awaited); its JSON value. */
  public JsonNode eval(String expression) throws Exception {
    return eval(expression, CALL_TIMEOUT);
  }

  private JsonNode eval(String expression, Duration timeout) throws Exception {
    JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
        "awaitPromise", true), timeout);
    if (r.has("exceptionDetails")) {
      JsonNode d = r.get("exceptionDetails");
      throw new AssertionError("in the page: " + d.path("exception").path("description").asText(d.path("text").asText())
          + "\n  evaluating: " + expression);
    }
    return r.path("result").path("value");
  }

  /**
   * Waits in the page until {@code condition} (a JavaScript expression) is truthy, re-checking it
   * on every DOM change and every 100 ms, up to {@code timeout}; fails with {@code describe}'s value.
   */
  public void await(String condition, Duration timeout) throws Exception {
    String js = """
        new Promise((resolve, reject) => {
          const ok = () => { try { return !!(%1$s); } catch (e) { return false; } };
          if (ok()) { resolve(true); return; }
          const deadline = Date.now() + %2$d;
          const obs = new MutationObserver(check);
          const timer = setInterval(check, 100);
          function check() {
            if (ok()) { obs.disconnect(); clearInterval(timer); resolve(true); }
            else if (Date.now() > deadline) { obs.disconnect(); clearInterval(timer);
              reject(new Error('timed out waiting for: ' + %3$s)); }
          }
          obs.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
        })""".formatted(condition, timeout.toMillis(), JSON.writeValueAsString(condition));
    eval(js, timeout.plus(CALL_TIMEOUT)); // the page gives up first, naming the condition
  }

  /** The text of each cell of the first table row {@code rowSelector} (a CSS selector) matches. */
  public List<String> cells(String rowSelector) throws Exception {
    JsonNode r = eval("Array.from(document.querySelector(" + JSON.writeValueAsString(rowSelector)
        + ").cells).map(c => c.textContent)");
    List<String> out = new ArrayList<>();
    r.forEach(c -> out.add(c.asText()));
    return out;
  }

    /** A PNG of the whole page. */
  public void screenshot(Path file) throws Exception {
    JsonNode r = call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(r.path("data").asText()));
  }

  /** Every error the page reported so far. */
  public List<PageError> errors() {
    return List.copyOf(errors);
  }

  /** Waits until the page reported an error whose text contains {@code text}. */
  public synchronized PageError awaitError(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (PageError e : errors) {
        if (e.text().contains(text)) {
          return e;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no page error containing '" + text + "'; got " + errors);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  private synchronized void addError(PageError e) {
    errors.add(e);
    notifyAll();
  }

  private void onMessage(JsonNode msg) {
    if (msg.has("id")) {
      CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asLong());
      if (f != null) {
        f.complete(msg);
      }
      return;
    }
    JsonNode p = msg.path("params");
    switch (msg.path("method").asText()) {
      case "Runtime.exceptionThrown" -> {
        JsonNode d = p.path("exceptionDetails");
        addError(new PageError("exception", d.path("exception").path("description").asText(d.path("text").asText())
            + " at " + d.path("url").asText() + ":" + d.path("lineNumber").asInt()));
      }
      case "Runtime.consoleAPICalled" -> {
        String type = p.path("type").asText();
        if (type.equals("error") || type.equals("assert")) {
          List<String> args = new ArrayList<>();
          p.path("args").forEach(a -> args.add(a.path("value").asText(a.path("description").asText())));
          addError(new PageError("console." + type, String.join(" ", args)));
        }
      }
      case "Log.entryAdded" -> {
        JsonNode e = p.path("entry");
        if (e.path("level").asText().equals("error")) {
          addError(new PageError("log:" + e.path("source").asText(), e.path("text").asText() + " "
              + e.path("url").asText()));
        }
      }
      default -> { }
    }
  }

  @Override
  public void close() {
    try {
      call("Browser.close", Map.of());
    } catch (Exception e) {
      // closing is best effort: the process is killed below in any case
    }
    socket.abort();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        kill(process);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill(process);
    }
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  /** Collects text frames into whole messages. */
  private static final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();
    private final List<String> early = new ArrayList<>();
    private volatile Chromium owner;

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        Chromium c = owner;
        if (c == null) {
          early.add(text);
        } else {
          early.forEach(t -> deliver(c, t));
          early.clear();
          deliver(c, text);
        }
      }
      webSocket.request(1);
      return null;
    }

    private static void deliver(Chromium c, String text) {
      try {
        c.onMessage(JSON.readTree(text));
      } catch (IOException e) {
        c.addError(new PageError("protocol", "unreadable DevTools message: " + e.getMessage()));
      }
    }
  }
}
