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
        assertThat(HandshakeFailure.isPlainAnswer(cause)).isTrue();
        assertThat(HandshakeFailure.describe(cause)).isEqualTo("the peer answered in plain text, not TLS:"
                + " 'malformed: expected a request line in UTF-8, found the byte 0x84'");
    }

    @Test
    void controlCharactersAreShownAsQuestionMarksAndALongAnswerIsCut() {
        assertThat(HandshakeFailure.describe(notTls("a\u0000b\tc"))).endsWith(": 'a?b?c'");
        assertThat(HandshakeFailure.describe(notTls("x".repeat(500))))
                .endsWith(": '" + "x".repeat(200) + "...'");
    }

    @Test
    void otherFailuresKeepTheirOwnMessage() {
        SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
        assertThat(HandshakeFailure.isPlainAnswer(untrusted)).isFalse();
        assertThat(HandshakeFailure.describe(untrusted)).isEqualTo("PKIX path building failed");
        assertThat(HandshakeFailure.describe(new NotSslRecordException("not an SSL/TLS record: zz")))
                .isEqualTo("not an SSL/TLS record: zz");
    }
}
