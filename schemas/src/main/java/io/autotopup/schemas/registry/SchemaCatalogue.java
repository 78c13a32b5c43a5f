package io.autotopup.schemas.registry;

import io.autotopup.schemas.AvroSerde;
import io.autotopup.schemas.EventSchemas;
import io.autotopup.schemas.Topic;
import io.autotopup.schemas.Topics;
import io.autotopup.schemas.WireFormat;
import io.autotopup.schemas.registry.SchemaRegistryClient.Registered;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;

/**
 * The subjects of the topic catalogue as a registry should hold them: each with every published version of its event,
 * oldest first, and its compatibility rule. The schemas module stays the source of truth; this brings a registry in
 * line with it ({@link #register}) and says where the two differ ({@link #compare}).
 */
public final class SchemaCatalogue {

    /** Carriers write usage with their own producers: a change must keep old and new readers and writers working. */
    public static final String CARRIER_COMPATIBILITY = "FULL_TRANSITIVE";
    /** Our own topics: a new reader reads everything ever written. */
    public static final String DEFAULT_COMPATIBILITY = "BACKWARD_TRANSITIVE";

    private SchemaCatalogue() {
    }

    /** One subject: which topic and event, its published versions (oldest first) and its compatibility rule. */
    public record Subject(String name, String topic, Class<? extends SpecificRecord> type, List<Schema> versions, String compatibility) {
    }

    /** Every subject of the catalogue, in the catalogue's order. */
    public static List<Subject> subjects() {
        List<Subject> subjects = new ArrayList<>();
        for (Topic<String, ?> topic : Topics.ALL) {
            if (!(topic.valueSerde() instanceof AvroSerde<?> serde)) {
                continue;
            }
            for (Class<?> type : serde.types()) {
                @SuppressWarnings("unchecked")
                Class<? extends SpecificRecord> event = (Class<? extends SpecificRecord>) type;
                subjects.add(new Subject(WireFormat.subject(topic.name(), event), topic.name(), event,
                        EventSchemas.instance().versionsOf(event),
                        topic.name().equals(Topics.USAGE_EVENTS.name()) ? CARRIER_COMPATIBILITY : DEFAULT_COMPATIBILITY));
            }
        }
        return subjects;
    }

    /** How a subject in the registry stands against the catalogue. */
    public record Difference(Subject subject, int registered, List<Integer> missingVersions, int unknownVersions,
                             String registryCompatibility) {
        public boolean inLine() {
            return missingVersions.isEmpty() && unknownVersions == 0 && subject.compatibility().equals(registryCompatibility);
        }
    }

    /** Each subject as the registry holds it: which published versions it lacks, which it has that we never published. */
    public static List<Difference> compare(SchemaRegistryClient registry) {
        List<Difference> differences = new ArrayList<>();
        for (Subject subject : subjects()) {
            List<Registered> registered = registry.versions(subject.name());
            Set<Long> there = registered.stream().map(version -> SchemaNormalization.parsingFingerprint64(version.schema()))
                    .collect(Collectors.toSet());
            Set<Long> ours = subject.versions().stream().map(SchemaNormalization::parsingFingerprint64).collect(Collectors.toSet());
            List<Integer> missing = new ArrayList<>();
            for (int i = 0; i < subject.versions().size(); i++) {
                if (!there.contains(SchemaNormalization.parsingFingerprint64(subject.versions().get(i)))) {
                    missing.add(i + 1);
                }
            }
            int unknown = (int) there.stream().filter(fingerprint -> !ours.contains(fingerprint)).count();
            differences.add(new Difference(subject, registered.size(), missing, unknown,
                    registry.compatibility(subject.name()).orElse("(registry default)")));
        }
        return differences;
    }

    /**
     * Sets each subject's compatibility rule, then registers the published versions it lacks, oldest first, so the
     * registry checks each against the ones before it. Returns what it did, one line per change.
     *
     * @throws SchemaRegistryClient.RegistryException with status 409 if the registry finds a version incompatible
     */
    public static List<String> register(SchemaRegistryClient registry) {
        List<String> done = new ArrayList<>();
        for (Difference difference : compare(registry)) {
            Subject subject = difference.subject();
            if (!subject.compatibility().equals(difference.registryCompatibility())) {
                registry.setCompatibility(subject.name(), subject.compatibility());
                done.add(subject.name() + ": compatibility " + subject.compatibility());
            }
            for (int version : difference.missingVersions()) {
                int id = registry.register(subject.name(), subject.versions().get(version - 1));
                done.add(subject.name() + ": registered " + subject.type().getSimpleName() + " v" + version + " as id " + id);
            }
        }
        return done;
    }
}
