package io.autotopup.platform.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** JSON over HTTP to a service on loopback, as a client app would call it. */
public final class LocalHttp {

    private final HttpClient client = HttpClient.newHttpClient();
    private final String base;
    private final String token;

    public LocalHttp(int port) {
        this("http://127.0.0.1:" + port, null);
    }

    private LocalHttp(String base, String token) {
        this.base = base;
        this.token = token;
    }

    /** The same service, called with this bearer token. */
    public LocalHttp as(String bearerToken) {
        return new LocalHttp(base, bearerToken);
    }

    private HttpRequest.Builder request(String path) {
        // a service that never answers fails the test instead of hanging it
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(java.time.Duration.ofSeconds(60));
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }

    public HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return client.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Any method; a null body sends none. */
    public HttpResponse<String> send(String method, String path, String json) throws IOException, InterruptedException {
        return client.send(request(path).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
