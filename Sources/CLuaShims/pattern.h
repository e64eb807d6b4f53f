// SPDX-License-Identifier: Apache-2.0
// The pattern matcher shared by pattern.c (the engine) and pattern_lib.c (string.find, match,
// gmatch, gsub); not part of the module's API.
//
// Semantics are those of the Lua 5.4 reference manual, §6.4.1 "Patterns", including the corners the
// manual leaves to the implementation and that scripts can observe: the 32-capture limit, a nesting
// limit of 200 (beyond it "pattern too complex"), "%z" for the NUL byte (a 5.1 class Lua 5.4 still
// has), any other letter after '%' standing for itself ("%q" is 'q'), and the error messages. Character classes are those of the C locale,
// whatever locale the process runs in, so a match is the same on every machine.
//
// Every unit of work is a step. A matcher polls the host's budget every CLUA_PM_POLL_STEPS steps
// (cancellation, deadline, instruction limit: the steps are charged as instructions) and stops the
// host call once one call has taken more than the state's pattern step limit. Only C frames are
// between the poll and the pcall that catches it, so raising there is safe.
#ifndef CLUA_SHIMS_PATTERN_H
#define CLUA_SHIMS_PATTERN_H

#include <lua.h>
#include <stddef.h>
#include <stdint.h>

#define CLUA_PM_MAX_CAPTURES 32  // LUA_MAXCAPTURES in luaconf.h
#define CLUA_PM_MAX_DEPTH 200    // Lua's limit on nested items that need backtracking
#define CLUA_PM_POLL_STEPS 4096
#define CLUA_PM_ESCAPE '%'

// The length of a capture that is open, or that is a position capture "()".
#define CLUA_PM_OPEN (-1)
#define CLUA_PM_POSITION (-2)

typedef struct clua_pm_capture {
    const char *start;
    ptrdiff_t length;  // >= 0 once closed, or CLUA_PM_OPEN / CLUA_PM_POSITION
} clua_pm_capture;

typedef struct clua_pm {
    lua_State *L;
    const char *subject;
    const char *subject_end;
    const char *pattern;
    const char *pattern_end;
    int depth_left;
    int ncaptures;
    clua_pm_capture captures[CLUA_PM_MAX_CAPTURES];
    int64_t steps;       // taken by the current call
    int64_t step_limit;  // 0: none
    int64_t next_poll;   // the step count at which to poll next
    int64_t charged;     // steps already charged to the instruction budget
} clua_pm;

/// Prepares a matcher over `subject` for `pattern` (neither copied: both must stay alive).
void clua_pm_init(clua_pm *m, lua_State *L, const char *subject, size_t subject_length, const char *pattern,
                  size_t pattern_length);

/// Forgets the captures of the previous attempt; call before each clua_pm_match from the outside.
void clua_pm_restart(clua_pm *m);

/// Starts a new step count (a new call, or a new gmatch iteration).
void clua_pm_new_call(clua_pm *m);

/// Charges the steps not yet charged to the instruction budget (end of a call). May raise.
void clua_pm_settle(clua_pm *m);

/// Matches the pattern from `p` (inside m->pattern) against the subject from `s`. Returns the end of
/// the match or NULL. Raises on a malformed pattern or when the budget is exhausted.
const char *clua_pm_match(clua_pm *m, const char *s, const char *p);

/// Finds `needle` in `haystack` byte for byte (a plain find), charging the comparisons as steps.
const char *clua_pm_find_plain(clua_pm *m, const char *haystack, size_t haystack_length, const char *needle,
                               size_t needle_length);

/// Counts `n` steps, polling the budget when due.
void clua_pm_poll(clua_pm *m);
static inline void clua_pm_step(clua_pm *m, int64_t n) {
    m->steps += n;
    if (m->steps >= m->next_poll) {
        clua_pm_poll(m);
    }
}

#endif
