/**
 * A node's state on its own disk, so that an acknowledged write survives the loss of both nodes at once (a power cut,
 * {@code kill -9} of everything): docs/internals.md "Files" describes the formats and what each fsync mode promises.
 *
 * <ul>
 *   <li>{@link tuplespace.node.persistence.DataDirectory}: {@code DIR/node-<id>}, its metadata (format version, node
 *       id, highest epoch served or seen), its lock; {@link tuplespace.node.persistence.DataDirectories} picks the
 *       newest state among the node directories of one {@code DIR}.</li>
 *   <li>{@link tuplespace.node.persistence.WriteAheadLog}: every {@code Replicated} entry, framed and checksummed, in
 *       segments, written and forced by one writer thread with group commit (with {@code everysec} and {@code no} the
 *       loop writes a batch itself when that thread is idle: a write to the operating system, never a force).</li>
 *   <li>{@link tuplespace.node.persistence.SnapshotFile} and {@link tuplespace.node.persistence.SnapshotWriter}: the
 *       whole state at one index, written in the background from an O(1) {@code SpaceSnapshot}.</li>
 *   <li>{@link tuplespace.node.persistence.Checkpoints}: when to snapshot, and the log cut after it, which keeps the
 *       disk use bounded.</li>
 *   <li>{@link tuplespace.node.persistence.Recovery}: snapshot plus log back into a {@code ReplicatedState}, refusing
 *       damage with a message that names the file, the offset and what to do.</li>
 * </ul>
 *
 * <p>Threads: the node's event loop owns its state and must never wait for a disk to force or for another thread.
 * Every method the loop calls ({@code append}, {@code roll}, {@code cutBefore}, {@code write}, ...) hands work to a
 * thread of this package, or writes it to the operating system's cache itself, and returns; results come back as
 * callbacks and {@code CompletableFuture}s completed on the {@code Executor} the caller gave (the loop itself).
 * Opening and {@link tuplespace.node.persistence.Recovery} block: they run at start-up, before the node serves.
 */
package tuplespace.node.persistence;
