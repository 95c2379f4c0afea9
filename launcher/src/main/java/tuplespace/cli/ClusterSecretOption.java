package tuplespace.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;
import tuplespace.codec.auth.ClusterSecret;

/**
 * {@code --cluster-secret-file FILE} of the admin commands (a picocli mixin): the secret a SHUTDOWN_SAP started with
 * the same option requires. Scripts may name the file in {@value ClusterSecret#ENVIRONMENT_VARIABLE} instead.
 */
public final class ClusterSecretOption {

    @Option(names = ClusterSecret.OPTION, paramLabel = "FILE",
            description = "the cluster secret the service was started with (a file only its owner can read); default:"
                    + " the file named in " + ClusterSecret.ENVIRONMENT_VARIABLE + ", else none")
    private Path file;

    /** The secret to prove, if the option or the environment names a file. */
    Optional<ClusterSecret> load() throws IOException {
        Path chosen = file;
        if (chosen == null) {
            String fromEnvironment = System.getenv(ClusterSecret.ENVIRONMENT_VARIABLE);
            if (fromEnvironment == null || fromEnvironment.isBlank()) {
                return Optional.empty();
            }
            chosen = Path.of(fromEnvironment);
        }
        return Optional.of(ClusterSecret.load(chosen));
    }
}
