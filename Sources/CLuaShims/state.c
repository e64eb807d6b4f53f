// SPDX-License-Identifier: Apache-2.0
// The state: capped allocator, the budget/cancellation hook and host sections.
// See include/CLuaShims.h for the contract; callers: LuaBridge only.
#include "CLuaShims.h"
#include "internal.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

clua_control *clua_control_of(lua_State *L) {
    void *ud = NULL;
    (void)lua_getallocf(L, &ud);
    return (clua_control *)ud;
}

// Charges at least this large also check the clock and cancellation (clua_budget_charge).
#define CLUA_CHARGE_CHECK_UNITS 1024

static int64_t clua_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

// The manual (lua_Alloc): when ptr is NULL, osize encodes the kind of object, not a size; Lua
// assumes that shrinking never fails, so only growth is checked against the cap.
static void *clua_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    clua_control *c = (clua_control *)ud;
    size_t old = ptr != NULL ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        c->used -= old;
        return NULL;
    }
    if (nsize > old && c->host_sections == 0) {
        size_t grow = nsize - old;
        if (c->used > c->limit || grow > c->limit - c->used) {
            c->refused++;
            return NULL;  // Lua runs an emergency collection, retries, then raises LUA_ERRMEM
        }
    }
    void *block = realloc(ptr, nsize);
    if (block == NULL) {
        c->refused++;
        return NULL;
    }
    c->used = c->used - old + nsize;
    return block;
}

static int clua_panic(lua_State *L) {
    // Reached only if a raise escapes every protected call: a LuaBridge bug. Lua aborts next.
    const char *message = lua_tostring(L, -1);
    fprintf(stderr, "LuaBridge: unprotected Lua error (a bug): %s\n", message != NULL ? message : "?");
    return 0;
}

static const char *clua_trip_message(int tripped) {
    switch (tripped) {
    case CLUA_TRIP_TIME: return "execution time budget exceeded";
    case CLUA_TRIP_INSTRUCTIONS: return "instruction budget exceeded";
    case CLUA_TRIP_PATTERN_STEPS: return "pattern matching step limit exceeded";
    default: return "cancelled by the host";
    }
}

const char *clua_trip_reason(int tripped) { return clua_trip_message(tripped); }

int clua_budget_check(clua_control *c) {
    if (c->cancel != NULL && atomic_load_explicit(c->cancel, memory_order_relaxed) != 0) {
        return CLUA_TRIP_CANCELLED;
    }
    if (c->instruction_limit > 0 && c->instructions >= c->instruction_limit) {
        return CLUA_TRIP_INSTRUCTIONS;
    }
    if (c->deadline_ns > 0 && clua_now_ns() >= c->deadline_ns) {
        return CLUA_TRIP_TIME;
    }
    return CLUA_TRIP_NONE;
}

// Runs every `hook_count` instructions. Once a budget trips it re-arms itself to run at every
// instruction and raises each time, until the outermost host call returns: a `pcall` in the script
// can catch one raise, but the very next instruction of its caller raises again (Redis switches to a
// line hook for the same reason, script_lua.c luaMaskCountHook).
static void clua_hook(lua_State *L, lua_Debug *ar) {
    clua_control *c = clua_control_of(L);
    if (c->tripped == CLUA_TRIP_NONE) {
        if (c->depth == 0) {
            return;  // no host call is running: nothing to budget
        }
        c->instructions += c->hook_count;
        c->tripped = clua_budget_check(c);
        if (c->tripped == CLUA_TRIP_NONE) {
            if (lua_gethookcount(L) != c->hook_count) {
                lua_sethook(L, clua_hook, LUA_MASKCOUNT, c->hook_count);  // leftover from a trip
            }
            return;
        }
    }
    lua_sethook(L, clua_hook, LUA_MASKCOUNT, 1);
    const char *reason = clua_trip_message(c->tripped);
    if (lua_getinfo(L, "Sl", ar) != 0 && ar->currentline > 0) {
        lua_pushfstring(L, "%s:%d: %s", ar->short_src, ar->currentline, reason);
    } else {
        lua_pushstring(L, reason);
    }
    lua_error(L);
}

int clua_budget_trip(lua_State *L, int reason) {
    clua_control *c = clua_control_of(L);
    if (c->tripped == CLUA_TRIP_NONE) {
        c->tripped = reason;
    }
    // The same re-arming as the hook's: from the next instruction on, every instruction raises.
    lua_sethook(L, clua_hook, LUA_MASKCOUNT, 1);
    return luaL_error(L, "%s", clua_trip_message(c->tripped));
}

void clua_budget_charge(lua_State *L, int64_t units) {
    clua_control *c = clua_control_of(L);
    if (c->depth == 0) {
        return;
    }
    c->instructions += units;
    // Small charges only check the instruction limit; the hook reads the clock soon enough.
    int over = c->instruction_limit > 0 && c->instructions >= c->instruction_limit;
    if (units < CLUA_CHARGE_CHECK_UNITS && !over && c->tripped == CLUA_TRIP_NONE) {
        return;
    }
    int reason = c->tripped != CLUA_TRIP_NONE ? c->tripped : clua_budget_check(c);
    if (reason != CLUA_TRIP_NONE) {
        clua_budget_trip(L, reason);
    }
}

void clua_set_pattern_step_limit(lua_State *L, int64_t limit) {
    clua_control_of(L)->pattern_step_limit = limit > 0 ? limit : 0;
}

void *clua_flag_new(void) {
    atomic_int *flag = malloc(sizeof(atomic_int));
    if (flag != NULL) {
        atomic_init(flag, 0);
    }
    return flag;
}

void clua_flag_free(void *flag) { free(flag); }

void clua_flag_set(void *flag, int value) {
    if (flag != NULL) {
        atomic_store_explicit((atomic_int *)flag, value, memory_order_relaxed);
    }
}

int clua_flag_get(void *flag) {
    return flag != NULL ? atomic_load_explicit((atomic_int *)flag, memory_order_relaxed) : 0;
}

lua_State *clua_newstate(size_t memory_limit, int hook_count, void *cancel_flag) {
    clua_control *c = calloc(1, sizeof(clua_control));
    if (c == NULL) {
        return NULL;
    }
    c->limit = memory_limit;
    c->hook_count = hook_count > 0 ? hook_count : 1000;
    c->cancel = (atomic_int *)cancel_flag;
    c->pattern_step_limit = 10000000;
    lua_State *L = lua_newstate(clua_alloc, c);
    if (L == NULL) {
        free(c);
        return NULL;
    }
    lua_atpanic(L, clua_panic);
    // Installed once and kept: threads created later inherit it (lua_newthread copies the hook).
    lua_sethook(L, clua_hook, LUA_MASKCOUNT, c->hook_count);
    return L;
}

void clua_close(lua_State *L) {
    clua_control *c = clua_control_of(L);
    // No budget can apply here: Lua runs finalizers with hooks off, which is why the sandbox
    // refuses `__gc` (sandbox.c clua_sandbox_setmetatable).
    lua_close(L);
    free(c);
}

size_t clua_memory_used(lua_State *L) { return clua_control_of(L)->used; }

size_t clua_memory_limit(lua_State *L) { return clua_control_of(L)->limit; }

void clua_host_enter(lua_State *L) { clua_control_of(L)->host_sections++; }

void clua_host_leave(lua_State *L) { clua_control_of(L)->host_sections--; }

int clua_call_begin(lua_State *L, int64_t time_budget_ns, int64_t instruction_limit) {
    clua_control *c = clua_control_of(L);
    int suspended = c->host_sections;
    c->host_sections = 0;
    if (c->depth == 0) {
        c->tripped = CLUA_TRIP_NONE;
        c->refused = 0;
        c->instructions = 0;
        c->instruction_limit = instruction_limit > 0 ? instruction_limit : 0;
        c->deadline_ns = time_budget_ns > 0 ? clua_now_ns() + time_budget_ns : 0;
    }
    c->depth++;
    return suspended;
}

int clua_call_end(lua_State *L, int suspended_host_sections, int *refused) {
    clua_control *c = clua_control_of(L);
    int tripped = c->tripped;
    if (refused != NULL) {
        *refused = c->refused;
    }
    c->depth--;
    c->host_sections = suspended_host_sections;
    if (c->depth == 0) {
        c->tripped = CLUA_TRIP_NONE;
        c->deadline_ns = 0;
        c->instruction_limit = 0;
        c->refused = 0;
        lua_sethook(L, clua_hook, LUA_MASKCOUNT, c->hook_count);
    }
    return tripped;
}
