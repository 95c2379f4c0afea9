package tuplespace.codec;

import io.netty.buffer.ByteBuf;

/**
 * The mode of a request line, which is also the mode of its answer (docs/protocol.md).
 *
 * <p>Decision: a line is JSON when its first character is <code>{</code>, after an optional byte order mark (U+FEFF)
 * and optional spaces and tabs. A text-mode request never starts with <code>{</code> (operators are letters), so
 * tolerating leading blanks costs nothing and spares a person typing JSON into telnet a confusing
 * {@code not_implemented}.
 */
public enum Format {
    JSON,
    TEXT;

    /** The mode of one request line (without or with its line terminator). */
    public static Format of(String line) {
        int start = Lines.contentStart(line);
        return start < line.length() && line.charAt(start) == '{' ? JSON : TEXT;
    }

    /** The mode of one request line given as its UTF-8 bytes (the readable bytes of {@code line}). */
    public static Format of(ByteBuf line) {
        int start = Lines.contentStart(line);
        return start < line.writerIndex() && line.getByte(start) == '{' ? JSON : TEXT;
    }
}
