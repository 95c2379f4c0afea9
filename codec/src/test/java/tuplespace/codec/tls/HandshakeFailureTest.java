package tuplespace.codec.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.ssl.NotSslRecordException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class HandshakeFailureTest {

    /** As Netty's SslHandler reports bytes that are no TLS record. */
    private static NotSslRecordException notTls(String answer) {
        return new NotSslRecordException("not an SSL/TLS record: "
                + ByteBufUtil.hexDump(answer.getBytes(StandardCharsets.UTF_8)));
    }

    /** A server without TLS answers the handshake as a bad request line: that line is quoted, not its hex. */
    @Test
    void aPlainTextAnswerIsQuotedAsText() {
        NotSslRecordException cause = notTls("malformed: expected a request line in UTF-8, found the byte 0x84\nend\n");
        assertThat(HandshakeFailure.plainTextAnswer(cause)).hasValue("malformed: expected a request line in UTF-8,"
                + " found the byte 0x84");
        assertThat(HandshakeFailure.describe(cause)).isEqualTo("the peer answered in plain text, not TLS:"
                + " 'malformed: expected a request line in UTF-8, found the byte 0x84'");
    }

    @Test
    void controlCharactersAreShownAsQuestionMarksAndALongAnswerIsCut() {
        assertThat(HandshakeFailure.describe(notTls("some text with one tab\there"))).endsWith(": 'some text with one"
                + " tab?here'");
        assertThat(HandshakeFailure.describe(notTls("x".repeat(500))))
                .endsWith(": '" + "x".repeat(200) + "...'");
    }

    /** Bytes that are not text either (another protocol) are counted, not quoted. */
    @Test
    void anAnswerThatIsNotTextIsCounted() {
        NotSslRecordException binary = new NotSslRecordException("not an SSL/TLS record: "
                + ByteBufUtil.hexDump(new byte[] {0, 0, 0, 12, 1, 2, (byte) 0xff, 9}));
        assertThat(HandshakeFailure.plainTextAnswer(binary)).isEmpty();
        assertThat(HandshakeFailure.describe(binary)).isEqualTo("the peer answered 8 bytes that are neither TLS nor"
                + " text");
    }

    @Test
    void otherFailuresKeepTheirOwnMessage() {
        SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
        assertThat(HandshakeFailure.plainTextAnswer(untrusted)).isEmpty();
        assertThat(HandshakeFailure.describe(untrusted)).isEqualTo("PKIX path building failed (the peer's certificate"
                + " is not signed by a CA this side trusts: see --tls-ca)");
        assertThat(HandshakeFailure.describe(new SSLHandshakeException("Received fatal alert: bad_certificate")))
                .isEqualTo("Received fatal alert: bad_certificate");
        assertThat(HandshakeFailure.describe(new NotSslRecordException("not an SSL/TLS record: zz")))
                .isEqualTo("not an SSL/TLS record: zz");
    }
}
