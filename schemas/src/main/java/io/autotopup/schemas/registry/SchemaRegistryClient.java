package io.autotopup.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * A client of the Confluent Schema Registry API, as any registry serves it (Apicurio at {@code /apis/ccompat/v7},
 * Confluent's own at its root): schemas by id, a subject's versions, registration and compatibility. Plain JDK HTTP
 * and Jackson, nothing else. Every method asks the registry; {@link RegistrySchemas} is what caches.
 */
public final class SchemaRegistryClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final String baseUrl;
    private final HttpClient http;
    private final Duration timeout;
    private final java.util.function.Supplier<String> bearerToken;

    /** @param baseUrl the API's root, e.g. {@code http://127.0.0.1:8093/apis/ccompat/v7} */
    public SchemaRegistryClient(String baseUrl, Duration timeout) {
        this(baseUrl, timeout, () -> null);
    }

    /**
     * A client that signs its calls in: each carries the token {@code bearerToken} gives (an access token with the
     * registry's write scope, for registration and compatibility), or none when it gives null.
     */
    public SchemaRegistryClient(String baseUrl, Duration timeout, java.util.function.Supplier<String> bearerToken) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.timeout = timeout;
        this.bearerToken = bearerToken;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public SchemaRegistryClient(String baseUrl) {
        this(baseUrl, Duration.ofSeconds(5));
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** The schema registered under this id, if there is one. */
    public Optional<Schema> schemaById(int id) {
        JsonNode answer = call("GET", "/schemas/ids/" + id, null, 404);
        return answer == null ? Optional.empty() : Optional.of(new Schema.Parser().parse(answer.path("schema").asText()));
    }

    /** Every subject the registry knows. */
    public List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        call("GET", "/subjects", null).forEach(node -> subjects.add(node.asText()));
        return subjects;
    }

    /** The subject's versions, oldest first, each with its id and schema; empty for a subject it does not know. */
    public List<Registered> versions(String subject) {
        JsonNode numbers = call("GET", "/subjects/" + encode(subject) + "/versions", null, 404);
        List<Registered> versions = new ArrayList<>();
        if (numbers == null) {
            return versions;
        }
        for (JsonNode number : numbers) {
            JsonNode version = call("GET", "/subjects/" + encode(subject) + "/versions/" + number.asInt(), null);
            versions.add(new Registered(subject, version.path("version").asInt(), version.path("id").asInt(),
                    new Schema.Parser().parse(version.path("schema").asText())));
        }
        return versions;
    }

    /** Registers the schema as the subject's next version (or answers the id it already has); a 409 if incompatible. */
    public int register(String subject, Schema schema) {
        return call("POST", "/subjects/" + encode(subject) + "/versions", Map.of("schema", schema.toString())).path("id").asInt();
    }

    /** Whether the schema could be registered next under the subject's compatibility rule. */
    public boolean isCompatible(String subject, Schema schema) {
        JsonNode answer = call("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest",
                Map.of("schema", schema.toString()), 404);
        return answer == null || answer.path("is_compatible").asBoolean();
    }

    /** The subject's compatibility rule, if it has one of its own. */
    public Optional<String> compatibility(String subject) {
        JsonNode answer = call("GET", "/config/" + encode(subject), null, 404);
        if (answer == null) {
            return Optional.empty();
        }
        String level = answer.path("compatibilityLevel").asText(answer.path("compatibility").asText(""));
        return level.isEmpty() ? Optional.empty() : Optional.of(level);
    }

    public void setCompatibility(String subject, String level) {
        call("PUT", "/config/" + encode(subject), Map.of("compatibility", level));
    }

    private JsonNode call(String method, String path, Object body, int... absentStatuses) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout)
                .header("Accept", CONTENT_TYPE + ", application/json");
        String token = bearerToken.get();
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", CONTENT_TYPE)
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            }
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            for (int absent : absentStatuses) {
                if (response.statusCode() == absent) {
                    return null;
                }
            }
            if (response.statusCode() / 100 != 2) {
                String message = new String(response.body(), StandardCharsets.UTF_8);
                try {
                    message = JSON.readTree(response.body()).path("message").asText(message);
                } catch (IOException notJson) {
                    // keep the body as it came
                }
                throw new RegistryException(response.statusCode(), method + " " + path + " answered " + response.statusCode()
                        + ": " + message);
            }
            return response.body().length == 0 ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new RegistryException(0, "the schema registry at " + baseUrl + " cannot be reached: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(0, "interrupted while asking the schema registry at " + baseUrl);
        }
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8);
    }

    /** A version of a subject as the registry holds it. */
    public record Registered(String subject, int version, int id, Schema schema) {
    }

    /** The registry refused (a status, 409 for an incompatible schema) or could not be reached (status 0). */
    public static final class RegistryException extends RuntimeException {
        private final int status;

        public RegistryException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
