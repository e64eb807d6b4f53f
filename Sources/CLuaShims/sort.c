// SPDX-License-Identifier: Apache-2.0
// The sandbox's `table.sort`: a stable merge sort, so the result is the same in every run.
// Callers: sandbox.c (clua_open_sort) only.
//
// Lua 5.4's sort is a quicksort that, when a partition comes out badly unbalanced on more than 100
// elements, picks its next pivots from clock() and time() (ltablib.c, l_randomizePivot). Elements
// the comparator considers equal (orders with the same price) may then end in a different order
// from one run to the next, and so may everything sorted with an inconsistent comparator. This
// version is stable: equal elements keep the order they had, whatever the input. Same arguments
// and errors as Lua's (reference manual, §6.6 "table.sort"), except that an inconsistent
// comparator never raises "invalid order function for sorting": it yields some permutation, the
// same every time. The table is read once and written once, through metamethods like Lua's, and
// left untouched if the comparator raises. Each comparison is charged to the instruction budget.
#include "internal.h"

#include <lauxlib.h>
#include <limits.h>

// Whether a[x] < a[y], where the values are work[x + 1] and work[y + 1] (work at stack index 3).
static int clua_sort_less(lua_State *L, int x, int y) {
    lua_rawgeti(L, 3, x + 1);
    lua_rawgeti(L, 3, y + 1);
    int less;
    if (lua_isnil(L, 2)) {
        less = lua_compare(L, -2, -1, LUA_OPLT);
        lua_pop(L, 2);
    } else {
        lua_pushvalue(L, 2);
        lua_insert(L, -3);
        lua_call(L, 2, 1);
        less = lua_toboolean(L, -1);
        lua_pop(L, 1);
    }
    return less;
}

// Table-like: a table, or a value whose metatable gives what sorting needs (__index, __newindex,
// __len), as Lua's table functions accept.
static void clua_sort_check_table(lua_State *L) {
    if (lua_type(L, 1) == LUA_TTABLE) {
        return;
    }
    if (lua_getmetatable(L, 1)) {
        const char *const needs[] = {"__index", "__newindex", "__len"};
        int has_all = 1;
        for (int i = 0; i < 3; i++) {
            lua_pushstring(L, needs[i]);
            has_all = has_all && lua_rawget(L, -2) != LUA_TNIL;
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
        if (has_all) {
            return;
        }
    }
    luaL_checktype(L, 1, LUA_TTABLE);
}

static int clua_sandbox_sort(lua_State *L) {
    clua_sort_check_table(L);
    lua_Integer n = luaL_len(L, 1);
    if (n <= 1) {
        return 0;
    }
    luaL_argcheck(L, n < INT_MAX, 1, "array too big");
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TFUNCTION);
    }
    lua_settop(L, 2);
    lua_createtable(L, (int)n, 0);  // 3: the values, read once
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, 1, i);
        lua_rawseti(L, 3, i);
    }
    // 4: two index arrays; the merge sort moves indices into the values, never the values.
    int *order = (int *)lua_newuserdatauv(L, 2 * (size_t)n * sizeof(int), 0);
    int *from = order;
    int *to = order + n;
    for (int i = 0; i < (int)n; i++) {
        from[i] = i;
    }
    for (int width = 1; width < (int)n; width *= 2) {
        for (int lo = 0; lo < (int)n; lo += 2 * width) {
            int mid = lo + width < (int)n ? lo + width : (int)n;
            int hi = lo + 2 * width < (int)n ? lo + 2 * width : (int)n;
            int i = lo;
            int j = mid;
            int k = lo;
            while (i < mid && j < hi) {
                // Take from the right run only if strictly less: equal elements keep their order.
                to[k++] = clua_sort_less(L, from[j], from[i]) ? from[j++] : from[i++];
            }
            while (i < mid) {
                to[k++] = from[i++];
            }
            while (j < hi) {
                to[k++] = from[j++];
            }
            clua_budget_charge(L, hi - lo);
        }
        int *swap = from;
        from = to;
        to = swap;
    }
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, 3, from[i - 1] + 1);
        lua_seti(L, 1, i);
    }
    return 0;
}

void clua_open_sort(lua_State *L, int table) {
    lua_pushcfunction(L, clua_sandbox_sort);
    lua_setfield(L, table, "sort");
}
