// SPDX-License-Identifier: Apache-2.0
// The sandbox's `pairs`: the same order in every process, so that a backtest replayed from the same
// inputs places the same orders in the same sequence. Callers: sandbox.c (clua_open_pairs) only.
//
// Lua's own `pairs` returns `next`, whose order follows the table's hash layout, and Lua seeds its
// string hashes per state from addresses and the clock (lstate.c, luai_makeseed): two processes, or
// two VMs in one process, visit the same string keys in different orders. This `pairs` takes a
// snapshot of the keys when the loop starts and visits them in a fixed order:
//   1. the sequence 1, 2, 3... up to the first absent integer key, in order;
//   2. the other keys sorted: false, true; then numbers ascending (integers and floats compared by
//      value); then strings, bytewise (shorter first on a common prefix);
//   3. keys that have no order independent of addresses (tables, functions, userdata) last, in an
//      unspecified order.
// A key whose value has become nil by the time the loop reaches it is skipped, so the loop body may
// assign or clear existing fields, as Lua allows with `next`. Keys added during the loop are not
// visited. The snapshot costs O(n log n) once per loop, each step O(1); the keys are charged to the
// instruction budget (one instruction each).
//
// `__pairs` is honoured as in Lua 5.4 (§6.1 "pairs"): a table or userdata whose metatable has it
// iterates as that metamethod says. `next` itself stays Lua's (see docs/LUA-STRATEGIES.md).
#include "internal.h"

#include <lauxlib.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

enum { CLUA_KEY_BOOLEAN, CLUA_KEY_NUMBER, CLUA_KEY_STRING, CLUA_KEY_UNORDERED };

// A key as the sort sees it; lives only while the snapshot is built.
typedef struct clua_key {
    int rank;  // CLUA_KEY_*
    int is_float;
    union {
        lua_Integer integer;  // booleans as 0 and 1
        lua_Number number;
        struct {
            const char *bytes;  // valid while the key table holds the string
            size_t length;
            uint64_t head;  // the first 8 bytes, big-endian, zero-padded: most comparisons stop here
        } string;
    } as;
} clua_key;

// The state of one loop: a full userdata, upvalue 3 of the iterator.
typedef struct clua_snapshot {
    lua_Integer sequence;  // keys 1...sequence come first
    lua_Integer count;     // then the key table's entries order[0] + 1, order[1] + 1...
    lua_Integer next;      // position in 0 ..< sequence + count
    int order[];
} clua_snapshot;

// -1, 0 or 1 as i is less than, equal to or greater than f (f is never NaN: NaN is not a valid key).
static int clua_compare_integer_float(lua_Integer i, lua_Number f) {
    if (f >= 9223372036854775808.0) {  // 2^63: above every integer
        return -1;
    }
    if (f < -9223372036854775808.0) {
        return 1;
    }
    lua_Number whole = floor(f);  // exact, and in the integer range
    lua_Integer w = (lua_Integer)whole;
    if (i != w) {
        return i < w ? -1 : 1;
    }
    return whole == f ? 0 : -1;
}

static int clua_compare_keys(const clua_key *a, const clua_key *b) {
    if (a->rank != b->rank) {
        return a->rank < b->rank ? -1 : 1;
    }
    switch (a->rank) {
    case CLUA_KEY_BOOLEAN: return (int)(a->as.integer - b->as.integer);
    case CLUA_KEY_NUMBER:
        if (!a->is_float && !b->is_float) {
            return a->as.integer < b->as.integer ? -1 : a->as.integer > b->as.integer;
        }
        if (a->is_float && b->is_float) {
            return a->as.number < b->as.number ? -1 : a->as.number > b->as.number;
        }
        if (!a->is_float) {
            return clua_compare_integer_float(a->as.integer, b->as.number);
        }
        return -clua_compare_integer_float(b->as.integer, a->as.number);
    case CLUA_KEY_STRING: {
        if (a->as.string.head != b->as.string.head) {
            return a->as.string.head < b->as.string.head ? -1 : 1;
        }
        // Equal heads: the first min(8, length) bytes agree, so when either string is that short it
        // is a prefix of the other.
        size_t la = a->as.string.length;
        size_t lb = b->as.string.length;
        size_t common = la < lb ? la : lb;
        if (common > 8) {
            int order = memcmp(a->as.string.bytes + 8, b->as.string.bytes + 8, common - 8);
            if (order != 0) {
                return order;
            }
        }
        return la < lb ? -1 : la > lb;
    }
    default: return 0;  // no order: the stable sort keeps them as `next` gave them
    }
}

static uint64_t clua_string_head(const char *bytes, size_t length) {
    uint64_t head = 0;
    for (size_t i = 0; i < 8; i++) {
        head = (head << 8) | (i < length ? (unsigned char)bytes[i] : 0);
    }
    return head;
}

#define CLUA_SORT_RUN 8  // runs sorted by insertion before merging

// Sorts order[0 ..< n], indices into keys, stably; scratch[0 ..< n] is room. A merge sort: O(n log n)
// in every case, and no allocation outside Lua's allocator (qsort may call malloc, past the cap).
static void clua_sort_order(const clua_key *keys, int *order, int *scratch, int n) {
    for (int lo = 0; lo < n; lo += CLUA_SORT_RUN) {
        int hi = lo + CLUA_SORT_RUN < n ? lo + CLUA_SORT_RUN : n;
        for (int i = lo + 1; i < hi; i++) {
            int moving = order[i];
            int j = i;
            for (; j > lo && clua_compare_keys(&keys[moving], &keys[order[j - 1]]) < 0; j--) {
                order[j] = order[j - 1];
            }
            order[j] = moving;
        }
    }
    int *from = order;
    int *to = scratch;
    for (int width = CLUA_SORT_RUN; width < n; width *= 2) {
        for (int lo = 0; lo < n; lo += 2 * width) {
            int mid = lo + width < n ? lo + width : n;
            int hi = lo + 2 * width < n ? lo + 2 * width : n;
            int i = lo;
            int j = mid;
            int k = lo;
            while (i < mid && j < hi) {
                // From the right run only if strictly less: equal keys keep their order.
                to[k++] = clua_compare_keys(&keys[from[j]], &keys[from[i]]) < 0 ? from[j++] : from[i++];
            }
            while (i < mid) {
                to[k++] = from[i++];
            }
            while (j < hi) {
                to[k++] = from[j++];
            }
        }
        int *swap = from;
        from = to;
        to = swap;
    }
    if (from != order) {
        memcpy(order, from, (size_t)n * sizeof(int));
    }
}

static int clua_in_sequence(lua_State *L, int index, lua_Integer sequence) {
    if (!lua_isinteger(L, index)) {
        return 0;
    }
    lua_Integer i = lua_tointeger(L, index);
    return i >= 1 && i <= sequence;
}

// Reads entry `slot` of the key table (stack index 2) into `key`.
static void clua_read_key(lua_State *L, lua_Integer slot, clua_key *key) {
    key->is_float = 0;
    switch (lua_rawgeti(L, 2, slot)) {
    case LUA_TBOOLEAN:
        key->rank = CLUA_KEY_BOOLEAN;
        key->as.integer = lua_toboolean(L, -1);
        break;
    case LUA_TNUMBER:
        key->rank = CLUA_KEY_NUMBER;
        if (lua_isinteger(L, -1)) {
            key->as.integer = lua_tointeger(L, -1);
        } else {
            key->is_float = 1;
            key->as.number = lua_tonumber(L, -1);
        }
        break;
    case LUA_TSTRING:
        key->rank = CLUA_KEY_STRING;
        key->as.string.bytes = lua_tolstring(L, -1, &key->as.string.length);
        key->as.string.head = clua_string_head(key->as.string.bytes, key->as.string.length);
        break;
    default: key->rank = CLUA_KEY_UNORDERED; break;
    }
    lua_pop(L, 1);
}

// The iterator. Upvalues: the table, the key table, the snapshot. Ignores its arguments (the
// position lives in the snapshot), so `for k, v in pairs(t)` needs nothing else.
static int clua_pairs_next(lua_State *L) {
    clua_snapshot *snapshot = (clua_snapshot *)lua_touserdata(L, lua_upvalueindex(3));
    while (snapshot->next < snapshot->sequence + snapshot->count) {
        lua_Integer position = snapshot->next++;
        if (position < snapshot->sequence) {
            lua_pushinteger(L, position + 1);
            if (lua_rawgeti(L, lua_upvalueindex(1), position + 1) != LUA_TNIL) {
                return 2;
            }
        } else {
            lua_rawgeti(L, lua_upvalueindex(2), snapshot->order[position - snapshot->sequence] + 1);
            lua_pushvalue(L, -1);
            if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) {
                return 2;
            }
        }
        lua_pop(L, 2);  // cleared since the loop started: skip it
    }
    lua_pushnil(L);
    return 1;
}

// pairs(t): returns the iterator, t and nil, like Lua's.
static int clua_sandbox_pairs(lua_State *L) {
    if (luaL_getmetafield(L, 1, "__pairs") != LUA_TNIL) {
        lua_pushvalue(L, 1);
        lua_call(L, 1, 3);
        return 3;
    }
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    lua_Integer sequence = 0;
    while (lua_rawgeti(L, 1, sequence + 1) != LUA_TNIL) {
        lua_pop(L, 1);
        sequence++;
    }
    lua_pop(L, 1);
    // One pass of lua_next (each step looks the previous key up again: the costly part) copies the
    // other keys into a key table; everything after reads that table's array part.
    lua_newtable(L);  // 2: the keys
    lua_Integer count = 0;
    lua_pushnil(L);
    while (lua_next(L, 1) != 0) {
        lua_pop(L, 1);
        if (!clua_in_sequence(L, -1, sequence)) {
            lua_pushvalue(L, -1);
            lua_rawseti(L, 2, ++count);
        }
    }
    luaL_argcheck(L, count < INT32_MAX, 1, "table too big to iterate");
    clua_snapshot *snapshot = (clua_snapshot *)lua_newuserdatauv(L, sizeof(clua_snapshot) + (size_t)count * sizeof(int), 0);
    snapshot->sequence = sequence;
    snapshot->count = count;
    snapshot->next = 0;
    if (count > 1) {
        // Scratch, garbage once sorted: the keys as the sort sees them, and room for the merge.
        clua_key *keys = (clua_key *)lua_newuserdatauv(L, (size_t)count * (sizeof(clua_key) + sizeof(int)), 0);
        int *room = (int *)(keys + count);
        for (lua_Integer i = 0; i < count; i++) {
            clua_read_key(L, i + 1, &keys[i]);
            snapshot->order[i] = (int)i;
        }
        clua_sort_order(keys, snapshot->order, room, (int)count);
        lua_pop(L, 1);
    } else if (count == 1) {
        snapshot->order[0] = 0;
    }
    clua_budget_charge(L, sequence + count);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 3);
    lua_pushcclosure(L, clua_pairs_next, 3);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

void clua_open_pairs(lua_State *L, int base) {
    lua_pushcfunction(L, clua_sandbox_pairs);
    lua_setfield(L, base, "pairs");
}
