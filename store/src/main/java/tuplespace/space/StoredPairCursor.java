package tuplespace.space;

import java.nio.ByteBuffer;

/**
 * Walks the pairs of a {@link SpaceSnapshot} as the space stores them (the UTF-8 bytes of the key's and the value's
 * text form), in key order, without making a {@code Pair} per entry: what a node's snapshot file is written from. The
 * bytes are copied out ({@link #putKey}, {@link #putValue}), never handed out, so nothing outside the store can change
 * a stored pair. One thread uses one cursor; the snapshot it walks never changes.
 */
public final class StoredPairCursor {

    private final TreeCursor cursor;

    StoredPairCursor(TreeCursor cursor) {
        this.cursor = cursor;
    }

    /** Moves to the next pair; false (now and ever after) when there is none. */
    public boolean next() {
        return cursor.next();
    }

    /** The length in bytes of the current pair's key (its text form in UTF-8). */
    public int keyLength() {
        return cursor.key().length;
    }

    /** The length in bytes of the current pair's value (its text form in UTF-8). */
    public int valueLength() {
        return cursor.value().length;
    }

    /** Copies the current key's UTF-8 bytes into {@code out}, which must have {@link #keyLength()} bytes left. */
    public void putKey(ByteBuffer out) {
        out.put(cursor.key());
    }

    /** Copies the current value's UTF-8 bytes into {@code out}, which must have {@link #valueLength()} bytes left. */
    public void putValue(ByteBuffer out) {
        out.put(cursor.value());
    }
}
