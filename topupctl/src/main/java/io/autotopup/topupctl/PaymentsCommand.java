package io.autotopup.topupctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code payments reconcile}: compare the gateway's charges with the recorded top-ups now (scope payments:reconcile). */
@Command(name = "payments", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Operate payments: reconcile the gateway's charges with the top-ups payment-service recorded.",
        subcommands = PaymentsCommand.Reconcile.class)
final class PaymentsCommand {

    static final String SCOPE = "payments:reconcile";

    @Command(name = "reconcile", mixinStandardHelpOptions = true,
            description = "Run reconciliation for a window (default: the schedule's, the 25 hours ending 10 minutes ago): a "
                    + "charge without an outcome is credited, once; anything else found is listed, published on "
                    + "payment-reconciliation and counted. Exits 1 when something is left for an operator.")
    static final class Reconcile implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        AuthOptions auth;

        @Option(names = "--payment-url", defaultValue = "${env:PAYMENT_URL:-http://127.0.0.1:8083}",
                description = "payment-service (default $PAYMENT_URL, else ${DEFAULT-VALUE})")
        String paymentUrl;

        @Option(names = "--from", description = "the window's start, an ISO-8601 instant (with --to)")
        Instant from;

        @Option(names = "--to", description = "the window's end, at the latest now (with --from)")
        Instant to;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            if ((from == null) != (to == null)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give both --from and --to, or neither");
            }
            String body = from == null ? "{}" : "{\"from\":\"" + from + "\",\"to\":\"" + to + "\"}";
            HttpRequest request = HttpRequest.newBuilder(URI.create(paymentUrl + "/v1/reconciliations"))
                    .timeout(Duration.ofMinutes(5))
                    .header("Authorization", "Bearer " + auth.credentials().token(SCOPE))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> response = HttpClient.newHttpClient().send(request,
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                out.println("payment-service answered " + response.statusCode() + ": " + response.body());
                out.flush();
                return 2;
            }
            JsonNode report = new ObjectMapper().readTree(response.body());
            out.printf("%s to %s: %d charges, %d recorded top-ups compared%n", report.path("from").asText(),
                    report.path("to").asText(), report.path("chargesCompared").asInt(), report.path("outcomesCompared").asInt());
            int unresolved = 0;
            for (JsonNode found : report.path("discrepancies")) {
                boolean repaired = "REPAIRED".equals(found.path("resolution").asText());
                unresolved += repaired ? 0 : 1;
                out.printf("  %-8s %-24s %-14s %s%n", repaired ? "repaired" : "REPORTED", found.path("kind").asText(),
                        found.path("requestId").asText("-"), found.path("detail").asText());
            }
            out.println(report.path("discrepancies").isEmpty() ? "the gateway and the books agree"
                    : unresolved + " left for an operator (payment-reconciliation, docs/payments.md)");
            out.flush();
            return unresolved == 0 ? 0 : 1;
        }
    }
}
