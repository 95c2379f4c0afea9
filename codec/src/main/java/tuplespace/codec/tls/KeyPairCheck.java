package tuplespace.codec.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
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
            "Ed25519", "Ed25519", "Ed448", "Ed448", "EdDSA", "EdDSA", "DSA", "SHA256withDSA");

    private KeyPairCheck() {
    }

    /**
     * Why {@code privateKey} is not the key of {@code certificate}'s first certificate, or empty when it is, or when
     * this check cannot tell (files or a key algorithm it does not read: the context was built already, so TLS can use
     * them). Only a signature that fails to verify, or a public key of another algorithm, is a mismatch.
     */
    static Optional<String> mismatch(Path certificate, Path privateKey) {
        Optional<X509Certificate> leaf;
        Optional<PrivateKey> key;
        byte[] challenge = new byte[32];
        byte[] signature;
        String algorithm;
        try {
            leaf = firstCertificate(certificate);
            key = privateKey(privateKey);
            if (leaf.isEmpty() || key.isEmpty() || !SIGNATURES.containsKey(key.get().getAlgorithm())) {
                return Optional.empty();
            }
            algorithm = SIGNATURES.get(key.get().getAlgorithm());
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key.get());
            signer.update(challenge);
            signature = signer.sign();
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return Optional.empty(); // nothing this check can read or sign with; the context took the files
        }
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.get().getPublicKey());
            verifier.update(challenge);
            if (verifier.verify(signature)) {
                return Optional.empty();
            }
        } catch (InvalidKeyException e) {
            // the certificate's public key is of another algorithm than the private key
        } catch (GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.of("expected the private key of the certificate's public key (" + describe(leaf.get())
                + "), found another " + key.get().getAlgorithm() + " key");
    }

    /** The first certificate of the file's CERTIFICATE blocks (a file may hold a key too); empty if none reads. */
    private static Optional<X509Certificate> firstCertificate(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        int begin = pem.indexOf("-----BEGIN CERTIFICATE-----");
        int end = pem.indexOf("-----END CERTIFICATE-----", begin);
        if (begin < 0 || end < 0) {
            return Optional.empty();
        }
        String block = pem.substring(begin, end + "-----END CERTIFICATE-----".length());
        try (InputStream in = new ByteArrayInputStream(block.getBytes(StandardCharsets.US_ASCII))) {
            Certificate first = CertificateFactory.getInstance("X.509").generateCertificate(in);
            return first instanceof X509Certificate leaf ? Optional.of(leaf) : Optional.empty();
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
