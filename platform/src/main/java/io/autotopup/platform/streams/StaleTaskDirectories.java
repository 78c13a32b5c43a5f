package io.autotopup.platform.streams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.streams.TopologyDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before Kafka Streams starts, removes the task directories a new version of the topology cannot use: those of a
 * sub-topology that no longer exists or no longer holds the stores the directory holds. Sub-topologies are
 * numbered by position, so after a change a directory of the old numbering could otherwise be opened as another
 * sub-topology's, even as a global store's (KAFKA-13009: Streams then fails at start). What is removed comes back
 * from the changelogs, as after a lost disk; directories that still fit are kept and spare the restore.
 */
public final class StaleTaskDirectories {

    private static final Logger log = LoggerFactory.getLogger(StaleTaskDirectories.class);
    private static final Pattern TASK = Pattern.compile("(\\d+)_(\\d+)");

    private StaleTaskDirectories() {
    }

    /** @return the directories removed */
    public static List<Path> remove(Path stateDir, String applicationId, TopologyDescription topology) {
        Path application = stateDir.resolve(applicationId);
        if (!Files.isDirectory(application)) {
            return List.of();
        }
        Map<Integer, Set<String>> storesBySubtopology = new HashMap<>();
        for (TopologyDescription.Subtopology subtopology : topology.subtopologies()) {
            Set<String> stores = new HashSet<>();
            for (TopologyDescription.Node node : subtopology.nodes()) {
                if (node instanceof TopologyDescription.Processor processor) {
                    stores.addAll(processor.stores());
                }
            }
            storesBySubtopology.put(subtopology.id(), stores);
        }
        List<Path> removed = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(application)) {
            for (Path task : tasks.toList()) {
                Matcher name = TASK.matcher(task.getFileName().toString());
                if (!name.matches() || !Files.isDirectory(task)) {
                    continue;
                }
                Set<String> expected = storesBySubtopology.get(Integer.parseInt(name.group(1)));
                Set<String> held = storesIn(task);
                if (expected == null || !expected.containsAll(held)) {
                    log.warn("Removing task directory {}: it holds {}, but sub-topology {} of this version holds {}; "
                            + "its state is restored from the changelogs", task, held, name.group(1), expected);
                    delete(task);
                    removed.add(task);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot look through the state directory " + application, e);
        }
        return removed;
    }

    /** The stores a task directory holds: RocksDB stores under {@code rocksdb/}, others as directories of their own. */
    static Set<String> storesIn(Path task) throws IOException {
        Set<String> stores = new HashSet<>();
        try (Stream<Path> entries = Files.list(task)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!Files.isDirectory(entry) || name.startsWith(".")) {
                    continue;
                }
                if (name.equals("rocksdb")) {
                    try (Stream<Path> rocksdb = Files.list(entry)) {
                        rocksdb.filter(Files::isDirectory).forEach(store -> stores.add(store.getFileName().toString()));
                    }
                } else {
                    stores.add(name);
                }
            }
        }
        return stores;
    }

    private static void delete(Path directory) throws IOException {
        try (Stream<Path> all = Files.walk(directory)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
