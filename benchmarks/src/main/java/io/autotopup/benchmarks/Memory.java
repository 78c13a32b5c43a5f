package io.autotopup.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Peak memory of a service while it works: resident set (the kernel's high-water mark, VmHWM) and the largest
 * heap in use the service reported (Micrometer's jvm.memory.used, area heap), sampled about once a second.
 */
final class Memory {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static final java.util.regex.Pattern HEAP_POOL = java.util.regex.Pattern.compile(
            "^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} ([0-9.eE+]+)$", java.util.regex.Pattern.MULTILINE);

    private final long pid;
    private final String actuator;
    private long peakHeap;

    Memory(long pid, String serviceUrl) {
        this.pid = pid;
        // Prometheus's page is open; /actuator/metrics asks for a token since the services became resource servers
        // only the heap's family: the whole page is about a megabyte, and asking for it costs the service CPU
        this.actuator = serviceUrl + "/actuator/prometheus?includedNames=jvm_memory_used_bytes";
    }

    void sample() {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(actuator)).timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                // the heap is the sum of its pools
                java.util.regex.Matcher pool = HEAP_POOL.matcher(response.body());
                double heap = 0;
                while (pool.find()) {
                    heap += Double.parseDouble(pool.group(1));
                }
                peakHeap = Math.max(peakHeap, (long) heap);
            }
        } catch (IOException e) {
            // not answering yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The resident set's high-water mark, in bytes (Linux), or -1. */
    long peakRss() {
        return status("VmHWM:");
    }

    long peakHeap() {
        return peakHeap;
    }

    private long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
