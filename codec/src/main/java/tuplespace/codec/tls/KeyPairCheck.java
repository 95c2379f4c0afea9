package tuplespace.codec.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a listening side's private key ({@code --tls-key}) belongs to the first certificate of its chain
 * ({@code --tls-cert}): Netty's context takes any pair of a chain and a key, and a mismatch showed only at each client's
 * handshake ("Invalid CertificateVerify signature"). Checked as a handshake would: a few random bytes signed with the
 * key must verify with the certificate's public key.
 */
final class KeyPairCheck {

    /** The signature each key algorithm is checked with; a key of another algorithm is not checked. */
    private static final Map<String, String> SIGNATURES = Map.of("RSA", "SHA256withRSA", "EC", "SHA256withECDSA",
            "Ed25519", "Ed25519", "EdDSA", "Ed25519", "Ed448", "Ed448", "DSA", "SHA256withDSA");

    private KeyPairCheck() {
    }

    /**
     * Why {@code privateKey} is not the key of {@code certificate}'s first certificate, or empty when it is, or when
     * this check cannot tell (a key algorithm it does not know: the context was built already, so TLS can use it).
     */
    static Optional<String> mismatch(Path certificate, Path privateKey) {
        try {
            X509Certificate leaf = firstCertificate(certificate);
            Optional<PrivateKey> key = privateKey(privateKey);
            if (key.isEmpty() || !SIGNATURES.containsKey(key.get().getAlgorithm())) {
                return Optional.empty();
            }
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(SIGNATURES.get(key.get().getAlgorithm()));
            signer.initSign(key.get());
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(SIGNATURES.get(key.get().getAlgorithm()));
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(challenge);
            if (verifier.verify(signature)) {
                return Optional.empty();
            }
            return Optional.of("expected the private key of the certificate's public key (" + describe(leaf)
                    + "), found another " + key.get().getAlgorithm() + " key");
        } catch (GeneralSecurityException e) {
            // a key of another algorithm than the certificate's public key fails here
            return Optional.of("expected the private key of the certificate's public key, found a key it does not"
                    + " verify with (" + e.getMessage() + ")");
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // the files were read by the context already; nothing more to say here
        }
    }

    private static X509Certificate firstCertificate(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            List<? extends Certificate> chain = List.copyOf(CertificateFactory.getInstance("X.509")
                    .generateCertificates(in));
            if (chain.isEmpty() || !(chain.get(0) instanceof X509Certificate leaf)) {
                throw new IOException("no X.509 certificate in " + file);
            }
            return leaf;
        }
    }

    /** The unencrypted PKCS#8 key of a PEM file, in whichever algorithm its bytes decode as; empty if none. */
    private static Optional<PrivateKey> privateKey(Path file) throws IOException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            return Optional.empty();
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end));
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "DSA")) {
            try {
                return Optional.of(KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der)));
            } catch (GeneralSecurityException notThisOne) {
                // try the next algorithm
            }
        }
        return Optional.empty();
    }

    private static String describe(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName() + ", " + certificate.getPublicKey().getAlgorithm();
    }
}
