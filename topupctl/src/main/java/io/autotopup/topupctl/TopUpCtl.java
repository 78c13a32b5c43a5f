package io.autotopup.topupctl;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code topupctl}: the developers' and integrators' command line for a running autotopup: look at topics,
 * export and import them, replay them safely, run scenarios and generate load. See docs/replay.md.
 */
@Command(name = "topupctl", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, version = "topupctl 0.1.0",
        description = "Look at, export, import and replay autotopup's topics; run scenarios; generate carrier traffic. "
                + "Talks to Kafka at $KAFKA_BOOTSTRAP_SERVERS (default localhost:9092, the devstack's), and to a schema registry at $SCHEMA_REGISTRY_URL if it is set.",
        footer = {"", "'topupctl COMMAND --help' explains each command; docs/replay.md has examples."},
        subcommands = {TailCommand.class, ExportCommand.class, ImportCommand.class, ReplayCommand.class,
                ScenarioCommand.class, GenerateCommand.class, KycCommand.class, PaymentsCommand.class, SchemasCommand.class, CommandLine.HelpCommand.class})
public final class TopUpCtl {

    /** The exit code when the authorization server does not let this client do what it asked (EX_NOPERM). */
    public static final int NOT_ALLOWED = 77;

    public static void main(String[] args) {
        // quiet Kafka clients: the tool's own output is what matters (our file, not a logback.xml of whoever embeds us)
        System.setProperty("logback.configurationFile", "topupctl-logback.xml");
        // with a registry, records framed with a schema id are read, and catalogue topics are written so (docs/events.md)
        String registry = System.getenv("SCHEMA_REGISTRY_URL");
        if (registry != null && !registry.isBlank()) {
            io.autotopup.schemas.WireFormat.useRegistry(new io.autotopup.schemas.registry.RegistrySchemas(registry));
        }
        System.exit(commandLine().execute(args));
    }

    /** The command line, for main and for tests (which set its output and error writers). */
    public static CommandLine commandLine() {
        CommandLine line = new CommandLine(new TopUpCtl());
        line.setExecutionExceptionHandler((exception, command, parsed) -> {
            boolean notAllowed = exception instanceof io.autotopup.topupctl.stack.ClientCredentials.NotAllowedException;
            command.getErr().println(command.getColorScheme().errorText("topupctl: " + (notAllowed ? "not allowed: " : "")
                    + message(exception)));
            command.getErr().flush();
            return notAllowed ? NOT_ALLOWED : 2;
        });
        return line;
    }

    private static String message(Throwable exception) {
        if (exception instanceof org.apache.kafka.common.errors.TimeoutException) {
            return "Kafka did not answer (" + exception.getMessage() + "). Is it running (./devstack.sh), and is "
                    + "--bootstrap-server (or $KAFKA_BOOTSTRAP_SERVERS) right?";
        }
        Throwable cause = exception;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
