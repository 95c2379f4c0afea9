package tuplespace.bench.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A self-signed EC P-256 certificate for 127.0.0.1, made with the JDK's keytool when the benchmark runs, as the PEM
 * files the proxy's {@code --tls-cert}, {@code --tls-key} and {@code --tls-ca} take (self-signed: it is its own CA).
 */
record BenchCertificates(Path certificate, Path privateKey) {

    private static final char[] PASSWORD = "bench-only".toCharArray();

    static BenchCertificates create(Path directory) throws IOException {
        Path keyStore = directory.resolve("bench.p12");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "bench", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", keyStore.toString(),
                "-storetype", "PKCS12", "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)));
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (keytool.waitFor() != 0) {
                throw new IOException("keytool failed: " + output);
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                store.load(in, PASSWORD);
            }
            Path certificate = directory.resolve("bench.crt.pem");
            Path privateKey = directory.resolve("bench.key.pem");
            Files.writeString(certificate, pem("CERTIFICATE", store.getCertificate("bench").getEncoded()));
            Files.writeString(privateKey, pem("PRIVATE KEY", store.getKey("bench", PASSWORD).getEncoded()));
            Files.setPosixFilePermissions(privateKey, PosixFilePermissions.fromString("rw-------"));
            Files.delete(keyStore);
            return new BenchCertificates(certificate, privateKey);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool ran", e);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the key store keytool wrote: " + e.getMessage(), e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
