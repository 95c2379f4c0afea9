package tuplespace.codec.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The shared secret of a cluster ({@code --cluster-secret-file}, read by {@link SecretFile}: owner-only, at least
 * 16 bytes). It is only ever used as an HMAC-SHA256 key; {@link #toString} names the file, never the secret.
 */
public final class ClusterSecret {

    /** The option that names the file, in every message about it. */
    public static final String OPTION = "--cluster-secret-file";
    /** The environment variable scripts may set instead of the option (the command-line admin commands read it). */
    public static final String ENVIRONMENT_VARIABLE = "TUPLESPACE_CLUSTER_SECRET_FILE";

    private final Path file;
    private final SecretKeySpec key;

    private ClusterSecret(Path file, byte[] secret) {
        this.file = file;
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /**
     * Reads the secret.
     *
     * @throws IOException naming the option and the file and what is wrong with it ({@link SecretFile#read})
     */
    public static ClusterSecret load(Path file) throws IOException {
        return new ClusterSecret(file.toAbsolutePath(), SecretFile.read(OPTION, file));
    }

    /** For tests and embedding: a secret given as text, not read from a file. */
    public static ClusterSecret of(String secret) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < SecretFile.MIN_BYTES) {
            throw new IllegalArgumentException("expected a secret of at least " + SecretFile.MIN_BYTES
                    + " bytes, found " + bytes.length);
        }
        return new ClusterSecret(Path.of("(given)"), bytes);
    }

    /** The file it was read from: a primary passes it on to the backup it starts. */
    public Path file() {
        return file;
    }

    /** HMAC-SHA256 of {@code message} under the secret. */
    byte[] mac(String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "cluster secret from " + file;
    }
}
