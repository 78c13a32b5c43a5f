package io.autotopup.sandbox.objectstore;

import io.autotopup.sandbox.LocalProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * An S3-compatible object store on this machine: S3Proxy ({@code org.gaul:s3proxy}, its self-contained jar) in a JVM
 * of its own, keeping objects as files under a directory, answering the S3 API on loopback with AWS signatures. The
 * same client code that talks to AWS S3 or MinIO in production talks to it.
 */
public final class LocalObjectStore implements AutoCloseable {

    public static final String ACCESS_KEY = "local-identity";
    public static final String SECRET_KEY = "local-credential";

    private final Process process;
    private final int port;
    private final Path dataDir;

    private LocalObjectStore(Process process, int port, Path dataDir) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
    }

    /**
     * Starts S3Proxy and returns once it answers.
     *
     * @param jar     S3Proxy's jar-with-dependencies
     * @param dataDir where the objects are kept (one directory per bucket)
     * @param port    its port on loopback, 0 for any free one
     * @param log     where its output goes
     */
    public static LocalObjectStore start(Path jar, Path dataDir, int port, Path log) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("No S3Proxy jar at " + jar + ": build first (./mvnw -DskipTests package)");
        }
        Files.createDirectories(dataDir);
        int chosen = port == 0 ? LocalProcess.freePort() : port;
        Properties settings = new Properties();
        settings.setProperty("s3proxy.endpoint", "http://127.0.0.1:" + chosen);
        settings.setProperty("s3proxy.authorization", "aws-v2-or-v4");
        settings.setProperty("s3proxy.identity", ACCESS_KEY);
        settings.setProperty("s3proxy.credential", SECRET_KEY);
        settings.setProperty("jclouds.provider", "filesystem");
        settings.setProperty("jclouds.filesystem.basedir", dataDir.toAbsolutePath().toString());
        Path file = Files.createTempFile("s3proxy", ".properties");
        try (var out = Files.newOutputStream(file)) {
            settings.store(out, "S3Proxy for autotopup's identity documents");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-jar", jar.toString(),
                "--properties", file.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LocalObjectStore store = new LocalObjectStore(process, chosen, dataDir);
        LocalProcess.awaitAnswering(process, "S3Proxy", URI.create(store.endpoint() + "/"), false, Duration.ofSeconds(60),
                Duration.ofSeconds(10));
        return store;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Where the objects are, as files: what is at rest. */
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        LocalProcess.stop(process, Duration.ofSeconds(10));
    }
}
