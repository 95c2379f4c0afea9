package tuplespace.codec.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLException;
import tuplespace.codec.auth.SecretFile;

/**
 * A listening side's TLS ({@code --tls-cert}, {@code --tls-key}, {@code --tls-ca}, {@code --tls-client-auth}):
 * the JDK's TLS through Netty's {@code SslHandler}. Files are PEM: an X.509 certificate chain and its PKCS#8 private
 * key; {@code --tls-ca} holds the certificates that signed the clients' certificates (checked with
 * {@code --tls-client-auth required}).
 *
 * @param certificate the certificate chain this side presents
 * @param privateKey  its private key (PKCS#8 PEM, unencrypted, of the chain's first certificate; a file anyone may
 *                    read is refused, as ssh refuses such keys)
 * @param trusted     the CA certificates peers' certificates are checked against, if any
 * @param clientAuth  whether a connecting peer must present a certificate the CA signed
 */
public record TlsSettings(Path certificate, Path privateKey, Optional<Path> trusted, ClientAuthMode clientAuth) {

    /** {@code --tls-client-auth}: whether clients must present a certificate. */
    public enum ClientAuthMode {
        REQUIRED, NONE;

        /** From the option's value, case-insensitive. */
        public static ClientAuthMode parse(String value) {
            for (ClientAuthMode mode : values()) {
                if (mode.name().equalsIgnoreCase(value)) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("--tls-client-auth: expected required or none, found '" + value + "'");
        }

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public TlsSettings {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(trusted, "trusted");
        Objects.requireNonNull(clientAuth, "clientAuth");
        if (clientAuth == ClientAuthMode.REQUIRED && trusted.isEmpty()) {
            throw new IllegalArgumentException("--tls-client-auth required: expected --tls-ca naming the CA that signs"
                    + " client certificates, found none");
        }
    }

    /**
     * From the options: none when none of them is given.
     *
     * @throws IllegalArgumentException naming the option that is missing or whose file cannot be read
     */
    public static Optional<TlsSettings> fromOptions(Path certificate, Path privateKey, Path trusted, String clientAuth) {
        if (certificate == null && privateKey == null && trusted == null && clientAuth == null) {
            return Optional.empty();
        }
        if (certificate == null || privateKey == null) {
            throw new IllegalArgumentException("--tls-cert and --tls-key: expected both (a PEM certificate and its PEM"
                    + " private key), found " + (certificate == null ? "no --tls-cert" : "no --tls-key"));
        }
        requireReadable("--tls-cert", certificate);
        requireReadable("--tls-key", privateKey);
        try {
            // a group of its own may read it, as ssl-cert does on Debian; anyone may not
            SecretFile.openToOthers(privateKey, "the private key", true).ifPresent(found -> {
                throw new IllegalArgumentException("--tls-key " + privateKey + ": " + found);
            });
        } catch (IOException e) {
            throw new IllegalArgumentException("--tls-key " + privateKey + ": cannot read its mode: " + e.getMessage(),
                    e);
        }
        if (trusted != null) {
            requireReadable("--tls-ca", trusted);
        }
        TlsSettings settings = new TlsSettings(certificate, privateKey, Optional.ofNullable(trusted),
                clientAuth == null ? ClientAuthMode.NONE : ClientAuthMode.parse(clientAuth));
        settings.serverContext(); // fail at start, naming the files, rather than at the first connection
        KeyPairCheck.mismatch(certificate, privateKey).ifPresent(found -> {
            throw new IllegalArgumentException("--tls-cert " + certificate + ", --tls-key " + privateKey + ": " + found);
        });
        return Optional.of(settings);
    }

    /** The context of the listening side. */
    public SslContext serverContext() {
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(certificate.toFile(), privateKey.toFile());
            trusted.ifPresent(ca -> builder.trustManager(ca.toFile()));
            builder.clientAuth(clientAuth == ClientAuthMode.REQUIRED ? ClientAuth.REQUIRE : ClientAuth.NONE);
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("--tls-cert " + certificate + ", --tls-key " + privateKey
                    + trusted.map(ca -> ", --tls-ca " + ca).orElse("") + ": expected a PEM certificate chain and its"
                    + " PKCS#8 PEM private key, found files TLS cannot use: " + rootMessage(e), e);
        }
    }

    private static void requireReadable(String option, Path file) {
        unreadable(file).ifPresent(found -> {
            throw new IllegalArgumentException(option + " " + file + ": " + found);
        });
    }

    /**
     * What is wrong with {@code file} as a PEM file to read ({@code expected a readable PEM file, found no such file}),
     * or empty when this process can read it: the listening side's options and a client's {@code --tls-ca} alike.
     */
    public static Optional<String> unreadable(Path file) {
        if (Files.isReadable(file)) {
            return Optional.empty();
        }
        return Optional.of("expected a readable PEM file, found " + (Files.notExists(file) ? "no such file"
                : "a file this process cannot read"));
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
    }
}
