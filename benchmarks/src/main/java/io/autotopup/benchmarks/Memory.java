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

    private final long pid;
    private final String actuator;
    private long peakHeap;

    Memory(long pid, String serviceUrl) {
        this.pid = pid;
        this.actuator = serviceUrl + "/actuator/metrics/jvm.memory.used?tag=area:heap";
    }

    void sample() {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(actuator)).timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.ofString());
            java.util.regex.Matcher value = java.util.regex.Pattern.compile("\"value\":([0-9.eE+]+)").matcher(response.body());
            if (response.statusCode() == 200 && value.find()) {
                peakHeap = Math.max(peakHeap, (long) Double.parseDouble(value.group(1)));
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
