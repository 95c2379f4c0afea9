package tuplespace.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
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

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    /**
     * The secret to prove, if the option or the environment names a file. A file that cannot serve (unreadable, open
     * to others, too short) is an argument error: status 2, naming the file, as the proxy and the server answer it.
     */
    Optional<ClusterSecret> load() {
        Path chosen = file;
        if (chosen == null) {
            String fromEnvironment = System.getenv(ClusterSecret.ENVIRONMENT_VARIABLE);
            if (fromEnvironment == null || fromEnvironment.isBlank()) {
                return Optional.empty();
            }
            chosen = Path.of(fromEnvironment);
        }
        try {
            return Optional.of(ClusterSecret.load(chosen));
        } catch (IOException | IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), e.getMessage(), e);
        }
    }
}
