package io.autotopup.platform.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A state directory written by an older topology meets the new one: what cannot fit is removed, the rest kept. */
class StaleTaskDirectoriesTest {

    @TempDir
    Path stateDir;

    @Test
    void directories_that_do_not_fit_the_running_topology_are_removed_and_those_that_do_are_kept() throws Exception {
        // the new version: sub-topology 0 holds "ledger" and "codes", sub-topology 1 holds "parked", then a global store
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("ledger"), Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("codes"), Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("parked"), Serdes.String(), Serdes.String()));
        builder.stream("a", Consumed.with(Serdes.String(), Serdes.String())).process(Nothing::new, "ledger", "codes");
        builder.stream("b", Consumed.with(Serdes.String(), Serdes.String())).process(Nothing::new, "parked");
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("numbers"), Serdes.String(), Serdes.String())
                .withLoggingDisabled(), "c", Consumed.with(Serdes.String(), Serdes.String()), Nothing::new);
        TopologyDescription topology = builder.build().describe();
        // the old version's directories: 0 held only "codes", 1 held "ledger", 2 held "index" and "parked"
        Path app = stateDir.resolve("app");
        Path codesOnly = store(app.resolve("0_1"), "codes");
        Path ledgerElsewhere = store(app.resolve("1_1"), "ledger");
        Path whereTheGlobalStoreIsNow = store(app.resolve("2_0"), "index");
        Path global = Files.createDirectories(app.resolve("global/rocksdb/numbers"));

        var removed = StaleTaskDirectories.remove(stateDir, "app", topology);

        assertThat(removed).containsExactlyInAnyOrder(ledgerElsewhere, whereTheGlobalStoreIsNow);
        assertThat(codesOnly).as("fits sub-topology 0: kept, no restore needed").exists();
        assertThat(ledgerElsewhere).doesNotExist();
        assertThat(whereTheGlobalStoreIsNow).doesNotExist();
        assertThat(global).as("the global store is not a task's").exists();
    }

    private static Path store(Path task, String store) throws Exception {
        Files.createDirectories(task.resolve("rocksdb").resolve(store));
        Files.writeString(task.resolve(".checkpoint"), "0\n0\n");
        return task;
    }

    private static final class Nothing implements Processor<String, String, Void, Void> {
        @Override
        public void process(Record<String, String> record) {
        }
    }
}
