package tuplespace.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;

/**
 * A self-signed certificate for {@code 127.0.0.1} and {@code localhost}, made at test time with the JDK's
 * {@code keytool} (no private key is committed), written as the PEM files {@code --tls-cert}, {@code --tls-key} and
 * {@code --tls-ca} take. Being self-signed, the certificate is its own CA: clients trust {@link #certificate()}.
 */
record TestCertificates(Path certificate, Path privateKey) {

    private static final String ALIAS = "tuplespace";
    private static final char[] PASSWORD = "test-only".toCharArray();

    /** Makes {@code NAME.crt.pem} and {@code NAME.key.pem} (owner-only) in {@code directory}. */
    static TestCertificates create(Path directory, String name) {
        Path keyStore = directory.resolve(name + ".p12");
        try {
            keytool(List.of("-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                    "-keystore", keyStore.toString(), "-storetype", "PKCS12",
                    "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)));
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                store.load(in, PASSWORD);
            }
            Path certificate = directory.resolve(name + ".crt.pem");
            Path privateKey = directory.resolve(name + ".key.pem");
            Files.writeString(certificate, pem("CERTIFICATE", store.getCertificate(ALIAS).getEncoded()));
            Files.writeString(privateKey, pem("PRIVATE KEY", store.getKey(ALIAS, PASSWORD).getEncoded()));
            Files.setPosixFilePermissions(privateKey, PosixFilePermissions.fromString("rw-------"));
            Files.delete(keyStore);
            return new TestCertificates(certificate, privateKey);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new AssertionError("cannot read the key store keytool wrote", e);
        }
    }

    /** The proxy options that serve these on the client port. */
    List<String> proxyOptions() {
        return List.of("--tls-cert", certificate.toString(), "--tls-key", privateKey.toString(),
                "--tls-ca", certificate.toString());
    }

    private static void keytool(List<String> arguments) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (process.waitFor() != 0) {
                throw new AssertionError("keytool failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while keytool ran", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
