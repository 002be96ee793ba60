package io.ikeseal.agent.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus scrape endpoint: {@code GET /metrics} answers the text exposition format 0.0.4 written by the
 * sources at that moment; anything else is 404 (other path) or 405 (other method). The JDK's HTTP server on one
 * thread of its own: scrapes are rare and cheap, and nothing here touches the packet path or a token.
 * No authentication: it binds loopback unless configured otherwise (docs/operations-obs.md).
 */
public final class MetricsEndpoint implements AutoCloseable {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);

    private final HttpServer server;
    private final ExecutorService thread;

    private MetricsEndpoint(HttpServer server, ExecutorService thread) {
        this.server = server;
        this.thread = thread;
    }

    /** Binds {@code address} (port 0: any free port) and serves {@code sources} in order. */
    public static MetricsEndpoint start(InetSocketAddress address, List<MetricSource> sources) throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        List<MetricSource> all = List.copyOf(sources);
        server.createContext("/", exchange -> answer(exchange, all));
        ExecutorService thread = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().daemon().name("metrics-http").factory());
        server.setExecutor(thread);
        server.start();
        LOG.info("metrics endpoint: http://{}/metrics", address(server.getAddress()));
        return new MetricsEndpoint(server, thread);
    }

    private static void answer(HttpExchange exchange, List<MetricSource> sources) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                reply(exchange, 404, "text/plain; charset=utf-8", "not found: try /metrics\n", true);
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().add("Allow", "GET, HEAD");
                reply(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n", true);
                return;
            }
            String text;
            try {
                MetricWriter w = new MetricWriter();
                sources.forEach(s -> s.writeTo(w));
                text = w.text();
            } catch (RuntimeException e) {
                LOG.warn("metrics: a source failed: {}", e.toString());
                reply(exchange, 500, "text/plain; charset=utf-8", "metrics unavailable\n", true);
                return;
            }
            reply(exchange, 200, CONTENT_TYPE, text, method.equals("GET"));
        }
    }

    private static void reply(HttpExchange exchange, int status, String type, String body, boolean withBody)
            throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, withBody ? b.length : -1);
        if (withBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(b);
            }
        }
    }

    /** Where it listens (the port a test got with port 0). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static String address(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
    }
}
