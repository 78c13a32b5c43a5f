package io.autotopup.topupctl;

import io.autotopup.topupctl.scenario.Scenario;
import io.autotopup.topupctl.scenario.ScenarioRunner;
import io.autotopup.topupctl.stack.StackClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code scenario run FILE...}: plays scenario files against the running stack and reports PASS or FAIL. */
@Command(name = "scenario", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Run scenario files (YAML: subscribers, test cards, rules, a timeline of usage, expectations) against the running stack; see docs/replay.md and the scenarios/ directory.",
        subcommands = ScenarioCommand.Run.class)
final class ScenarioCommand {

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Play each scenario against the running stack (the devstack by default) and print a PASS/FAIL report. Exit code 0 when every scenario passed.",
        footer = {"", "Examples:", "  topupctl scenario run scenarios/seed-journey.yaml", "  topupctl scenario run scenarios/*.yaml"})
    static final class Run implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        KafkaOptions kafka;

        @Mixin
        StackOptions stack;

        @Parameters(paramLabel = "FILE", arity = "1..*", description = "scenario files")
        List<Path> files;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            List<Scenario> scenarios = new ArrayList<>();
            for (Path file : files) {
                scenarios.add(Scenario.read(file));
            }
            int failed = 0;
            try (StackClient client = new StackClient(stack.endpoints(kafka))) {
                ScenarioRunner runner = new ScenarioRunner(client, out);
                for (Scenario scenario : scenarios) {
                    if (!runner.run(scenario).passed()) {
                        failed++;
                    }
                }
            }
            out.printf("%d of %d scenarios passed%n", scenarios.size() - failed, scenarios.size());
            out.flush();
            return failed == 0 ? 0 : 1;
        }
    }
}
