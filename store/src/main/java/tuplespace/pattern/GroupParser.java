package tuplespace.pattern;

import java.math.BigInteger;
import java.util.List;

/**
 * Everything that starts with {@code (}: groups, {@code (?P<name>)}, {@code (?P=name)}, comments,
 * lookarounds, conditionals, atomic groups and inline flags, after the {@code "("} branch of CPython's
 * {@code _parse} and its {@code _parse_flags}.
 */
final class GroupParser {
    /** Returned for a leading {@code (?i)}-style group: nothing to add, but the flags changed. */
    static final PatternNode GLOBAL_FLAGS = new PatternNode.Sequence(List.of());

    private final PatternSource source;
    private final ParseState state;
    private final PatternParser parser;

    GroupParser(PatternSource source, ParseState state, PatternParser parser) {
        this.source = source;
        this.state = state;
        this.parser = parser;
    }

    /** Parses after {@code (}; null for a comment, {@link #GLOBAL_FLAGS} for leading global flags. */
    PatternNode parse(boolean verbose, int nested, Flags flags, boolean atStart) throws PatternException {
        int start = source.tell() - 1;
        if (!source.match("?")) {
            return body(start, state.openGroup(null, source), false, verbose, nested, flags);
        }
        String c = source.get();
        if (c == null) {
            throw source.error("unexpected end of pattern", 0);
        }
        switch (c) {
            case "P": return pythonExtension(start, verbose, nested, flags);
            case ":": return body(start, 0, false, verbose, nested, flags);
            case ">": return body(start, 0, true, verbose, nested, flags);
            case "#": skipComment(start); return null;
            case "=": case "!": case "<": return lookaround(start, c, verbose, nested, flags);
            case "(": return conditional(start, verbose, nested, flags);
            default: break;
        }
        if (Flags.bit(c) == 0 && !c.equals("-")) {
            throw source.error("unknown extension ?" + c, PatternSource.length(c) + 1);
        }
        int[] scoped = InlineFlags.parse(source, state, c);
        if (scoped == null) {
            if (!atStart) {
                throw source.error("global flags not at the start of the expression", source.tell() - start);
            }
            return GLOBAL_FLAGS;
        }
        boolean scopedVerbose = (verbose || (scoped[0] & Flags.VERBOSE) != 0) && (scoped[1] & Flags.VERBOSE) == 0;
        return body(start, 0, false, scopedVerbose, nested, flags.scoped(scoped[0], scoped[1]));
    }

    private PatternNode pythonExtension(int start, boolean verbose, int nested, Flags flags)
            throws PatternException {
        if (source.match("<")) {
            String name = source.getUntil(">", "group name");
            checkGroupName(name);
            return body(start, state.openGroup(name, source), false, verbose, nested, flags);
        }
        if (source.match("=")) {
            String name = source.getUntil(")", "group name");
            checkGroupName(name);
            Integer group = state.groupNamed(name);
            int offset = PatternSource.length(name) + 1;
            if (group == null) {
                throw source.error("unknown group name " + PyRepr.of(name), offset);
            }
            if (!state.isClosed(group)) {
                throw source.error("cannot refer to an open group", offset);
            }
            state.checkLookbehindReference(group, source);
            return new PatternNode.Backref(group, state.widthOf(group), flags);
        }
        String c = source.get();
        if (c == null) {
            throw source.error("unexpected end of pattern", 0);
        }
        throw source.error("unknown extension ?P" + c, PatternSource.length(c) + 2);
    }

    private PatternNode body(int start, int group, boolean atomic, boolean verbose, int nested, Flags flags)
            throws PatternException {
        PatternNode body = parser.parseAlternation(verbose, nested + 1, flags);
        expectClose(start);
        if (group != 0) {
            state.closeGroup(group, Widths.of(body));
        }
        return atomic ? new PatternNode.Atomic(body) : new PatternNode.Group(group, body);
    }

    private void skipComment(int start) throws PatternException {
        while (true) {
            if (source.atEnd()) {
                throw source.error("missing ), unterminated comment", source.tell() - start);
            }
            if (source.get().equals(")")) {
                return;
            }
        }
    }

    private PatternNode lookaround(int start, String kind, boolean verbose, int nested, Flags flags)
            throws PatternException {
        boolean behind = kind.equals("<");
        Integer outerLookbehindGroups = state.lookbehindGroups();
        if (behind) {
            kind = source.get();
            if (kind == null) {
                throw source.error("unexpected end of pattern", 0);
            }
            if (!kind.equals("=") && !kind.equals("!")) {
                throw source.error("unknown extension ?<" + kind, PatternSource.length(kind) + 2);
            }
            if (outerLookbehindGroups == null) {
                state.setLookbehindGroups(state.groups());
            }
        }
        PatternNode body = parser.parseAlternation(verbose, nested + 1, flags);
        if (behind && outerLookbehindGroups == null) {
            state.setLookbehindGroups(null);
        }
        expectClose(start);
        if (behind && !Widths.of(body).fixed()) {
            state.noteVariableWidthLookbehind();
        }
        return new PatternNode.Lookaround(behind, kind.equals("!"), body);
    }

    private PatternNode conditional(int start, boolean verbose, int nested, Flags flags) throws PatternException {
        String name = source.getUntil(")", "group name");
        int offset = PatternSource.length(name) + 1;
        int group;
        if (isIdentifier(name)) {
            Integer named = state.groupNamed(name);
            if (named == null) {
                throw source.error("unknown group name " + PyRepr.of(name), offset);
            }
            group = named;
        } else {
            BigInteger number = PythonInt.parse(name);
            if (number == null || number.signum() < 0) {
                throw source.error("bad character in group name " + PyRepr.of(name), offset);
            }
            if (number.signum() == 0) {
                throw source.error("bad group number", offset);
            }
            if (number.compareTo(BigInteger.valueOf(ParseState.MAXGROUPS)) >= 0) {
                throw source.error("invalid group reference " + number, offset);
            }
            group = number.intValueExact();
        }
        state.noteConditionalReference(group, source.tell() - offset);
        state.checkLookbehindReference(group, source);
        PatternNode yes = parser.parseSequence(verbose, nested + 1, false, flags);
        PatternNode no = null;
        if (source.match("|")) {
            no = parser.parseSequence(verbose, nested + 1, false, flags);
            if ("|".equals(source.peek())) {
                throw source.error("conditional backref with more than two branches", 0);
            }
        }
        expectClose(start);
        return new PatternNode.Conditional(group, yes, no);
    }

    private void expectClose(int start) throws PatternException {
        if (!source.match(")")) {
            throw source.error("missing ), unterminated subpattern", source.tell() - start);
        }
    }

    private void checkGroupName(String name) throws PatternException {
        if (!isIdentifier(name)) {
            throw source.error("bad character in group name " + PyRepr.of(name), PatternSource.length(name) + 1);
        }
    }

    /** Python's str.isidentifier(): XID_Start or underscore, then XID_Continue. */
    static boolean isIdentifier(String name) {
        int[] cps = name.codePoints().toArray();
        if (cps.length == 0 || !(cps[0] == '_' || Character.isUnicodeIdentifierStart(cps[0]))) {
            return false;
        }
        for (int i = 1; i < cps.length; i++) {
            if (!Character.isUnicodeIdentifierPart(cps[i]) || Character.isIdentifierIgnorable(cps[i])) {
                return false;
            }
        }
        return true;
    }
}
