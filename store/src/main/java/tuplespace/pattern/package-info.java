/**
 * Python {@code re} patterns on the JVM, with bounded matching (SPEC §1; design notes in
 * {@code /work/shared/notes/python-regex-in-java.md}).
 *
 * <p>Contract for callers (the store's GET and DELETE):
 * <ul>
 *   <li>{@link tuplespace.pattern.PyPattern#compile} accepts exactly what CPython 3.11's {@code re.compile}
 *       accepts. A refusal is a {@link tuplespace.pattern.PatternException}: {@code INVALID} (Python refuses
 *       too: the pattern is malformed, answer with an empty result), {@code UNSUPPORTED} (Python would accept
 *       it, we cannot match it faithfully: also answer empty, and say so in the warning), {@code TOO_LONG}.
 *       Messages are Python's, with Python's code-point positions.</li>
 *   <li>{@link tuplespace.pattern.PyPattern#fullMatches} is {@code re.fullmatch}. It reads no clock of its
 *       own: time comes from the {@link tuplespace.pattern.MatchBudget} the caller made at the edge for one request,
 *       which bounds each match of one text (the match budget) and all matches of the request together (the request
 *       limit). When either runs out (or the Java matcher overflows its stack) it throws
 *       {@link tuplespace.pattern.MatchBudgetExceededException}, whose {@link tuplespace.pattern.CutOff} says which;
 *       stop scanning and answer an empty list with a warning. Because the cut-off depends on time, only the primary
 *       may decide which keys matched; replicate the decided effect, never the pattern (SPEC §4).</li>
 *   <li>{@code literal()} and {@code literalPrefix()} are sound hints for index lookups: a full match always
 *       equals the literal, and always starts with the prefix. Candidates must still be checked with
 *       {@code fullMatches} when {@code literal()} is empty.</li>
 * </ul>
 * No threads, no I/O, no clock reads: everything here is safe inside the deterministic state machine.
 */
package tuplespace.pattern;
