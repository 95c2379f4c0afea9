package tuplespace.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import tuplespace.codec.auth.SecretFile;

/**
 * The token clients must send first ({@code --client-auth-file}: owner-only, at least 16 bytes of UTF-8 text, read by
 * {@link SecretFile#readText}). Compared in constant time; {@link #toString} never shows it.
 */
public final class ClientToken {

    static final String OPTION = "--client-auth-file";

    private final byte[] token;

    private ClientToken(byte[] token) {
        this.token = token;
    }

    static ClientToken load(Path file) throws IOException {
        return of(SecretFile.readText(OPTION, file));
    }

    static ClientToken of(String token) {
        return new ClientToken(token.getBytes(StandardCharsets.UTF_8));
    }

    boolean matches(String given) {
        return MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "client token";
    }
}
