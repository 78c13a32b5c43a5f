package io.autotopup.topupctl;

import io.autotopup.schemas.registry.SchemaCatalogue;
import io.autotopup.schemas.registry.SchemaCatalogue.Difference;
import io.autotopup.schemas.registry.SchemaRegistryClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code schemas list|diff|register}: the schema registry against the catalogue, which stays the source of truth. */
@Command(name = "schemas", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Compare a schema registry's subjects with the event catalogue and bring it in line: every published "
                + "version registered in order, compatibility FULL_TRANSITIVE for usage-events (carriers write it) and "
                + "BACKWARD_TRANSITIVE elsewhere. Works with any registry that serves the Confluent API (Apicurio's /apis/ccompat/v7).",
        subcommands = {SchemasCommand.ListSubjects.class, SchemasCommand.Diff.class, SchemasCommand.Register.class},
        footer = {"", "Examples:", "  topupctl schemas diff", "  topupctl schemas register --registry http://registry:8080/apis/ccompat/v7"})
final class SchemasCommand {

    /** Where the registry answers. */
    static final class Registry {
        @Option(names = "--registry", paramLabel = "URL", defaultValue = "${env:SCHEMA_REGISTRY_URL:-http://127.0.0.1:8093/apis/ccompat/v7}",
                description = "the registry's Confluent API (default $SCHEMA_REGISTRY_URL, else ${DEFAULT-VALUE})")
        String url;

        SchemaRegistryClient client() {
            return new SchemaRegistryClient(url);
        }

        /**
         * A client that signs in for writes: with topupctl's client credentials, a token with {@value #WRITE_SCOPE} (a
         * registry that limits its writers asks for it); without a client secret, none (a registry open to writes).
         */
        SchemaRegistryClient writer(AuthOptions auth) {
            if (auth.clientSecret == null || auth.clientSecret.isBlank()) {
                return client();
            }
            io.autotopup.topupctl.stack.ClientCredentials credentials = auth.credentials();
            return new SchemaRegistryClient(url, java.time.Duration.ofSeconds(5), () -> credentials.token(WRITE_SCOPE));
        }

        /** The scope the registry's writers need ({@code LocalSchemaRegistry.Writers}, the Kubernetes registry's settings). */
        static final String WRITE_SCOPE = "schemas:write";
    }

    @Command(name = "list", description = "Every subject of the catalogue: its topic and event, versions published and registered, compatibility.")
    static final class ListSubjects implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Mixin
        Registry registry;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<Difference> differences = SchemaCatalogue.compare(registry.client());
            out.printf("%-62s %-9s %-10s %s%n", "SUBJECT", "PUBLISHED", "REGISTERED", "COMPATIBILITY");
            for (Difference difference : differences) {
                out.printf("%-62s %-9d %-10d %s%s%n", difference.subject().name(), difference.subject().versions().size(),
                        difference.registered(), difference.registryCompatibility(), difference.inLine() ? "" : "   (not in line)");
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "diff", description = "What the registry lacks or has that the catalogue does not; exit 1 if anything differs.")
    static final class Diff implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Mixin
        Registry registry;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            int differing = 0;
            for (Difference difference : SchemaCatalogue.compare(registry.client())) {
                if (difference.inLine()) {
                    continue;
                }
                differing++;
                StringBuilder line = new StringBuilder(difference.subject().name()).append(':');
                if (!difference.missingVersions().isEmpty()) {
                    line.append(" missing ").append(difference.subject().type().getSimpleName()).append(' ')
                            .append(difference.missingVersions().stream().map(version -> "v" + version).toList());
                }
                if (difference.unknownVersions() > 0) {
                    line.append(' ').append(difference.unknownVersions()).append(" version(s) that the catalogue never published");
                }
                if (!difference.subject().compatibility().equals(difference.registryCompatibility())) {
                    line.append(" compatibility ").append(difference.registryCompatibility()).append(", should be ")
                            .append(difference.subject().compatibility());
                }
                out.println(line);
            }
            out.println(differing == 0 ? "the registry is in line with the catalogue" : differing + " subject(s) differ; topupctl schemas register brings them in line");
            out.flush();
            return differing == 0 ? 0 : 1;
        }
    }

    @Command(name = "register", description = "Set each subject's compatibility, then register the published versions it lacks, oldest first. "
            + "Refused (exit 1) if the registry finds a version incompatible with those before it.")
    static final class Register implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Mixin
        Registry registry;

        @picocli.CommandLine.Mixin
        AuthOptions auth;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                List<String> done = SchemaCatalogue.register(registry.writer(auth));
                done.forEach(out::println);
                out.println(done.isEmpty() ? "nothing to do: the registry is in line with the catalogue" : done.size() + " change(s)");
                out.flush();
                return 0;
            } catch (SchemaRegistryClient.RegistryException e) {
                spec.commandLine().getErr().println("topupctl: the registry refused: " + e.getMessage()
                        + (e.status() == 401 || e.status() == 403 ? " (it lets only a client with scope " + Registry.WRITE_SCOPE
                        + " write: set TOPUPCTL_CLIENT_SECRET, and give the client that scope at the authorization server)" : ""));
                spec.commandLine().getErr().flush();
                return 1;
            }
        }
    }
}
