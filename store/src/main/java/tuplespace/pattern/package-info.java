/**
 * Python {@code re} patterns on the JVM, with bounded matching. GET and DELETE keep the pairs whose key and value
 * text forms their two patterns match in full, as Python's {@code re.fullmatch} would; patterns come from clients,
 * so no pattern may stall the server. How each Python construct maps onto java.util.regex, and what is known to
 * differ, is in docs/python-regex.md; the client-facing rules are in docs/protocol.md.
 *
 * <p>Contract for callers (the store's GET and DELETE):
 * <ul>
 *   <li>{@link tuplespace.pattern.PyPattern#compile} accepts exactly what CPython 3.11's {@code re.compile}
 *       accepts. A refusal is a {@link tuplespace.pattern.PatternException}: {@code INVALID} (Python refuses
 *       too: the pattern is malformed, answer with an empty result), {@code UNSUPPORTED} (Python would accept
 *       it, we cannot match it faithfully: also answer empty, and say so in the warning), {@code TOO_LONG}.
 *       Messages are Python's, with Python's code-point positions.</li>
 *   <li>A pattern CPython compiles with only a FutureWarning ("Possible nested set at position 1") is valid:
 *       it compiles and matches as in Python, and {@link tuplespace.pattern.PyPattern#notes()} keeps Python's
 *       words. Answer such a request in full and put {@link tuplespace.pattern.PatternNotes} in the answer's
 *       note, never in its warning: a warning says the answer is not the full answer.</li>
 *   <li>{@link tuplespace.pattern.PyPattern#fullMatches} is {@code re.fullmatch}. It reads no clock of its
 *       own: time comes from the {@link tuplespace.pattern.MatchBudget} the caller made at the edge for one request,
 *       which bounds each match of one text (the match budget) and all matches of the request together (the request
 *       limit). When either runs out (or the Java matcher overflows its stack) it throws
 *       {@link tuplespace.pattern.MatchBudgetExceededException}, whose {@link tuplespace.pattern.CutOff} says which;
 *       stop scanning and answer an empty list with a warning. Because the cut-off depends on time, only the primary
 *       may decide which keys matched; replicate the decided effect, never the pattern (the backup must not re-evaluate
 *       it, or the two copies could differ).</li>
 *   <li>{@code literal()} and {@code literalPrefix()} are sound hints for index lookups: a full match always
 *       equals the literal, and always starts with the prefix. Candidates must still be checked with
 *       {@code fullMatches} when {@code literal()} is empty.</li>
 * </ul>
 * No threads, no I/O, no clock reads: everything here is safe inside the deterministic state machine.
 */
package tuplespace.pattern;
