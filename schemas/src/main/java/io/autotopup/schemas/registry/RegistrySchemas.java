package io.autotopup.schemas.registry;

import io.autotopup.schemas.SchemaResolver;
import io.autotopup.schemas.registry.SchemaRegistryClient.RegistryException;
import io.autotopup.schemas.registry.SchemaRegistryClient.Registered;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schemas and ids from a registry, each asked once and then kept: a schema id never changes its schema, and the
 * serde keeps the id it writes per topic. While the registry is away, every id already seen still resolves, so
 * producers and consumers go on; only an id never seen fails, with the reason.
 */
public final class RegistrySchemas implements SchemaResolver {

    private static final Logger log = LoggerFactory.getLogger(RegistrySchemas.class);

    private final SchemaRegistryClient client;
    private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();

    public RegistrySchemas(SchemaRegistryClient client) {
        this.client = client;
    }

    public RegistrySchemas(String baseUrl) {
        this(new SchemaRegistryClient(baseUrl));
    }

    @Override
    public Schema schemaById(int id) {
        Schema known = byId.get(id);
        if (known != null) {
            return known;
        }
        try {
            Schema schema = client.schemaById(id).orElseThrow(() -> new SerializationException(
                    "Schema id " + id + " is not in the schema registry at " + client.baseUrl()));
            byId.put(id, schema);
            return schema;
        } catch (RegistryException e) {
            throw new SerializationException("Schema id " + id + " was never seen here and cannot be looked up: " + e.getMessage());
        }
    }

    @Override
    public OptionalInt idOf(String subject, Schema schema) {
        long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        try {
            for (Registered version : client.versions(subject)) {
                byId.putIfAbsent(version.id(), version.schema());
                if (SchemaNormalization.parsingFingerprint64(version.schema()) == fingerprint) {
                    return OptionalInt.of(version.id());
                }
            }
            log.warn("The schema registry at {} has no version of {} for subject {}: records are written single-object "
                    + "until it has (topupctl schemas register)", client.baseUrl(), schema.getFullName(), subject);
        } catch (RegistryException e) {
            log.warn("No schema id for subject {}: {}; records are written single-object meanwhile", subject, e.getMessage());
        }
        return OptionalInt.empty();
    }
}
