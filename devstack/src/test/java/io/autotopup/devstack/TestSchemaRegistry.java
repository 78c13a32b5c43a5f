package io.autotopup.devstack;

import io.autotopup.platform.testing.RequiredTools;
import io.autotopup.sandbox.registry.LocalSchemaRegistry;
import io.autotopup.schemas.registry.SchemaCatalogue;
import io.autotopup.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One Apicurio Registry per test JVM (in memory), shared by the tests that need one, started on first use and stopped
 * with the JVM; the catalogue's subjects are registered in it as {@code topupctl schemas register} does. Tests that call
 * {@link #get} skip without a Java 21+ (and fail under {@code AUTOTOPUP_REQUIRE_TOOLS=1}).
 */
final class TestSchemaRegistry {

    private static LocalSchemaRegistry registry;

    private TestSchemaRegistry() {
    }

    static synchronized LocalSchemaRegistry get() {
        Optional<Path> java = LocalSchemaRegistry.findJava21();
        RequiredTools.require(java.isPresent(), LocalSchemaRegistry.missingJava21());
        if (registry == null || !registry.isAlive()) {
            try {
                Path log = Files.createTempFile("apicurio-registry", ".log");
                registry = LocalSchemaRegistry.start(java.orElseThrow(), Path.of("target", "tools", "apicurio-registry"),
                        new LocalSchemaRegistry.Storage.InMemory(), 0, log);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            SchemaCatalogue.register(client());
            LocalSchemaRegistry started = registry;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "stop-schema-registry"));
        }
        return registry;
    }

    static SchemaRegistryClient client() {
        return new SchemaRegistryClient(registry.ccompatUrl());
    }
}
