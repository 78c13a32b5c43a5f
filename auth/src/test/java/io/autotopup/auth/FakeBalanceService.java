package io.autotopup.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * balance-service as the authorization server sees it, on loopback: numbers, codes texted and checked. Each
 * call must carry a token with scope {@code signin}; the codes "texted" can be read by the test as a phone would.
 */
final class FakeBalanceService implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    final Map<String, String> subscriberByNumber = new ConcurrentHashMap<>();
    final Map<String, String> codeBySubscriber = new ConcurrentHashMap<>();
    final Map<String, Integer> wrongBySubscriber = new ConcurrentHashMap<>();
    final List<String> clientAddresses = new CopyOnWriteArrayList<>();
    private int nextCode = 200_000;

    FakeBalanceService() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    String codeTextedTo(String subscriberId) {
        return codeBySubscriber.get(subscriberId);
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!hasSignInScope(exchange.getRequestHeaders().getFirst("Authorization"))) {
            respond(exchange, 403, Map.of("detail", "scope signin needed"));
            return;
        }
        String[] parts = path.split("/");
        if (path.startsWith("/v1/subscriber-numbers/")) {
            String id = subscriberByNumber.get(parts[3]);
            respond(exchange, id == null ? 404 : 200, id == null ? Map.of("reason", "UNKNOWN_NUMBER") : Map.of("subscriberId", id, "status", "ACTIVE"));
        } else if (path.endsWith("/sign-in-code")) {
            clientAddresses.add(exchange.getRequestHeaders().getFirst("X-Autotopup-Client-Address"));
            codeBySubscriber.put(parts[3], Integer.toString(++nextCode));
            wrongBySubscriber.put(parts[3], 0);
            respond(exchange, 202, Map.of("subscriberId", parts[3]));
        } else if (path.endsWith("/sign-in")) {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            String expected = codeBySubscriber.get(parts[3]);
            if (expected != null && expected.equals(body.path("code").asText())) {
                codeBySubscriber.remove(parts[3]);
                respond(exchange, 200, Map.of("subscriberId", parts[3], "status", "ACTIVE"));
            } else {
                int wrong = wrongBySubscriber.merge(parts[3], 1, Integer::sum);
                respond(exchange, 422, Map.of("reason", expected == null ? "NO_CODE" : "WRONG_CODE", "attemptsLeft", 5 - wrong));
            }
        } else if (path.equals("/v1/subscribers")) {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            String id = "sub-" + body.path("msisdn").asText().substring(1);
            subscriberByNumber.put(body.path("msisdn").asText(), id);
            codeBySubscriber.put(id, Integer.toString(++nextCode));
            respond(exchange, 201, Map.of("subscriberId", id));
        } else {
            respond(exchange, 404, Map.of());
        }
    }

    private static boolean hasSignInScope(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(authorization.substring(7).split("\\.")[1]));
            return List.of(claims.path("scope").asText().split(" ")).contains("signin");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void respond(HttpExchange exchange, int status, Map<String, ?> body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
