#!/usr/bin/env python3
"""Generate store/src/test/resources/pattern/corpus.jsonl: Python's own verdict on (pattern, subject) cases.

Run with CPython 3.11 (the target semantics):  python3 store/tools/gen_pattern_corpus.py
Each line: {"id", "pattern", "subject", "outcome": "match"|"nomatch"|"error", "error_type", "message",
"position", "warnings"}. Matching is re.fullmatch, as GET and DELETE match (docs/protocol.md). "warnings" are the
FutureWarnings CPython gives while compiling: a pattern that only warns is valid, and the engine must report the
same texts as its notes. CI does not run Python: the output is committed, and PythonCorpusTest checks the Java
engine against it. New cases go at the end of the lists below, so the ids of the others stay as they are.
"""
import json
import os
import re
import sys
import warnings

assert sys.version_info[:2] == (3, 11), "generate the corpus with Python 3.11 (target semantics)"

# ---- re_tests.py-style cases: (pattern, subjects...) ---------------------------------------------
RE_TESTS = [
    ("abc", "abc", "xbc", "axc", "abx", "xabcy", "ababc"),
    ("ab*c", "abc", "ac", "abbbc"), ("ab*bc", "abc", "abbc", "abbbbc", "ac"),
    (".{1}", "a", "ab"), (".{3,4}", "abbb", "abbbb", "ab"),
    ("ab{0,}bc", "abbbbc", "abc"), ("ab+bc", "abbc", "abc", "abq", "abbbbc"),
    ("ab{1,}bc", "abq", "abbbbc"), ("ab{1,3}bc", "abbbbc", "abbbbbc"), ("ab{3,4}bc", "abbbbc", "abbbc"),
    ("ab{4,5}bc", "abbbbc", "abbbbbc"), ("ab?bc", "abbc", "abc", "abbbbc"), ("ab{0,1}bc", "abc"),
    ("ab?c", "abc", "ac"), ("ab{0,1}c", "abc"), ("^abc$", "abc", "abcc", "aabc", "abc\n"),
    ("^abc", "abcc", "abc"), ("abc$", "aabc", "abc", "abc\n"), ("^", "abc", ""), ("$", "", "\n", "abc"),
    ("a.c", "abc", "axc", "a\nc"), ("a.*c", "axyzc", "axyzd", "a\nc"), ("a[bc]d", "abd", "abc", "acd"),
    ("a[b-d]e", "ace", "abe", "aee"), ("a[b-d]", "aac", "ac"), ("a[-b]", "a-", "ab"), ("a[\\-b]", "a-"),
    ("a[]b", "-"), ("a[", "-"), ("a\\", "-"), ("abc)", "-"), ("(abc", "-"), ("a]", "a]"), ("a[]]b", "a]b"),
    ("a[\\]]b", "a]b"), ("a[^bc]d", "aed", "abd"), ("a[^-b]c", "adc", "a-c"), ("a[^]b]c", "a]c", "adc"),
    ("\\ba\\b", "a-", "-a", "-a-", "a"), ("\\by\\b", "xy", "yz", "xyz", "y"), ("x\\b", "x"), ("x\\B", "x"),
    ("\\Ba\\B", "a-", "a"), ("\\By\\b", "xy", "y"), ("\\by\\B", "yz", "y"), ("\\By\\B", "xyz", "y"),
    ("\\w", "a", "-"), ("\\W", "-", "a"), ("a\\sb", "a b", "a-b"), ("a\\Sb", "a-b", "a b"),
    ("\\d", "1", "-"), ("\\D", "-", "1"), ("[\\w]", "a", "-"), ("[\\W]", "-", "a"), ("a[\\s]b", "a b"),
    ("a[\\S]b", "a-b", "a b"), ("[\\d]", "1", "-"), ("[\\D]", "-", "1"), ("ab|cd", "abc", "abcd", "ab", "cd"),
    ("()ef", "def", "ef"), ("*a", "-"), ("(|a)", "a", ""), ("(*)b", "-"), ("$b", "b"), ("a\\(b", "a(b"),
    ("a\\(*b", "ab", "a((b"), ("a\\\\b", "a\\b"), ("a\\\\\\\\b", "a\\\\b"), ("((a))", "abc", "a"),
    ("(a)b(c)", "abc"), ("a+b+c", "aabbabc", "aabbc"), ("a{1,}b{1,}c", "aabbabc", "abc"), ("a**", "-"),
    ("a.+?c", "abcabc", "abc"), ("(a+|b)*", "ab", "abba", ""), ("(a+|b){0,}", "ab"), ("(a+|b)+", "ab", ""),
    ("(a+|b){1,}", "ab"), ("(a+|b)?", "ab", "a"), ("(a+|b){0,1}", "ab", "b"), (")(", "-"),
    ("[^ab]*", "cde", "cdae"), ("abc", ""), ("a*", "", "aaa", "aab"), ("([abc])*d", "abbbcd"),
    ("([abc])*bcd", "abcd"), ("a|b|c|d|e", "e", "f"), ("(a|b|c|d|e)f", "ef", "af", "f"),
    ("abcd*efg", "abcdefg", "abcefg"), ("ab*", "xabyabbbz", "abbb"), ("ab*", "xayabbbz"),
    ("(ab|cd)e", "abcde", "cde"), ("[abhgefdc]ij", "hij"), ("^(ab|cd)e", "abcde"), ("(abc|)ef", "abcdef", "ef"),
    ("(a|b)c*d", "abcd", "bcd"), ("(ab|ab*)bc", "abc", "abbc"), ("a([bc]*)c*", "abc"),
    ("a([bc]*)(c*d)", "abcd"), ("a([bc]+)(c*d)", "abcd"), ("a([bc]*)(c+d)", "abcd"),
    ("a[bcd]*dcdcde", "adcdcde"), ("a[bcd]+dcdcde", "adcdcde"), ("(ab|a)b*c", "abc"),
    ("((a)(b)c)(d)", "abcd"), ("[a-zA-Z_][a-zA-Z0-9_]*", "alpha", "0alpha"), ("^a(bc+|b[eh])g|.h$", "abh", "abhg"),
    ("(bc+d$|ef*g.|h?i(j|k))", "effgz", "ij", "effg", "bcdd", "reffgz"), ("((((((((((a))))))))))", "a"),
    ("((((((((((a))))))))))\\10", "aa", "a"), ("((((((((((a))))))))))\\41", "aa", "a!"),
    ("((((((((((a))))))))))\\41", "a!"), ("(((((((((a)))))))))", "a"), ("multiple words of text", "uh-uh"),
    ("multiple words", "multiple words", "multiple words, yeah"), ("(.*)c(.*)", "abcde"), ("\\((.*), (.*)\\)", "(a, b)"),
    ("[k]", "ab", "k"), ("abcd", "abcd"), ("a(bc)d", "abcd"), ("a[-]?c", "ac", "a-c"), ("(abc)\\1", "abcabc"),
    ("([a-c]*)\\1", "abcabc", "abcab"), ("^(.+)?B", "AB"), ("(a+).\\1$", "aaaaa", "aaaa"), ("^(a+).\\1$", "aaaa", "aaa"),
    ("(abc)\\1", "abcabc"), ("([a-c]+)\\1", "abcabc"), ("(a)\\1", "aa"), ("(a+)\\1", "aa", "aaa", "aaaa"),
    ("(a+)+\\1", "aa"), ("(a).+\\1", "aba"), ("(a)ba*\\1", "aba"), ("(aa|a)a\\1$", "aaa", "aaaa"),
    ("(a|aa)a\\1$", "aaa"), ("(a+)a\\1$", "aaa"), ("([abc]*)\\1", "abcabc"), ("(a)(b)c|ab", "ab"), ("(a)+x", "aaax"),
    ("([ac])+x", "aacx"), ("([^/]*/)*sub1/", "d:msgs/tdir/sub1/"), ("([^.]*)\\.([^:]*):[T ]+(.*)", "track1.title:TBlah blah blah"),
    ("([^N]*N)+", "abNNxyzN", "abNNxyz"), ("([abc]*)x", "abcx", "abc"), ("([xyz]*)x", "abcx", "x"), ("(a)+b|aac", "aac"),
    ("(?P<i d>aaa)a", "-"), ("(?P<id>aaa)a", "aaaa"), ("(?P<id>aa)(?P=id)", "aaaa"), ("(?P<id>aa)(?P=xd)", "-"),
    ("\\1", "-"), ("[\\1]", "\x01", "1"), ("\\09", "\x009"), ("\\141", "a"), ("(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)(l)\\119", "abcdefghijklk9"),
    ("\\0", "\x00"), ("[\\0a]", "\x00", "a"), ("[a\\0]", "\x00"), ("a[\\0]b", "a\x00b"), ("\\x00ffffffffffffff", "\x00ffffffffffffff"),
    ("\\x00f", "\x00f"), ("\\x00fe", "\x00fe"), ("^\\w+=(\\\\[\\000-\\277]|[^\\n\\\\])*", "SRC=eval.c g.c blah blah blah \\\\\n\napaz", "SRC=eval.c"),
    ("a.b", "acb", "a\nb"), ("a.*b", "acc\nccb"), ("a.{4,5}b", "acc\nccb"), ("(?s)a.b", "a\nb"), ("(?s)a.*b", "acc\nccb"),
    ("(?s)a.{4,5}b", "acc\nccb"), (")", ""), ("", ""), ("abc", "abc"), ("a[b-a]", "-"), ("a[b-]", "-"),
    ("(?i)abc", "ABC", "XBC", "AXC", "ABX", "XABCY", "ABABC"), ("(?i)ab*c", "ABC"), ("(?i)ab*bc", "ABC", "ABBBBC"),
    ("(?i)ab*?bc", "ABBBBC"), ("(?i)ab{0,}?bc", "ABBBBC"), ("(?i)ab+?bc", "ABBC"), ("(?i)ab+bc", "ABC", "ABQ"),
    ("(?i)ab{1,}bc", "ABQ"), ("(?i)ab+bc", "ABBBBC"), ("(?i)ab{1,}?bc", "ABBBBC"), ("(?i)ab{1,3}?bc", "ABBBBC"),
    ("(?i)ab{3,4}?bc", "ABBBBC"), ("(?i)ab{4,5}?bc", "ABBBBC"), ("(?i)ab??bc", "ABBC", "ABC"), ("(?i)ab{0,1}?bc", "ABC"),
    ("(?i)ab??bc", "ABBBBC"), ("(?i)ab??c", "ABC"), ("(?i)ab{0,1}?c", "ABC"), ("(?i)^abc$", "ABC", "ABCC", "AABC"),
    ("(?i)^abc", "ABCC"), ("(?i)abc$", "AABC"), ("(?i)^", "ABC"), ("(?i)$", "ABC"), ("(?i)a.c", "ABC", "AXC"),
    ("(?i)a.*?c", "AXYZC", "AXYZD"), ("(?i)a[bc]d", "ABC", "ABD"), ("(?i)a[b-d]e", "ACE"), ("(?i)a[b-d]", "AAC"),
    ("(?i)a[-b]", "A-"), ("(?i)a[b-]", "A-"), ("(?i)a]", "A]"), ("(?i)a[]]b", "A]B"), ("(?i)a[^bc]d", "AED", "ABD"),
    ("(?i)a[^-b]c", "ADC", "A-C"), ("(?i)a[^]b]c", "A]C", "ADC"), ("(?i)ab|cd", "ABC", "ABCD"), ("(?i)()ef", "DEF"),
    ("(?i)$b", "B"), ("(?i)a\\(b", "A(B"), ("(?i)a\\(*b", "AB", "A((B"), ("(?i)a\\\\b", "A\\B"), ("(?i)((a))", "ABC"),
    ("(?i)(a)b(c)", "ABC"), ("(?i)a+b+c", "AABBABC"), ("(?i)a{1,}b{1,}c", "AABBABC"), ("(?i)a.+?c", "ABCABC"),
    ("(?i)a.*?c", "ABCABC"), ("(?i)a.{0,5}?c", "ABCABC"), ("(?i)(a+|b)*", "AB"), ("(?i)(a+|b){0,}", "AB"),
    ("(?i)(a+|b)+", "AB"), ("(?i)(a+|b)?", "AB"), ("(?i)[^ab]*", "CDE"), ("(?i)abc", ""), ("(?i)a*", ""),
    ("(?i)([abc])*d", "ABBBCD"), ("(?i)a|b|c|d|e", "E"), ("(?i)(a|b|c|d|e)f", "EF"), ("(?i)abcd*efg", "ABCDEFG"),
    ("(?i)(ab|cd)e", "ABCDE"), ("(?i)[abhgefdc]ij", "HIJ"), ("(?i)^(ab|cd)e", "ABCDE"), ("(?i)(abc|)ef", "ABCDEF"),
    ("(?i)(a|b)c*d", "ABCD"), ("(?i)(ab|ab*)bc", "ABC"), ("(?i)a([bc]*)c*", "ABC"), ("(?i)a[bcd]*dcdcde", "ADCDCDE"),
    ("(?i)(ab|a)b*c", "ABC"), ("(?i)((a)(b)c)(d)", "ABCD"), ("(?i)[a-zA-Z_][a-zA-Z0-9_]*", "ALPHA"),
    ("(?i)^a(bc+|b[eh])g|.h$", "ABH"), ("(?i)(bc+d$|ef*g.|h?i(j|k))", "EFFGZ", "IJ", "REFFGZ"), ("(?i)((((((((((a))))))))))", "A"),
    ("(?i)((((((((((a))))))))))\\10", "AA"), ("(?i)multiple words of text", "UH-UH"), ("(?i)multiple words", "MULTIPLE WORDS"),
    ("(?i)(.*)c(.*)", "ABCDE"), ("(?i)\\((.*), (.*)\\)", "(A, B)"), ("(?i)[k]", "AB"), ("(?i)abcd", "ABCD"), ("(?i)a(bc)d", "ABCD"),
    ("(?i)a[-]?c", "AC"), ("(?i)(abc)\\1", "ABCABC"), ("(?i)([a-c]*)\\1", "ABCABC"), ("a(?!b).", "abad", "ad"), ("a(?=d).", "ad"),
    ("a(?=c|d).", "ad"), ("a(?:b|c|d)(.)", "ace"), ("a(?:b|c|d)*(.)", "ace"), ("a(?:b|c|d)+?(.)", "ace", "acdbcdbe"),
    ("a(?:b|(c|e){1,2}?|d)+?(.)", "ace"), ("^(.+)?B", "AB"), ("(?<!-):(.*?)(?<!-):", "a:bc-:de:f"), ("(?<!\\\\):(.*?)(?<!\\\\):", "a:bc\\:de:f"),
    ("(?<!\\?)'(.*?)(?<!\\?)'", "a'bc?'de'f"), ("^(?:b|a(?=(.)))*\\1", "abc", "ab"), ("^(){3,5}", "abc", ""), ("^(a+)*ax", "aax"),
    ("^((a|b)+)*ax", "aax"), ("^((a|bc)+)*ax", "aax"), ("(a|x)*ab", "cab", "ab"), ("(a)*ab", "cab", "ab"), ("(?:(?i)a)b", "ab"),
    ("((?i)a)b", "ab"), ("(?:(?i:a))b", "ab", "Ab", "aB"), ("((?i:a))b", "Ab"), ("(?i:a)b", "aB", "Ab"), ("(?:c|d)(?:)(?:a(?:)(?:b)(?:b(?:))(?:b(?:)(?:b)))", "cabbbb"),
    ("(?:c|d)(?:)(?:aaaaaaaa(?:)(?:bbbbbbbb)(?:bbbbbbbb(?:))(?:bbbbbbbb(?:)(?:bbbbbbbb)))", "caaaaaaaabbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
    ("(ab)\\d\\1", "Ab4ab", "ab4ab"), ("foo\\w*\\d{4}baz", "foobar1234baz"), ("x(~~)*(?:(?:F)?)?", "x~~"), ("^a(?#xxx){3}c", "aaac"),
    ("(?<![cd])b", "adb", "b"), ("(?<![cd])[ab]", "dbcb", "a"), ("(?<!(c|d))b", "b"), ("(?<!cd)[ab]", "cdaccb"), ("^(?:a?b?)*$", "a--", ""),
    ("((?s)^a(.))((?m)^b$)", "a\nb\nc\n"), ("((?m)^b$)", "a\nb\nc\n", "b"), ("(?m)^b", "a\nb\n"), ("(?m)^(b)", "a\nb\n"), ("((?m)^b)", "a\nb\n"),
    ("\\n((?m)^b)", "a\nb\n", "\nb"), ("(\\w+:)+", "one:"), ("$(?<=^(a))", "a"), ("([\\w:]+::)?(\\w+)$", "abcd:", "abcd", "xy:z:::abcd"),
    ("^[^bcd]*(c+)", "aexycd"), ("(a*)b+", "caab"), ("(>a+)ab", "aaab"), ("(?>a+)b", "aaab"), ("([[:]+)", "a:[b]:"), ("([[=]+)", "a=[b]="),
    ("([[.]+)", "a.[b]."), ("((?>a+)b)", "aaab"), ("((?>(a+))b)", "aaab"), ("((?>[^()]+)|\\([^()]*\\))+", "((abc(ade)ufh()()x"),
    ("(?<=x+)y", "-"), ("a{37,17}", "-"), ("\\Z", "a\nb\n", ""), ("\\z", "a"), ("$", "a\nb\n"), ("\\Z", "b\na\n"), ("$", "b\na\n"),
    ("\\Z", "b\na"), ("$", "b\na"), ("(?m)\\Z", "a\nb\n"), ("(?m)$", "a\nb\n"), ("a\\Z", "b\na\n", "a"), ("a$", "a\n", "b\na\n"),
    ("(?m)a$", "b\na\n", "a\n"), ("aa\\Z", "aa\nb\n", "aa"), ("aa$", "aa\n"), ("ab\\Z", "ab"), ("abb$", "abb\n"),
    ("(^|x)(c)", "ca"), ("a*abc?xyz+pqr{3}ab{2,}xy{4,5}pq{0,6}zz*", "x"), ("round\\(((?>[^()]+))\\)", "_I(round(xs * sz),1)"),
    ("foo.bart", "foo.bart"), ("^d[x][x][x]", "abcd\ndxxx"), ("(?m)^d[x][x][x]", "abcd\ndxxx"), (".X(.+)+X", "bbbbXcXaaaaaaaa"),
    (".X(.+)+XX", "bbbbXcXXaaaaaaaa"), (".XX(.+)+X", "bbbbXXcXaaaaaaaa"), ("(?i)M+", "MMM"), ("(?i)m+", "MMM"), ("(?i)[M]+", "MMM"),
    ("(?i)[m]+", "MMM"), ("^*", "-"), ('"(?:\\\\"|[^"])*?"', '"\\""'), ("^.*?$", "one\ntwo\nthree\n"), ("a[^>]*?b", "a>b"),
    ("^a*?$", "foo"), ("^((a)c)?(ab)$", "ab"), ("^([ab]*?)(?=(b)?)c", "abc"), ("^([ab]*?)(?!(b))c", "abc"), ("^([ab]*?)(?<!(a))c", "abc"),
    ("\\b.\\b", "a"), ("(?u)\\b.\\b", "\u00c4"), ("(?u)\\w", "\u00c4"), ("(?a)\\w", "\u00c4"), ("\\w", "\u00c4"),
]

# ---- probes of each construct of docs/python-regex.md --------------------------------------------
A = "a" * 30
PROBES = [
    # named groups and backreferences
    ("(?P<name>a+)b", "aab", "b"), ("(?P<_x>a)(?P=_x)", "aa", "ab"), ("(?P<\u00e9t\u00e9>a)(?P=\u00e9t\u00e9)", "aa"),
    ("(?P<1>a)", "a"), ("(?P<a>x)(?P<a>y)", "xy"), ("(?<name>a)", "a"), ("\\k<name>", "a"), ("(?'n'a)", "a"),
    ("(?P<n>a)(?P=m)", "aa"), ("(?P<n>a(?P=n))", "aa"), ("(?P=", "x"), ("(?P<n", "x"), ("(?P<>a)", "a"), ("(?Px)", "x"),
    ("(?P", "x"), ("(?P<n>)", ""), ("(?P=n)(?P<n>a)", "a"), ("(a)\\2", "aa"), ("(a)\\1", "aa", "ab"), ("\\1(a)", "aa"),
    ("(a\\1)", "aa"), ("(a)\\10", "a\x08", "aa0"), ("(a)(?:\\1)0", "aa0"), ("(a)\\1{2}", "aaa", "aa"), ("(a)\\01", "a\x01"),
    ("(a)|b\\1", "b", "a"), ("(?:(a)|b)\\1", "aa", "b"), ("(a)|\\1", "a"),
    # anchors and line ends
    ("a\\Z", "a", "a\n"), ("a$", "a", "a\n", "a\n\n", "a\r\n", "a\r", "a\u2028"), ("a$\n", "a\n"), ("(?m)a$\nb", "a\nb"),
    ("(?m)^$", "", "\n"), ("(?m)a\n^", "a\n"), ("(?m)a\n^$", "a\n"), ("(?m)(?:a\n)^", "a\n"), ("a\n^", "a\n"), ("\\Aa", "a"),
    ("a\\A", "a"), ("a.", "a\r", "a\u2028", "a\x85", "a\n"), ("(?s)a.", "a\n"), ("(?m)^a$", "a"), ("(?m:^a$)", "a"),
    ("^*a", "a"), ("$*", ""), ("\\b*", ""), ("\\B+", ""), ("\\A?", ""), ("\\Z{2}", ""), ("(?=a)*a", "a"), ("(?<=a)*b", "b"),
    ("\\B", "", "a"), ("a\\B", "a"), ("\\b", ""), ("(?a)\\b\u00e9", "\u00e9"), ("\\b\u00e9\\b", "\u00e9"), ("x\\b\u00e9", "x\u00e9"),
    # quantifiers
    ("a{,2}", "", "aa", "aaa"), ("a{,}", "aaaa", ""), ("a{", "a{"), ("a{x}", "a{x}"), ("a{}", "a{}"), ("a{1,2", "a{1,2"),
    ("a{1, 2}", "a{1, 2}", "aa"), ("(?x)a{1, 2}", "a{1,2}"), ("(?x)a{1,2}", "aa"), ("{", "{"), ("{1}", "{1}"), ("{1", "{1"),
    ("x{2,1}", "x"), ("x{2,2}", "xx"), ("x{4294967295}", "x"), ("x{4294967294}", "x"), ("a{2}{3}", "aaaaaa"), ("a**", "a"),
    ("a???", "a"), ("a*?+", "a"), ("a{2}+", "aa"), ("a++", "aa"), ("a+++", "aa"), ("a*+a", "aaa"), ("a?+a", "a"), ("a{1,3}+a", "aaa", "aaaa"),
    ("(?>a+)a", "aa"), ("(?>a|ab)c", "abc", "ac"), ("(?:a|ab)c", "abc"), ("(?>(a+))b", "aab"), ("a{0}", "", "a"), ("(a){0}\\1", ""),
    ("a{3}?", "aaa"), ("a{2,3}?", "aa"), ("(?:a*)*", "aaa"), ("(?:a*)+b", "aab"), ("(a*)*\\1", "aa"), ("(?:)*", ""), ("()*", ""),
    ("x*{2}", "x"), ("a(?#c)*", "aaa"), ("a*(?#c)*", "a"), ("(?#c)*", ""), ("a{1}{", "a{"), ("a{1}{2}", "a"), ("a{00001}", "a"),
    ("\\d{2,}", "123", "1"), ("[a-c]{2}+c", "abc"),
    # flags
    ("(?i)k", "K", "\u212a"), ("(?i)[a-z]", "\u212a", "\u017f", "K"), ("(?i)\u00df", "\u1e9e", "SS"), ("(?i)\u03c3", "\u03c2", "\u03a3"),
    ("(?i)\u0131", "I", "i"), ("(?i)\u0130", "i", "I"), ("(?ai)k", "\u212a", "K"), ("(?a)(?i)k", "\u212a"), ("(?i)(?a)k", "\u212a"),
    ("(?a)\\w", "\u00e9", "a"), ("(?a)\\d", "\u0663", "3"), ("(?a)\\s", "\x1c", "\u00a0", " "), ("(?a)[\\w]", "\u00e9"), ("(?a)\\W", "\u00e9"),
    ("(?u)\\w", "\u00e9"), ("(?au)a", "a"), ("(?a)(?u)a", "a"), ("(?L)a", "a"), ("(?-a:a)", "a"), ("(?a:\\w)\\w", "a\u00e9", "\u00e9\u00e9"),
    ("(?u:\\w)", "\u00e9"), ("a(?i)b", "ab"), ("(?i)a|(?m)b", "a"), ("(?i)(?m)a", "A"), ("(?#c)(?i)a", "A"), ("(?x) (?i)a", "A"),
    ("(?i:a)b", "Ab", "AB"), ("(?-i:a)b", "aB"), ("(?i)(?-i:a)b", "aB", "AB"), ("(?s:.)", "\n"), ("(?-s:.)", "\n"), ("(?i-i:a)", "a"),
    ("(?x:a b)c d", "abc d", "abcd"), ("(?x)a b", "ab", "a b"), ("(?x)a\\ b", "a b"), ("(?x)a#comment\nb", "ab"), ("(?x)[ ]", " "),
    ("(?x)[#]a", "#a"), ("(?x)a # c", "a"), ("(?-x:a b)", "a b"), ("(?x)(?-x:a b)", "a b"), ("(?U)a", "a"), ("(?d)a", "a"),
    ("(?i", "a"), ("(?i-", "a"), ("(?i-:a)", "a"), ("(?-", "a"), ("(?-:a)", "a"), ("(?iz)a", "a"), ("(?i-z:a)", "a"), ("(?i1)a", "a"),
    ("(?-1:a)", "a"), ("(?i-m", "a"), ("(?i-m)a", "a"), ("(?t)a", "a"), ("(?t:a)", "a"), ("(?-t:a)", "a"), ("(?imsx)a", "A"),
    ("(?m)(?s)^.$", "\n"), ("(?i)[^k]", "\u212a", "K"), ("(?i)[^a]", "A"), ("(?i)\\w", "A"), ("(?i)\\W", "A"), ("(?i)[\\W]", "A"),
    ("(?i)(a)\\1", "aA"), ("(?i)\\d", "\u0663"),
    # Unicode classes
    ("\\w", "\u00b2", "_", "\u203f", "\u0301", "\u2167", "\u00e9", "\u4e00", "\U0001d7d8"), ("\\d", "\u0663", "\u00b2", "\U0001d7d8"),
    ("\\s", "\x1c", "\x1f", "\u0085", "\u00a0", "\u200b", "\u3000", "\u2028", "\x0b"), ("\\S", "\x1c", "a"), ("\\W", "\u00b2", "!"),
    ("[\\s]", "\x1d"), ("[^\\s]", "\x1d", "x"), ("[\\S\\d]", "\x1d"), ("\\D", "\u0663"), ("[^\\W]", "a", "!"), ("[^\\D]", "5"),
    ("\\w+", "\u00e9t\u00e9_2"), ("\\d+", "\u0661\u0662"), ("..", "\U0001f600"), (".", "\U0001f600"), ("[^a]", "\U0001f600"),
    ("\U0001f600+", "\U0001f600\U0001f600"), ("[\U0001f600-\U0001f64f]", "\U0001f601"), ("\\U0001f600", "\U0001f600"),
    ("\u00e9", "\u00e9", "e\u0301"),
    # escapes
    ("\\u00e9", "\u00e9"), ("\\u00e", "x"), ("\\U0001F600", "\U0001f600"), ("\\U00110000", "x"), ("\\U0001F60", "x"),
    ("\\N{EM DASH}", "\u2014"), ("\\N{em dash}", "\u2014"), ("\\N{NOT A NAME}", "x"), ("\\N", "x"), ("\\N{", "x"), ("\\N{}", "x"),
    ("[\\N{EM DASH}a]", "\u2014"), ("\\x{41}", "A"), ("\\x41", "A"), ("\\x4", "x"), ("\\x4g", "x"), ("[\\x41-\\x43]", "B"),
    ("\\0", "\x00"), ("\\07", "\x07"), ("\\077", "?"), ("\\0777", "?7"), ("\\08", "\x008"), ("\\141", "a"), ("\\400", "x"), ("\\377", "\xff"),
    ("\\8", "8"), ("\\9", "9"), ("[\\1]", "\x01"), ("[\\41]", "!"), ("[\\141]", "a"), ("[\\8]", "8"), ("[\\400]", "x"), ("[\\b]", "\x08", "b"),
    ("\\v", "\x0b", "\n"), ("[\\v]", "\x0b"), ("\\a\\f\\t\\n\\r", "\x07\x0c\t\n\r"), ("\\-\\#\\_\\ \\!\\~\\%", "-#_ !~%"), ("\\\u00e9", "\u00e9"),
    ("\\e", "x"), ("\\h", "x"), ("\\H", "x"), ("\\V", "x"), ("\\c", "x"), ("\\Qa\\E", "a"), ("\\p{L}", "a"), ("\\P{L}", "1"), ("\\R", "\n"),
    ("\\X", "a"), ("\\g<1>", "x"), ("\\G", ""), ("\\K", ""), ("\\z", ""), ("\\y", "y"), ("\\E", ""), ("\\i", "i"), ("[\\A]", "A"),
    ("[\\Z]", "Z"), ("[\\B]", "B"), ("[\\e]", "x"), ("[\\z]", "z"), ("[\\d-z]", "-"), ("[\\w-z]", "-"), ("[a-\\d]", "-"), ("[\\w-]", "-", "a"),
    ("[-\\w]", "-"), ("\\", "x"), ("a\\", "a"), ("[a\\", "a"), ("\\\\", "\\"), ("\\.", ".", "a"), ("a\\.b", "a.b", "axb"),
    # character sets
    ("[a&&b]", "&", "a", "b"), ("[a&&]", "&"), ("[a||b]", "|"), ("[a~~b]", "~"), ("[a--b]", "-"), ("[a-b--c]", "-"), ("[[a]", "[", "a"),
    ("[a[b]]", "b]", "a]", "b"), ("[[:alpha:]]", ":", "a", "b"), ("[[:alpha:]]+", "alpha"), ("[]a]", "]", "a"), ("[^]a]", "b", "]"),
    ("[]", ""), ("[^]", ""), ("[a-]", "-"), ("[-a]", "-"), ("[z-a]", "a"), ("[a-a]", "a"), ("[^\\d\\s]", "a", "1", " "), ("[\\]]", "]"),
    ("[\\[]", "["), ("[.]", ".", "a"), ("[*+?{}()|$^]+", "*+?{}()|$"), ("[\\^]", "^"), ("[^^]", "^", "a"), ("[#]", "#"), ("[ ]", " "),
    ("[a-z&&[^aeiou]]", "b"), ("[\\x00-\\x7f]", "\x7f", "\x80"), ("[\u00e0-\u00ff]", "\u00e9"), ("[a\\-z]", "-", "b"), ("[\\w.]+", "a.b"),
    ("[^\\n]", "\n", "a"), ("[\\s\\S]", "\n"), ("[a", "a"), ("[a-", "a"), ("[\\", "x"), ("[^", "x"),
    # conditionals
    ("(a)?(?(1)b|c)", "ab", "c", "ac", "b"), ("(?P<q>a)?(?(q)b|c)", "ab", "c"), ("(a)?(?(1)b)", "ab", "", "b"), ("(?(1)a|b)", "b"),
    ("(?(1)a|b)(c)", "bc", "ac"), ("(a)(?(1)a|b|c)", "aa"), ("(a)(?(2)a|b)", "ab"), ("(a)(?(0)a|b)", "ab"), ("(a)(?(-1)a|b)", "ab"),
    ("(a)(?(x)a|b)", "ab"), ("(a)(?(1a)a|b)", "ab"), ("(a)(?(+1)a|b)", "aa"), ("(a)(?( 1)a|b)", "aa"), ("(a)(?(1_)a|b)", "aa"),
    ("(a)(?(", "a"), ("(a)(?(1", "a"), ("(a)(?()a|b)", "a"), ("(a)(?(1)a", "a"), ("(?:(a)|b)(?(1)c|d)", "ac", "bd", "bc"),
    ("((a)|b)+(?(2)c|d)", "abc", "bad", "bac", "abd"), ("(a)?(?(1)b|c)d", "abd", "cd"), ("(a(?(1)b|c))", "ac", "ab"),
    ("(?P<x>a)(?(x)b)(?P<y>c)?(?(y)d|e)", "abcd", "abe"),
    # lookarounds
    ("(?<=a|bc)d", "ad"), ("(?<=ab|cd)e", "abe"), ("a(?<=a{2})", "a"), ("(?<=a{1,2})b", "ab"), ("(?<=a+)b", "ab"), ("(?<=a*)b", "b"),
    ("(?<!ab|cd)e", "e"), ("(a)(?<=\\1)", "a"), ("(?<=(a))b", "ab"), ("(?<=(a)\\1)b", "b"), ("(?<=(?P<n>a)(?P=n))b", "b"),
    ("a(?=b)", "a", "ab"), ("a(?=b)b", "ab"), ("a(?!b)c", "ac"), ("(?=a)a", "a"), ("(?!)", ""), ("(?=)", ""), ("(?<=)", ""), ("(?<", "a"),
    ("(?<x", "a"), ("(?<=a", "a"), ("(?=a", "a"), ("(?<=a)", "a"), ("ab(?<=ab)", "ab"), ("ab(?<=b)", "ab"), ("(?<=\\b)a", "a"),
    ("(?<=(?=a)a)", "a"), ("(?<=a(?(1)b|c))", "a"), ("(a)(?<=a(?(1)b|c))", "a"), ("(?<=a\\b)", "a"), ("(?<=[ab]c)", "bc"),
    ("(?<=.)", "a"), ("x(?<=\\w\\d)", "x"), ("(?<=(?:ab){2})c", "ababc"), ("a(?=b*)", "a"), ("(?=a)*", ""), ("(?!a){2}b", "b"),
    # groups, comments, misc syntax
    ("(?#comment)a", "a"), ("a(?#comment", "a"), ("(?#)", ""), ("(?", "a"), ("(?z)", "a"), ("(?&x)", "a"), ("(?|a)", "a"), ("(?P>n)", "a"),
    ("(?R)", "a"), ("(?0)", "a"), ("(?+1)", "a"), ("(", ""), (")", ""), ("a)", "a"), ("((a)", "a"), ("(a))", "a"), ("(?:", ""), ("(?:a", "a"),
    ("()", ""), ("(?:)", ""), ("|", ""), ("a|", "", "a"), ("|a", "a", ""), ("a||b", ""), ("(a|b|)+", "abab"), ("a|b", "a", "b", "ab"),
    ("user,42", "user,42", "user,4"), ("user,42,.*", "user,42,x", "user,42"), ("(user),1", "user,1"), ("user,(1|2)", "user,2", "user,3"),
    ("ab?", "a", "ab"), ("ab{2}", "abb"), (".*", "", "anything"), ("\\w+,\\d+", "user,42", "user,x"), ("[A-Za-z0-9]+(,[A-Za-z0-9]+)*", "a,b,c", "a,,b"),
    ("user,.*", "user,\u00e9", "users,1"), ("(?i)user", "USER"), (".+,admin", "bob,admin"),
    # ReDoS-shaped patterns on short subjects (the long ones are timing tests, not corpus cases)
    ("(a|aa)+$", "a" * 10 + "b"), ("(x+x+)+y", "x" * 10), ("(.*a){5}", "a" * 5 + "b" * 10), ("(a|b)*", "ab" * 50), ("(a+)+$", A + "!"),
]


# ---- backreferences after repeated groups ------------------------------------------------------
# (a+)+\1 on "aa" is a match CPython finds at once, and so must we, in a few steps. The variants separate the
# repeated group from the backreference and try the possessive and atomic forms; subjects stay short (on a long
# run of a's with no match, (a+)+\1 is exponential in CPython too: a timing test, not a corpus case). Then
# captures given back: an iteration given back, or an alternative that failed, gives back its captures, nested
# groups' included (java.util.regex's loop for fixed-width groups restores only the group's own capture).
BACKREFERENCES = [
    ("(a+)+\\1", "aaa", "aaaa", "a" * 8, "aaab", "a" * 12 + "b"), ("(a+)+", "aa", "aaa", "aaab", "a" * 12 + "b"),
    ("(a)+\\1", "aa", "aaa", "aaab"), ("(a*)+\\1", "aa", "aaab"), ("(a?)+\\1", "aa", "aaab"),
    ("(a|aa)+\\1", "aa", "aaaa", "aaab"), ("(a+)+\\1+", "aa", "aaaa"), ("(a+)++\\1", "aa", "aaa"),
    ("(?>(a+)+)\\1", "aa", "aaa"), ("(a+){2,}\\1", "aa", "aaa"), ("(a+)+\\1\\1", "aa", "aaa"), ("(a+)+?\\1", "aa", "aaa"),
    ("(?:(a+))+\\1", "aa", "aaab"), ("(?P<x>a+)+(?P=x)", "aa", "aaaa"), ("(?i)(a+)+\\1", "aA", "AAa"),
    ("user,(\\d+)+,\\1", "user,12,2", "user,12,12"),
    ("(?:(.)x)+\\1.", "axbx", "axbxbb"), ("((.)x)+\\2.", "axbx"), ("(?:(.)x){1,2}\\1.", "axbx"), ("(?:(.)x)+?\\1.", "axbx"),
    ("(?:(..))+\\1", "aaab", "aaaa"), ("((..))+\\2", "aaab"), ("((()){2}|\\3.)", "a"), ("a*?(?:(.{2})){1,3}\\1{1,3}", "aaab"),
    ("((a)x)*(?(2)a|b)", "axaxa", "b"), ("((a)x|bx)*(?(2)a|b)", "bxb"), ("(?:(a)b)?a\\1*", "aa"),
    ("(?:(?>(a))b)?a\\1*", "aa"), ("(?:(a)*+b)?a\\1*", "aa"),
]

# ---- valid patterns CPython 3.11 only warns about ------------------------------------------------
# Each compiles with a FutureWarning under the default filters (under -W error::FutureWarning the warning is raised
# instead): a valid pattern, which the engine must accept, match as Python does, and answer with the warning's text
# as a note. Subjects include tuple text forms, the only subjects the service matches. Some errors warn before
# they fail, and some look-alikes do not warn at all: notes must be neither lost nor made up.
FUTURE_WARNINGS = [
    ("[[]", "[", "a"), ("[[a]", "b", "a1"), ("[[a]+", "aa", "a[a"), ("[[[]", "[", "a"), ("[[:alpha:]]", "a]", ":]"),
    ("[[:alnum:]]+", "n]]", "alnum"), ("[[a-z]+", "alice", "bob,admin"), ("(?i)[[a]", "A"), ("(?x)[[ ]", " "),
    ("[a&&b]", "c"), ("[a&&]", "a"), ("[-&&]", "-", "&"), ("[]&&]", "]"), ("[a&&&b]", "&", "a"), ("[[a&&b]", "&", "c"),
    ("[\\w&&x]", "x", "\u00e9", "&"), ("[a||b]", "a", "c"), ("[a||]", "|"), ("[a~~b]", "b"), ("[a~~]", "~"),
    ("[a-b--c]", "5", "Z", "d"), ("[+--]", ",", "a"), ("[%--/]", "-", "/"),
    ("user,[[12]", "user,1", "user,3"), ("user,[1&&2]", "user,&", "user,2"), ("[a-z]+,[0-1--]+", "user,1", "user,2"),
    ("([[a])\\1", "aa"), ("a(?<=[[a])", "a"),
    ("[a--]", "a"), ("[]--]", "]"), ("[\\w--]", "-"), ("[x--\\w]", "x"), ("[a---b]", "-"),
    ("[a[]", "["), ("[^[]", "a"), ("[^[a]", "b"), ("[&&]", "&"), ("[&&a]", "a"), ("[||]", "|"), ("[a|b]", "|"),
    ("[~~]", "~"), ("[--a]", "5"), ("(?x)[ [ ]", "["), ("[\\[[]", "["), ("\\[[a]", "[a"), ("a&&b", "a&&b"), ("a--b", "a--b"),
]

def run(pattern, subject):
    case = {"pattern": pattern, "subject": subject}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        re.purge()  # re caches compiled patterns, and a cached compile warns no more
        try:
            compiled = re.compile(pattern)
        except re.error as e:
            case.update(outcome="error", error_type="re.error", message=e.msg, position=e.pos)
        except (ValueError, OverflowError, RecursionError) as e:
            case.update(outcome="error", error_type=type(e).__name__, message=str(e), position=None)
        else:
            case["outcome"] = "match" if compiled.fullmatch(subject) else "nomatch"
    case["warnings"] = [str(w.message) for w in caught if issubclass(w.category, FutureWarning)]
    return case


def main():
    out = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "pattern", "corpus.jsonl")
    cases, seen = [], set()
    for group in RE_TESTS + PROBES + BACKREFERENCES + FUTURE_WARNINGS:
        pattern, subjects = group[0], group[1:]
        for subject in subjects:
            if (pattern, subject) in seen:
                continue
            seen.add((pattern, subject))
            cases.append(run(pattern, subject))
    with open(out, "w", encoding="utf-8") as f:
        for i, case in enumerate(cases, 1):
            f.write(json.dumps({"id": i, **case}, ensure_ascii=True) + "\n")
    errors = sum(c["outcome"] == "error" for c in cases)
    print(f"{len(cases)} cases ({errors} errors) -> {os.path.normpath(out)}")


if __name__ == "__main__":
    main()
