package io.autotopup.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository, found from the module's directory whichever directory Maven runs the tests in. */
final class RepositoryFiles {

    private RepositoryFiles() {
    }

    /** The top of the repository: the directory with the reactor POM and the Maven wrapper. */
    static Path root() {
        Path directory = Path.of("").toAbsolutePath();
        while (directory != null && !Files.exists(directory.resolve("mvnw"))) {
            directory = directory.getParent();
        }
        if (directory == null) {
            throw new IllegalStateException("not inside the autotopup repository: " + Path.of("").toAbsolutePath());
        }
        return directory;
    }
}
