package io.autotopup.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time a process has used so far, user and system, from Linux's {@code /proc/<pid>/stat}. */
final class CpuTime {

    /** Linux's USER_HZ, the unit of the times in {@code stat}: 100 on every common architecture. */
    private static final double TICKS_PER_SECOND = 100;

    private CpuTime() {
    }

    /** Seconds of CPU, all threads, or -1 when the process is gone or this is not Linux. */
    static double seconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command may hold spaces and parentheses: the fields after it start behind the last ')'
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the command
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
