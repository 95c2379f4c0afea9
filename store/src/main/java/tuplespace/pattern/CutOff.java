package tuplespace.pattern;

/**
 * Which bound of its {@link MatchBudget} cut a GET or DELETE off, if any. A request cut off answers no pairs and
 * changes nothing; its warning says the same in words, for people.
 */
public enum CutOff {
    /** Not cut off. (A refused pattern is not a cut-off: its warning says what is wrong with it.) */
    NONE,
    /**
     * Matching one pattern against one text (a key's or a value's text form) took longer than the match budget:
     * catastrophic backtracking, most likely. Trying again will not help; the pattern must change.
     */
    MATCH_BUDGET,
    /**
     * The request as a whole used more CPU time than the request limit: it covers too many pairs. A narrower key
     * pattern helps, above all one that starts with a literal key prefix, which is answered from the index.
     */
    REQUEST_CPU_LIMIT
}
