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

    /** A response: status, JSON body (or null, or {@link Page} as it is) and extra headers. */
    public record Response(int status, Object body, Map<String, String> headers) {
        public static Response json(int status, Object body) {
            return new Response(status, body, Map.of());
        }

        /** A page or a script served as it is, with its content type and headers such as a Content-Security-Policy. */
        public static Response page(int status, String contentType, String text, Map<String, String> headers) {
            Map<String, String> all = new java.util.LinkedHashMap<>(headers);
            all.put("Content-Type", contentType);
            all.put("X-Content-Type-Options", "nosniff");
            all.put("Cache-Control", "no-store");
            return new Response(status, new Page(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), all);
        }

        /** 303 See Other to {@code location}: where a browser goes after a form. */
        public static Response seeOther(String location) {
            return new Response(303, null, Map.of("Location", location, "Cache-Control", "no-store"));
        }
    }

    /** Bytes answered as they are. */
    public record Page(byte[] bytes) {
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

    /** The fields of an HTML form ({@code application/x-www-form-urlencoded}), the last value of each name. */
    public static Map<String, String> readForm(HttpExchange exchange) {
        try (InputStream in = exchange.getRequestBody()) {
            return parameters(new String(in.readNBytes(64 * 1024), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new HttpError(400, "Unreadable form: " + e.getMessage());
        }
    }

    /** The parameters of a query string or a form body. */
    public static Map<String, String> parameters(String encoded) {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return fields;
        }
        for (String pair : encoded.split("&")) {
            int equals = pair.indexOf('=');
            String name = java.net.URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), java.nio.charset.StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : java.net.URLDecoder.decode(pair.substring(equals + 1), java.nio.charset.StandardCharsets.UTF_8);
            fields.put(name, value);
        }
        return fields;
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
        byte[] bytes = response.body() == null ? new byte[0]
                : response.body() instanceof Page page ? page.bytes() : JSON.writeValueAsBytes(response.body());
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
            case 403 -> "Forbidden";
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
