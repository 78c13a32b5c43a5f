package io.autotopup.soak;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** The soak's console lines, each with the seconds since the run began in front. */
final class Clock {

    private Clock() {
    }

    static PrintStream stamped(PrintStream out) {
        long started = System.nanoTime();
        return new PrintStream(new OutputStream() {
            private boolean lineStart = true;

            @Override
            public synchronized void write(int b) {
                if (lineStart) {
                    out.print(String.format("[%6.1f s] ", (System.nanoTime() - started) / 1e9));
                    lineStart = false;
                }
                out.write(b);
                if (b == '\n') {
                    lineStart = true;
                    out.flush();
                }
            }
        }, true, StandardCharsets.UTF_8);
    }
}
