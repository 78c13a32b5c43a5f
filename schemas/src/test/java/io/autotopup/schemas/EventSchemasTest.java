package io.autotopup.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The build-time schema check: nobody changes an event schema without publishing a compatible version. */
class EventSchemasTest {

    static Stream<Class<? extends SpecificRecord>> events() {
        return EventSchemas.EVENT_TYPES.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void the_generated_class_matches_the_newest_published_version(Class<? extends SpecificRecord> type) {
        List<Schema> versions = EventSchemas.instance().versionsOf(type);
        Schema newest = versions.get(versions.size() - 1);

        assertThat(EventSchemas.currentSchemaOf(type))
                .as("%s changed in src/main/avro but was not published: add it as v%d under "
                        + "src/main/resources/io/autotopup/schemas/published/%s/", type.getSimpleName(),
                        versions.size() + 1, type.getSimpleName())
                .isEqualTo(newest);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void every_version_reads_and_is_read_by_every_earlier_version(Class<? extends SpecificRecord> type) {
        List<Schema> versions = EventSchemas.instance().versionsOf(type);
        for (int newer = 1; newer < versions.size(); newer++) {
            for (int older = 0; older < newer; older++) {
                assertCompatible(versions.get(newer), versions.get(older), type, newer, older);
                assertCompatible(versions.get(older), versions.get(newer), type, older, newer);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void every_published_version_is_found_by_its_fingerprint(Class<? extends SpecificRecord> type) {
        for (Schema version : EventSchemas.instance().versionsOf(type)) {
            long fingerprint = org.apache.avro.SchemaNormalization.parsingFingerprint64(version);
            assertThat(EventSchemas.instance().findByFingerprint(fingerprint)).isEqualTo(version);
            assertThat(EventSchemas.instance().typeOf(fingerprint)).isEqualTo(type);
        }
    }

    @org.junit.jupiter.api.Test
    void an_incompatible_change_is_detected() {
        Schema v1 = EventSchemas.instance().versionsOf(io.autotopup.events.UsageRecorded.class).get(0);
        Schema withoutDefault = new Schema.Parser().parse(v1.toString().replace(
                "\"fields\":[", "\"fields\":[{\"name\":\"mandatoryNew\",\"type\":\"string\"},"));

        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(withoutDefault, v1).getType())
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    private static void assertCompatible(Schema reader, Schema writer, Class<?> type, int readerVersion,
            int writerVersion) {
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        assertThat(result.getType())
                .as("%s v%d cannot read v%d: %s", type.getSimpleName(), readerVersion + 1, writerVersion + 1,
                        result.getDescription())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }
}
