package io.autotopup.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small JSON-over-HTTP server for the simulators of the outside world. It listens on loopback only, unless
 * {@value #BIND_VARIABLE} names another address (a container, where the services reach it over the network).
 */
public final class JsonHttpServer implements AutoCloseable {

    /** Handles one request; returns the response or throws {@link HttpError}. */
    @FunctionalInterface
    public interface Handler {
        Response handle(HttpExchange exchange) throws IOException;
    }

    /** A response: status, JSON body (or null) and extra headers. */
    public record Response(int status, Object body, Map<String, String> headers) {
        public static Response json(int status, Object body) {
            return new Response(status, body, Map.of());
        }
    }

    /** Thrown by a handler to close the connection without any answer, as a network failure would. */
    public static final class DropConnection extends RuntimeException {
        public DropConnection() {
            super("connection dropped on purpose", null, false, false);
        }
    }

    /** An error answered as an RFC 9457 problem body. */
    public static final class HttpError extends RuntimeException {
        private final int status;

        public HttpError(int status, String detail) {
            super(detail);
            this.status = status;
        }
    }

    public static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);

    /** Environment variable with the address the simulators listen on, e.g. {@code 0.0.0.0} in a container. */
    public static final String BIND_VARIABLE = "SANDBOX_BIND_ADDRESS";

    public JsonHttpServer(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(bindAddress(), port), 50);
        server.setExecutor(executor);
    }

    /** Loopback, unless {@value #BIND_VARIABLE} says otherwise. */
    public static InetAddress bindAddress() throws IOException {
        String address = System.getenv(BIND_VARIABLE);
        return address == null || address.isBlank() ? InetAddress.getLoopbackAddress() : InetAddress.getByName(address);
    }

    public JsonHttpServer route(String pathPrefix, Handler handler) {
        server.createContext(pathPrefix, exchange -> respond(exchange, handler));
        return this;
    }

    public JsonHttpServer start() {
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public static <T> T readBody(HttpExchange exchange, Class<T> type) {
        try (InputStream in = exchange.getRequestBody()) {
            return JSON.readValue(in, type);
        } catch (IOException e) {
            throw new HttpError(400, "Malformed JSON: " + e.getMessage());
        }
    }

    private static void respond(HttpExchange exchange, Handler handler) throws IOException {
        Response response;
        try {
            response = handler.handle(exchange);
        } catch (DropConnection e) {
            exchange.close();
            return;
        } catch (HttpError e) {
            response = new Response(e.status, Map.of("type", "about:blank", "title", title(e.status),
                    "status", e.status, "detail", e.getMessage()), Map.of("Content-Type", "application/problem+json"));
        } catch (RuntimeException e) {
            response = new Response(500, Map.of("title", "Internal Server Error", "status", 500,
                    "detail", String.valueOf(e.getMessage())), Map.of("Content-Type", "application/problem+json"));
        }
        byte[] bytes = response.body() == null ? new byte[0] : JSON.writeValueAsBytes(response.body());
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        response.headers().forEach(exchange.getResponseHeaders()::set);
        exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
