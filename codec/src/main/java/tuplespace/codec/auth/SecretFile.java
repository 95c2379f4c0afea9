package tuplespace.codec.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import tuplespace.codec.Lines;

/**
 * Reads a secret from a file named by an option ({@code --cluster-secret-file}, {@code --client-auth-file}). Like ssh
 * with its keys, a file that group or others may read or write is refused, naming the file and its mode. The secret
 * is the file's bytes without trailing white space, at least {@link #MIN_BYTES} of them.
 */
public final class SecretFile {

    /** Shorter secrets are refused: 16 random bytes is the least a key or token should have. */
    public static final int MIN_BYTES = 16;
    /** How to make a secret that suits every use: random bytes as text. */
    private static final String HOW_TO_MAKE = "e.g. head -c 32 /dev/urandom | base64 > FILE; chmod 600 FILE";

    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private SecretFile() {
    }

    /**
     * @throws IOException whose message names the option and the file and says what to do: unreadable, readable by
     *     group or others (with its mode), or too short
     */
    public static byte[] read(String option, Path file) throws IOException {
        Path absolute = file.toAbsolutePath();
        String name = option + " " + absolute;
        if (!Files.isRegularFile(absolute)) {
            throw new IOException(name + ": expected a readable file holding the secret, found "
                    + (Files.exists(absolute) ? "something that is not a regular file" : "no such file"));
        }
        Optional<String> open = openToOthers(absolute, "the secret", false);
        if (open.isPresent()) {
            throw new IOException(name + ": " + open.get());
        }
        byte[] content;
        try {
            content = Files.readAllBytes(absolute);
        } catch (IOException e) {
            throw new IOException(name + ": cannot read it: " + e.getMessage(), e);
        }
        byte[] secret = stripTrailingWhiteSpace(content);
        Arrays.fill(content, (byte) 0);
        if (secret.length < MIN_BYTES) {
            throw new IOException(name + ": expected a secret of at least " + MIN_BYTES + " bytes, found "
                    + secret.length + " (" + HOW_TO_MAKE + ")");
        }
        return secret;
    }

    /**
     * A secret that is text: a client token, which clients send in their first line ({@code AUTH <token>}). Read as
     * {@link #read} reads any secret, and refused, naming the first byte that is not, when it is not UTF-8: no client
     * could ever send it (a file of random bytes, say, made without {@code base64}).
     *
     * @throws IOException as {@link #read}, and for a secret that is not UTF-8 text
     */
    public static String readText(String option, Path file) throws IOException {
        byte[] secret = read(option, file);
        try {
            OptionalInt notText = Lines.firstNonUtf8Byte(ByteBuffer.wrap(secret));
            if (notText.isPresent()) {
                throw new IOException(String.format(Locale.ROOT, "%s %s: expected a token of UTF-8 text, which"
                        + " clients send in their AUTH line, found the byte 0x%02X at byte %d of the file, which is not"
                        + " UTF-8 there (%s)", option, file.toAbsolutePath(), secret[notText.getAsInt()] & 0xFF,
                        notText.getAsInt() + 1, HOW_TO_MAKE));
            }
            return new String(secret, StandardCharsets.UTF_8);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /**
     * Why {@code file}, which holds {@code what} (the secret, the private key), is open to others: its mode lets group
     * (unless {@code groupMay}) or others read or change it, said with the mode and what to do; empty when it does not,
     * or when the file system has no POSIX modes.
     *
     * @throws IOException when the mode cannot be read
     */
    public static Optional<String> openToOthers(Path file, String what, boolean groupMay) throws IOException {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException notPosix) {
            return Optional.empty(); // no POSIX modes on this file system: nothing to check
        }
        Set<PosixFilePermission> forbidden = groupMay ? OTHERS : GROUP_OR_OTHERS;
        if (permissions.stream().noneMatch(forbidden::contains)) {
            return Optional.empty();
        }
        return Optional.of("its mode " + mode(permissions) + " (" + PosixFilePermissions.toString(permissions)
                + ") lets " + (groupMay ? "anyone" : "group or others") + " read or change " + what + "; expected a"
                + " file only its owner" + (groupMay ? " (and its group)" : "") + " can read (chmod "
                + (groupMay ? "640 " : "600 ") + file.toAbsolutePath() + ")");
    }

    /** Octal as {@code ls -l} users read it: 0644. */
    private static String mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            mode |= 1 << (8 - permission.ordinal());
        }
        return String.format("%04o", mode);
    }

    private static byte[] stripTrailingWhiteSpace(byte[] content) {
        int end = content.length;
        while (end > 0 && (content[end - 1] == '\n' || content[end - 1] == '\r' || content[end - 1] == ' '
                || content[end - 1] == '\t')) {
            end--;
        }
        return Arrays.copyOf(content, end);
    }
}
