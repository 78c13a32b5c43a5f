package io.autotopup.topupctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kyc pending|view|approve|reject}: an operator's review of identity documents (scope kyc:review). */
@Command(name = "kyc", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Review subscribers' identity documents as an operator (scope kyc:review): list the pending ones, "
                + "look at one side (every view is audited), approve or reject with a reason.",
        subcommands = {KycCommand.Pending.class, KycCommand.View.class, KycCommand.Approve.class, KycCommand.Reject.class})
final class KycCommand {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SCOPE = "kyc:review";

    /** Where kyc-service answers, and who topupctl is to the authorization server. */
    static final class Target {
        @Option(names = "--kyc-url", defaultValue = "${env:KYC_URL:-http://127.0.0.1:8086}",
                description = "kyc-service (default $KYC_URL, else ${DEFAULT-VALUE})")
        String kycUrl;

        @Mixin
        AuthOptions auth;

        HttpResponse<byte[]> send(String method, String path, String json) throws Exception {
            String token = auth.credentials().token(SCOPE);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(kycUrl + path)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token)
                    .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
            if (json != null) {
                request.header("Content-Type", "application/json");
            }
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        }
    }

    private static int answer(PrintWriter out, HttpResponse<byte[]> response) {
        String body = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
        if (response.statusCode() >= 300) {
            out.println("kyc-service answered " + response.statusCode() + ": " + body);
            out.flush();
            return 1;
        }
        out.println(body);
        out.flush();
        return 0;
    }

    @Command(name = "pending", mixinStandardHelpOptions = true, description = "The documents waiting for review, oldest first.")
    static final class Pending implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Target target;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            HttpResponse<byte[]> response = target.send("GET", "/v1/identity-documents/pending", null);
            if (response.statusCode() != 200) {
                return answer(out, response);
            }
            JsonNode documents = JSON.readTree(response.body());
            if (documents.isEmpty()) {
                out.println("no document waits for review");
            }
            for (JsonNode document : documents) {
                out.printf("%s  %-12s %-11s sent %s  sides %s%n", document.path("documentId").asText(),
                        document.path("subscriberId").asText(), document.path("type").asText(),
                        document.path("submittedAt").asText(), document.path("pages").findValuesAsText("side"));
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "view", mixinStandardHelpOptions = true,
            description = "Save one side of a document to a file (decrypted; the view is audited). Delete the file when done.")
    static final class View implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Target target;
        @Parameters(index = "0", paramLabel = "DOCUMENT_ID")
        String documentId;
        @Parameters(index = "1", paramLabel = "SIDE", description = "front or back")
        String side;
        @Option(names = "--out", required = true, description = "the file to write")
        Path file;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            HttpResponse<byte[]> response = target.send("GET", "/v1/identity-documents/" + documentId + "/" + side, null);
            if (response.statusCode() != 200) {
                return answer(out, response);
            }
            Files.write(file, response.body());
            out.printf("%s (%s, %d bytes)%n", file, response.headers().firstValue("Content-Type").orElse("?"), response.body().length);
            out.flush();
            return 0;
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve a document; the subscriber is texted.")
    static final class Approve implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Target target;
        @Parameters(paramLabel = "DOCUMENT_ID")
        String documentId;

        @Override
        public Integer call() throws Exception {
            return answer(spec.commandLine().getOut(), target.send("POST", "/v1/identity-documents/" + documentId + "/review",
                    "{\"decision\":\"APPROVED\"}"));
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true,
            description = "Reject a document with a reason; the subscriber is texted what to send instead.")
    static final class Reject implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Target target;
        @Parameters(paramLabel = "DOCUMENT_ID")
        String documentId;
        @Option(names = "--reason", required = true,
                description = "UNREADABLE, EXPIRED, NAME_MISMATCH, WRONG_TYPE, INCOMPLETE or OTHER")
        String reason;

        @Override
        public Integer call() throws Exception {
            return answer(spec.commandLine().getOut(), target.send("POST", "/v1/identity-documents/" + documentId + "/review",
                    "{\"decision\":\"REJECTED\",\"reason\":\"" + reason.replaceAll("[^A-Z_]", "") + "\"}"));
        }
    }
}
