// SPDX-License-Identifier: Apache-2.0
// The pattern-matching engine behind the sandbox's string.find, match, gmatch and gsub: Lua 5.4
// patterns (reference manual, §6.4.1), matched by backtracking, with every step counted so that one
// call cannot run for longer than the budget allows. See pattern.h; callers: pattern_lib.c only.
//
// Written from the manual, not from lstrlib.c. Where the manual is silent, the behaviour follows
// what Lua 5.4 does (checked by Tests/LuaBridgeTests/LuaPatternTests.swift against the original
// functions), because scripts written against the real library may depend on it.
#include "pattern.h"

#include "internal.h"

#include <lauxlib.h>
#include <string.h>

void clua_pm_init(clua_pm *m, lua_State *L, const char *subject, size_t subject_length, const char *pattern,
                  size_t pattern_length) {
    m->L = L;
    m->subject = subject;
    m->subject_end = subject + subject_length;
    m->pattern = pattern;
    m->pattern_end = pattern + pattern_length;
    m->step_limit = clua_control_of(L)->pattern_step_limit;
    clua_pm_new_call(m);
    clua_pm_restart(m);
}

void clua_pm_restart(clua_pm *m) {
    m->ncaptures = 0;
    m->depth_left = CLUA_PM_MAX_DEPTH;
}

void clua_pm_new_call(clua_pm *m) {
    m->steps = 0;
    m->charged = 0;
    m->next_poll = CLUA_PM_POLL_STEPS;
    if (m->step_limit > 0 && m->step_limit < m->next_poll) {
        m->next_poll = m->step_limit + 1;
    }
}

void clua_pm_poll(clua_pm *m) {
    if (m->step_limit > 0 && m->steps > m->step_limit) {
        clua_budget_trip(m->L, CLUA_TRIP_PATTERN_STEPS);
    }
    int64_t unpaid = m->steps - m->charged;
    m->charged = m->steps;
    clua_budget_charge(m->L, unpaid);  // raises if the host call is out of time or instructions
    m->next_poll = m->steps + CLUA_PM_POLL_STEPS;
    if (m->step_limit > 0 && m->step_limit < m->next_poll) {
        m->next_poll = m->step_limit + 1;
    }
}

void clua_pm_settle(clua_pm *m) {
    if (m->steps > m->charged) {
        int64_t unpaid = m->steps - m->charged;
        m->charged = m->steps;
        clua_budget_charge(m->L, unpaid);
    }
}

// MARK: Single characters

// The C locale's classes, spelled out so that a process locale cannot change a match.
static int clua_pm_is_lower(int c) { return c >= 'a' && c <= 'z'; }
static int clua_pm_is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static int clua_pm_is_digit(int c) { return c >= '0' && c <= '9'; }
static int clua_pm_is_alpha(int c) { return clua_pm_is_lower(c) || clua_pm_is_upper(c); }
static int clua_pm_is_graph(int c) { return c > 32 && c < 127; }

static int clua_pm_to_lower(int c) { return clua_pm_is_upper(c) ? c + ('a' - 'A') : c; }

// Whether `c` belongs to the class named by the letter `cl` of "%cl". An upper-case class letter is
// the complement; any other character after '%' stands for itself. "%z" (the NUL byte) is the 5.1
// class that Lua 5.4 still implements: scripts written for the real library may use it.
static int clua_pm_in_class(int c, int cl) {
    int member;
    switch (clua_pm_to_lower(cl)) {
    case 'a': member = clua_pm_is_alpha(c); break;
    case 'c': member = c < 32 || c == 127; break;
    case 'd': member = clua_pm_is_digit(c); break;
    case 'g': member = clua_pm_is_graph(c); break;
    case 'l': member = clua_pm_is_lower(c); break;
    case 'p': member = clua_pm_is_graph(c) && !clua_pm_is_alpha(c) && !clua_pm_is_digit(c); break;
    case 's': member = c == ' ' || (c >= '\t' && c <= '\r'); break;
    case 'u': member = clua_pm_is_upper(c); break;
    case 'w': member = clua_pm_is_alpha(c) || clua_pm_is_digit(c); break;
    case 'x': member = clua_pm_is_digit(c) || (clua_pm_to_lower(c) >= 'a' && clua_pm_to_lower(c) <= 'f'); break;
    case 'z': member = c == 0; break;  // not in the 5.4 manual, but Lua 5.4 still accepts it
    default: return cl == c;
    }
    return clua_pm_is_upper(cl) ? !member : member;
}

// Whether `c` is in the set that starts at `open` ('[') and ends at `close` (its ']'). Inside a set,
// "%x" is a class or an escaped character, "x-y" a range (when y is not the closing bracket), and a
// leading '^' complements the whole set.
static int clua_pm_in_set(int c, const char *open, const char *close) {
    const char *p = open + 1;
    int inside = 1;
    if (*p == '^') {
        inside = 0;
        p++;
    }
    for (; p < close; p++) {
        if (*p == CLUA_PM_ESCAPE) {
            p++;
            if (clua_pm_in_class(c, (unsigned char)*p)) {
                return inside;
            }
        } else if (p + 2 < close && p[1] == '-') {
            if ((unsigned char)p[0] <= c && c <= (unsigned char)p[2]) {
                return inside;
            }
            p += 2;
        } else if ((unsigned char)*p == c) {
            return inside;
        }
    }
    return !inside;
}

// The end of the single-character class that starts at `p`: ".", "%x", "[set]" or a plain character.
// Raises on a malformed one. In a set, the character right after '[' (or "[^") is always a member,
// so "[]]" is the set of ']' and the search for the closing bracket starts after it.
static const char *clua_pm_class_end(clua_pm *m, const char *p) {
    char first = *p++;
    if (first == CLUA_PM_ESCAPE) {
        if (p >= m->pattern_end) {
            luaL_error(m->L, "malformed pattern (ends with '%%')");
        }
        return p + 1;
    }
    if (first == '[') {
        if (p < m->pattern_end && *p == '^') {
            p++;
        }
        do {
            if (p >= m->pattern_end) {
                luaL_error(m->L, "malformed pattern (missing ']')");
            }
            char c = *p++;
            if (c == CLUA_PM_ESCAPE && p < m->pattern_end) {
                p++;  // an escaped character, "%]" included, never closes the set
            }
        } while (p >= m->pattern_end || *p != ']');
        return p + 1;
    }
    return p;
}

// Whether the subject character at `s` matches the class [p, end).
static int clua_pm_single(clua_pm *m, const char *s, const char *p, const char *end) {
    if (s >= m->subject_end) {
        return 0;
    }
    int c = (unsigned char)*s;
    switch (*p) {
    case '.': return 1;
    case CLUA_PM_ESCAPE: return clua_pm_in_class(c, (unsigned char)p[1]);
    case '[': return clua_pm_in_set(c, p, end - 1);
    default: return (unsigned char)*p == c;
    }
}

// MARK: Special items

// "%bxy" at `p` (pointing at x): a balanced run from x to the matching y.
static const char *clua_pm_balanced(clua_pm *m, const char *s, const char *p) {
    if (p + 1 >= m->pattern_end) {
        luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
    }
    if (s >= m->subject_end || *s != p[0]) {
        return NULL;
    }
    char open = p[0];
    char close = p[1];
    int depth = 1;
    const char *start = s;
    while (++s < m->subject_end) {
        if (*s == close) {
            if (--depth == 0) {
                clua_pm_step(m, s - start);
                return s + 1;
            }
        } else if (*s == open) {
            depth++;
        }
    }
    clua_pm_step(m, s - start);
    return NULL;
}

// "%n": the text of capture n again.
static const char *clua_pm_backreference(clua_pm *m, const char *s, int digit) {
    int index = digit - '1';
    if (index < 0 || index >= m->ncaptures || m->captures[index].length == CLUA_PM_OPEN) {
        luaL_error(m->L, "invalid capture index %%%d", index + 1);
    }
    ptrdiff_t length = m->captures[index].length;
    if (length < 0) {
        return NULL;  // a position capture has no text to repeat
    }
    clua_pm_step(m, length);
    if (m->subject_end - s >= length && memcmp(m->captures[index].start, s, (size_t)length) == 0) {
        return s + length;
    }
    return NULL;
}

// Opens a capture at `s` and matches the rest of the pattern; undone if that fails.
static const char *clua_pm_open_capture(clua_pm *m, const char *s, const char *p, ptrdiff_t kind) {
    if (m->ncaptures >= CLUA_PM_MAX_CAPTURES) {
        luaL_error(m->L, "too many captures");
    }
    m->captures[m->ncaptures].start = s;
    m->captures[m->ncaptures].length = kind;
    m->ncaptures++;
    const char *end = clua_pm_match(m, s, p);
    if (end == NULL) {
        m->ncaptures--;
    }
    return end;
}

// Closes the innermost open capture at `s` and matches the rest; reopened if that fails.
static const char *clua_pm_close_capture(clua_pm *m, const char *s, const char *p) {
    int index = m->ncaptures - 1;
    while (index >= 0 && m->captures[index].length != CLUA_PM_OPEN) {
        index--;
    }
    if (index < 0) {
        luaL_error(m->L, "invalid pattern capture");
    }
    m->captures[index].length = s - m->captures[index].start;
    const char *end = clua_pm_match(m, s, p);
    if (end == NULL) {
        m->captures[index].length = CLUA_PM_OPEN;
    }
    return end;
}

// MARK: Repetition

// "x*" and "x+" (after its first character): the longest run of x that lets the rest match.
static const char *clua_pm_longest(clua_pm *m, const char *s, const char *p, const char *class_end) {
    ptrdiff_t count = 0;
    while (clua_pm_single(m, s + count, p, class_end)) {
        count++;
    }
    clua_pm_step(m, count);
    for (; count >= 0; count--) {
        const char *end = clua_pm_match(m, s + count, class_end + 1);
        if (end != NULL) {
            return end;
        }
    }
    return NULL;
}

// "x-": the shortest run of x that lets the rest match.
static const char *clua_pm_shortest(clua_pm *m, const char *s, const char *p, const char *class_end) {
    for (;;) {
        const char *end = clua_pm_match(m, s, class_end + 1);
        if (end != NULL) {
            return end;
        }
        if (!clua_pm_single(m, s, p, class_end)) {
            return NULL;
        }
        s++;
    }
}

// MARK: The matcher

const char *clua_pm_match(clua_pm *m, const char *s, const char *p) {
    if (m->depth_left-- == 0) {
        luaL_error(m->L, "pattern too complex");
    }
    const char *result = NULL;
    // Each pass handles one item; items that need no backtracking continue the loop instead of
    // recursing, so only backtracking points count against the depth limit.
    for (;;) {
        clua_pm_step(m, 1);
        if (p >= m->pattern_end) {
            result = s;
            break;
        }
        if (*p == '(') {
            if (p + 1 < m->pattern_end && p[1] == ')') {
                result = clua_pm_open_capture(m, s, p + 2, CLUA_PM_POSITION);
            } else {
                result = clua_pm_open_capture(m, s, p + 1, CLUA_PM_OPEN);
            }
            break;
        }
        if (*p == ')') {
            result = clua_pm_close_capture(m, s, p + 1);
            break;
        }
        if (*p == '$' && p + 1 == m->pattern_end) {
            result = s == m->subject_end ? s : NULL;
            break;
        }
        if (*p == CLUA_PM_ESCAPE && p + 1 < m->pattern_end) {
            char what = p[1];
            if (what == 'b') {
                s = clua_pm_balanced(m, s, p + 2);
                if (s == NULL) {
                    break;
                }
                p += 4;
                continue;
            }
            if (what == 'f') {
                // "%f[set]": the frontier where the previous character is not in the set and the
                // next one is; the subject's edges count as '\0'.
                p += 2;
                if (p >= m->pattern_end || *p != '[') {
                    luaL_error(m->L, "missing '[' after '%%f' in pattern");
                }
                const char *set_end = clua_pm_class_end(m, p);
                int previous = s == m->subject ? 0 : (unsigned char)s[-1];
                int next = s < m->subject_end ? (unsigned char)*s : 0;
                if (clua_pm_in_set(previous, p, set_end - 1) || !clua_pm_in_set(next, p, set_end - 1)) {
                    break;
                }
                p = set_end;
                continue;
            }
            if (clua_pm_is_digit((unsigned char)what)) {
                s = clua_pm_backreference(m, s, (unsigned char)what);
                if (s == NULL) {
                    break;
                }
                p += 2;
                continue;
            }
        }
        // A single-character class, maybe followed by a quantifier.
        const char *class_end = clua_pm_class_end(m, p);
        char quantifier = class_end < m->pattern_end ? *class_end : '\0';
        if (!clua_pm_single(m, s, p, class_end)) {
            if (quantifier == '*' || quantifier == '?' || quantifier == '-') {
                p = class_end + 1;  // zero repetitions
                continue;
            }
            break;
        }
        if (quantifier == '?') {
            const char *end = clua_pm_match(m, s + 1, class_end + 1);
            if (end != NULL) {
                result = end;
                break;
            }
            p = class_end + 1;
            continue;
        }
        if (quantifier == '+') {
            result = clua_pm_longest(m, s + 1, p, class_end);
            break;
        }
        if (quantifier == '*') {
            result = clua_pm_longest(m, s, p, class_end);
            break;
        }
        if (quantifier == '-') {
            result = clua_pm_shortest(m, s, p, class_end);
            break;
        }
        s++;
        p = class_end;
    }
    m->depth_left++;
    return result;
}

const char *clua_pm_find_plain(clua_pm *m, const char *haystack, size_t haystack_length, const char *needle,
                               size_t needle_length) {
    if (needle_length == 0) {
        return haystack;
    }
    if (needle_length > haystack_length) {
        return NULL;
    }
    const char *last = haystack + (haystack_length - needle_length);  // the last possible start
    const char *s = haystack;
    while (s <= last) {
        const char *hit = memchr(s, needle[0], (size_t)(last - s) + 1);
        if (hit == NULL) {
            clua_pm_step(m, (last - s) / 16 + 1);  // memchr is fast: a step per 16 bytes scanned
            return NULL;
        }
        // A candidate costs up to the needle's length to compare; charging all of it bounds the
        // quadratic worst case ("aaaa...":find("aa...ab", 1, true)).
        clua_pm_step(m, (hit - s) / 16 + (int64_t)needle_length);
        if (memcmp(hit + 1, needle + 1, needle_length - 1) == 0) {
            return hit;
        }
        s = hit + 1;
    }
    return NULL;
}
