// SPDX-License-Identifier: Apache-2.0
// string.find, string.match, string.gmatch and string.gsub for the sandbox, on the step-counted
// matcher of pattern.c. Same arguments, results and errors as Lua 5.4's (reference manual, §6.4);
// what differs is that a call stops with the budget (CLUA_TRIP_PATTERN_STEPS, time, instructions,
// cancellation) instead of running for polynomial time inside one C call where the hook cannot
// reach it. Callers: sandbox.c (clua_open_patterns) only.
#include "internal.h"
#include "pattern.h"

#include <lauxlib.h>
#include <string.h>

// A 1-based start position as Lua's string functions read it: negative counts from the end, 0 and
// anything before the start mean 1. May be past the end; the caller decides what that means.
static size_t clua_pm_start(lua_Integer position, size_t length) {
    if (position > 0) {
        return (size_t)position;
    }
    if (position == 0 || position < -(lua_Integer)length) {
        return 1;
    }
    return length + (size_t)position + 1;
}

// Whether the pattern uses any magic character; without one, find searches for the plain text.
static int clua_pm_has_magic(const char *p, size_t length) {
    for (size_t i = 0; i < length; i++) {
        switch (p[i]) {
        case '^': case '$': case '*': case '+': case '?': case '.': case '(': case '[': case '%': case '-':
            return 1;
        default: break;
        }
    }
    return 0;
}

// Capture `index` of the last match [s, e): its text in `*text` and its length, or CLUA_PM_POSITION
// after pushing the position. Index 0 without captures is the whole match.
static ptrdiff_t clua_pm_capture_text(clua_pm *m, int index, const char *s, const char *e, const char **text) {
    if (index >= m->ncaptures) {
        if (index != 0) {
            luaL_error(m->L, "invalid capture index %%%d", index + 1);
        }
        *text = s;
        return e - s;
    }
    ptrdiff_t length = m->captures[index].length;
    *text = m->captures[index].start;
    if (length == CLUA_PM_OPEN) {
        luaL_error(m->L, "unfinished capture");
    } else if (length == CLUA_PM_POSITION) {
        lua_pushinteger(m->L, (m->captures[index].start - m->subject) + 1);
    }
    return length;
}

static void clua_pm_push_capture(clua_pm *m, int index, const char *s, const char *e) {
    const char *text = NULL;
    ptrdiff_t length = clua_pm_capture_text(m, index, s, e, &text);
    if (length != CLUA_PM_POSITION) {
        lua_pushlstring(m->L, text, (size_t)length);
    }
}

// Pushes the captures of the last match, or the whole match [s, e) if it has none and `s` is not
// NULL (find passes NULL: its positions are the whole match). Returns how many were pushed.
static int clua_pm_push_captures(clua_pm *m, const char *s, const char *e) {
    int count = m->ncaptures == 0 && s != NULL ? 1 : m->ncaptures;
    luaL_checkstack(m->L, count, "too many captures");
    for (int i = 0; i < count; i++) {
        clua_pm_push_capture(m, i, s, e);
    }
    return count;
}

// MARK: find and match

static int clua_pm_find_or_match(lua_State *L, int find) {
    size_t subject_length = 0;
    size_t pattern_length = 0;
    const char *subject = luaL_checklstring(L, 1, &subject_length);
    const char *pattern = luaL_checklstring(L, 2, &pattern_length);
    size_t init = clua_pm_start(luaL_optinteger(L, 3, 1), subject_length) - 1;
    if (init > subject_length) {
        luaL_pushfail(L);
        return 1;
    }
    clua_pm m;
    clua_pm_init(&m, L, subject, subject_length, pattern, pattern_length);
    if (find && (lua_toboolean(L, 4) || !clua_pm_has_magic(pattern, pattern_length))) {
        const char *hit = clua_pm_find_plain(&m, subject + init, subject_length - init, pattern, pattern_length);
        clua_pm_settle(&m);
        if (hit != NULL) {
            lua_pushinteger(L, (hit - subject) + 1);
            lua_pushinteger(L, (lua_Integer)((size_t)(hit - subject) + pattern_length));
            return 2;
        }
        luaL_pushfail(L);
        return 1;
    }
    const char *p = pattern;
    int anchored = pattern_length > 0 && *p == '^';
    if (anchored) {
        p++;
    }
    for (const char *start = subject + init;; start++) {
        clua_pm_restart(&m);
        const char *end = clua_pm_match(&m, start, p);
        if (end != NULL) {
            clua_pm_settle(&m);
            if (find) {
                lua_pushinteger(L, (start - subject) + 1);
                lua_pushinteger(L, end - subject);
                return clua_pm_push_captures(&m, NULL, NULL) + 2;
            }
            return clua_pm_push_captures(&m, start, end);
        }
        if (anchored || start >= m.subject_end) {
            break;
        }
    }
    clua_pm_settle(&m);
    luaL_pushfail(L);
    return 1;
}

static int clua_pm_lua_find(lua_State *L) { return clua_pm_find_or_match(L, 1); }

static int clua_pm_lua_match(lua_State *L) { return clua_pm_find_or_match(L, 0); }

// MARK: gmatch

typedef struct clua_pm_iterator {
    clua_pm m;
    size_t next;              // offset where the next search starts; past the end when exhausted
    const char *last_match;  // end of the last match: an empty match there is not repeated
} clua_pm_iterator;

// The iterator gmatch returns. Upvalues: the subject, the pattern (kept alive for the pointers in
// the state) and the state. Each call is a new call for the step limit.
static int clua_pm_gmatch_next(lua_State *L) {
    clua_pm_iterator *it = (clua_pm_iterator *)lua_touserdata(L, lua_upvalueindex(3));
    size_t length = (size_t)(it->m.subject_end - it->m.subject);
    it->m.L = L;
    clua_pm_new_call(&it->m);
    for (; it->next <= length; it->next++) {
        const char *start = it->m.subject + it->next;
        clua_pm_restart(&it->m);
        const char *end = clua_pm_match(&it->m, start, it->m.pattern);
        if (end != NULL && end != it->last_match) {
            it->next = (size_t)(end - it->m.subject);
            it->last_match = end;
            clua_pm_settle(&it->m);
            return clua_pm_push_captures(&it->m, start, end);
        }
    }
    clua_pm_settle(&it->m);
    return 0;
}

// gmatch(s, pattern [, init]). As in Lua 5.4, a leading '^' is an ordinary character here: an
// anchor would stop the iteration after one match.
static int clua_pm_lua_gmatch(lua_State *L) {
    size_t subject_length = 0;
    size_t pattern_length = 0;
    const char *subject = luaL_checklstring(L, 1, &subject_length);
    const char *pattern = luaL_checklstring(L, 2, &pattern_length);
    size_t init = clua_pm_start(luaL_optinteger(L, 3, 1), subject_length) - 1;
    if (init > subject_length) {
        init = subject_length + 1;  // nothing to match
    }
    lua_settop(L, 2);
    clua_pm_iterator *it = (clua_pm_iterator *)lua_newuserdatauv(L, sizeof(clua_pm_iterator), 0);
    clua_pm_init(&it->m, L, subject, subject_length, pattern, pattern_length);
    it->next = init;
    it->last_match = NULL;
    lua_pushcclosure(L, clua_pm_gmatch_next, 3);
    return 1;
}

// MARK: gsub

// Appends the replacement string (argument 3) for the match [s, e): "%0" is the match, "%1".."%9"
// its captures, "%%" a percent sign; any other use of '%' is an error.
static void clua_pm_add_template(clua_pm *m, luaL_Buffer *b, const char *s, const char *e) {
    size_t length = 0;
    const char *r = lua_tolstring(m->L, 3, &length);
    const char *end = r + length;
    for (;;) {
        const char *escape = memchr(r, CLUA_PM_ESCAPE, (size_t)(end - r));
        if (escape == NULL) {
            luaL_addlstring(b, r, (size_t)(end - r));
            return;
        }
        luaL_addlstring(b, r, (size_t)(escape - r));
        int c = escape + 1 < end ? (unsigned char)escape[1] : 0;
        if (c == CLUA_PM_ESCAPE) {
            luaL_addchar(b, CLUA_PM_ESCAPE);
        } else if (c == '0') {
            luaL_addlstring(b, s, (size_t)(e - s));
        } else if (c >= '1' && c <= '9') {
            const char *text = NULL;
            ptrdiff_t captured = clua_pm_capture_text(m, c - '1', s, e, &text);
            if (captured == CLUA_PM_POSITION) {
                luaL_addvalue(b);  // the position clua_pm_capture_text pushed
            } else {
                luaL_addlstring(b, text, (size_t)captured);
            }
        } else {
            luaL_error(m->L, "invalid use of '%c' in replacement string", CLUA_PM_ESCAPE);
        }
        r = escape + 2;
    }
}

// Appends the replacement for the match [s, e) given by argument 3 of type `kind`. A function or
// table that gives false or nil keeps the match as it was.
static void clua_pm_add_replacement(clua_pm *m, luaL_Buffer *b, const char *s, const char *e, int kind) {
    lua_State *L = m->L;
    if (kind == LUA_TFUNCTION) {
        lua_pushvalue(L, 3);
        int count = clua_pm_push_captures(m, s, e);
        lua_call(L, count, 1);
    } else if (kind == LUA_TTABLE) {
        clua_pm_push_capture(m, 0, s, e);
        lua_gettable(L, 3);
    } else {
        clua_pm_add_template(m, b, s, e);
        return;
    }
    if (!lua_toboolean(L, -1)) {
        lua_pop(L, 1);
        luaL_addlstring(b, s, (size_t)(e - s));
    } else if (!lua_isstring(L, -1)) {
        luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    } else {
        luaL_addvalue(b);
    }
}

// gsub(s, pattern, replacement [, n]): returns the new string and the number of matches replaced.
static int clua_pm_lua_gsub(lua_State *L) {
    size_t subject_length = 0;
    size_t pattern_length = 0;
    const char *subject = luaL_checklstring(L, 1, &subject_length);
    const char *pattern = luaL_checklstring(L, 2, &pattern_length);
    int kind = lua_type(L, 3);
    lua_Integer max_replacements = luaL_optinteger(L, 4, (lua_Integer)subject_length + 1);
    luaL_argexpected(L, kind == LUA_TNUMBER || kind == LUA_TSTRING || kind == LUA_TFUNCTION || kind == LUA_TTABLE, 3,
                     "string/function/table");
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    const char *p = pattern;
    int anchored = pattern_length > 0 && *p == '^';
    if (anchored) {
        p++;
    }
    clua_pm m;
    clua_pm_init(&m, L, subject, subject_length, pattern, pattern_length);
    const char *s = subject;
    const char *last_match = NULL;
    lua_Integer replaced = 0;
    while (replaced < max_replacements) {
        clua_pm_restart(&m);
        const char *end = clua_pm_match(&m, s, p);
        if (end != NULL && end != last_match) {
            replaced++;
            clua_pm_add_replacement(&m, &b, s, end, kind);
            s = last_match = end;
        } else if (s < m.subject_end) {
            luaL_addchar(&b, *s++);
        } else {
            break;
        }
        if (anchored) {
            break;
        }
    }
    luaL_addlstring(&b, s, (size_t)(m.subject_end - s));
    clua_pm_settle(&m);
    luaL_pushresult(&b);
    lua_pushinteger(L, replaced);
    return 2;
}

void clua_open_patterns(lua_State *L, int string) {
    static const luaL_Reg functions[] = {
        {"find", clua_pm_lua_find},
        {"match", clua_pm_lua_match},
        {"gmatch", clua_pm_lua_gmatch},
        {"gsub", clua_pm_lua_gsub},
        {NULL, NULL},
    };
    for (const luaL_Reg *f = functions; f->name != NULL; f++) {
        lua_pushcfunction(L, f->func);
        lua_setfield(L, string, f->name);
    }
}
