package tuplespace.pattern;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tuplespace.pattern.PatternNode.Width;

/**
 * What the parser remembers across the pattern, after CPython's {@code _parser.State}: groups opened and
 * closed (with their widths, for lookbehinds), names, global flags, findings reported after parsing, and
 * notes (CPython's FutureWarnings).
 */
final class ParseState {
    /** Python's MAXGROUPS on 64-bit builds. */
    static final long MAXGROUPS = 1073741823L;

    private final List<Width> groupWidths = new ArrayList<>(List.of(Width.ZERO)); // null while open
    private final Map<String, Integer> groupNames = new HashMap<>();
    private final Map<Integer, Integer> conditionalReferencePositions = new LinkedHashMap<>();
    private final Set<Integer> conditionalTargets = new LinkedHashSet<>();
    private final List<String> notes = new ArrayList<>();
    private Integer lookbehindGroups;
    private int globalFlagBits;
    private boolean variableWidthLookbehind;

    int groups() {
        return groupWidths.size();
    }

    /** Opens a capturing group and returns its number; a duplicate name is an error, as in Python. */
    int openGroup(String name, PatternSource source) throws PatternException {
        int number = groups();
        groupWidths.add(null);
        if (name != null) {
            Integer previous = groupNames.putIfAbsent(name, number);
            if (previous != null) {
                throw source.error("redefinition of group name " + PyRepr.of(name) + " as group " + number
                        + "; was group " + previous, PatternSource.length(name) + 1);
            }
        }
        return number;
    }

    void closeGroup(int number, Width width) {
        groupWidths.set(number, width);
    }

    /** True when the group exists and is closed: only closed groups may be referred to (Python). */
    boolean isClosed(int number) {
        return number < groups() && groupWidths.get(number) != null;
    }

    Width widthOf(int number) {
        return groupWidths.get(number);
    }

    Integer groupNamed(String name) {
        return groupNames.get(name);
    }

    /** Python's checklookbehindgroup: inside a lookbehind, only groups closed before it may be referred to. */
    void checkLookbehindReference(int number, PatternSource source) throws PatternException {
        if (lookbehindGroups == null) {
            return;
        }
        if (!isClosed(number)) {
            throw source.error("cannot refer to an open group", 0);
        }
        if (number >= lookbehindGroups) {
            throw source.error("cannot refer to group defined in the same lookbehind subpattern", 0);
        }
    }

    Integer lookbehindGroups() {
        return lookbehindGroups;
    }

    void setLookbehindGroups(Integer value) {
        lookbehindGroups = value;
    }

    void noteConditionalReference(int group, int position) {
        conditionalReferencePositions.putIfAbsent(group, position);
        conditionalTargets.add(group);
    }

    Map<Integer, Integer> conditionalReferencePositions() {
        return conditionalReferencePositions;
    }

    Set<Integer> conditionalTargets() {
        return Set.copyOf(conditionalTargets);
    }

    int globalFlagBits() {
        return globalFlagBits;
    }

    void addGlobalFlags(int bits) {
        globalFlagBits |= bits;
    }

    /** Python checks lookbehind widths when compiling, after parsing, so the error must wait until then. */
    void noteVariableWidthLookbehind() {
        variableWidthLookbehind = true;
    }

    boolean hasVariableWidthLookbehind() {
        return variableWidthLookbehind;
    }

    /** Records what CPython would say as a FutureWarning: advice on a valid pattern, never a refusal. */
    void addNote(String note) {
        notes.add(note);
    }

    List<String> notes() {
        return List.copyOf(notes);
    }
}
