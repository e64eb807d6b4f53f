// SPDX-License-Identifier: Apache-2.0
// os.time, os.date and os.clock for the sandbox, reading the host's simulated clock when one is set
// (clua_set_clock), so that a backtest sees the time of the bar it replays, not the wall clock.
// Callers: LuaBridge (clua_set_clock) and sandbox.c (clua_open_clock).
//
// With a clock set:
//   - os.time() is the clock's time, rounded down to whole seconds; os.time(table) is unchanged
//     (it converts a date, it does not read the clock);
//   - os.date(format) formats the clock's time; os.date(format, t) is unchanged;
//   - os.clock() returns the clock's time as a float (seconds, with fractions): a deterministic
//     stand-in for CPU time, whose differences measure simulated time.
// Without one, all three are Lua's own. The clock function is called with no Lua error possible
// under it; only after it has returned may these functions raise (for a value that is not a time).
#include "internal.h"

#include <lauxlib.h>
#include <math.h>

void clua_set_clock(lua_State *L, clua_clock_fn fn, void *context) {
    clua_control *c = clua_control_of(L);
    c->clock_fn = fn;
    c->clock_context = context;
}

// The simulated time in seconds, or raises if the host's clock gave something that is not a time.
static double clua_clock_now(lua_State *L, clua_control *c) {
    double now = c->clock_fn(c->clock_context);
    // The range of a 64-bit integer, which is what os.time returns.
    if (!(now >= -9.2233720368547758e18 && now < 9.2233720368547758e18)) {
        luaL_error(L, "the host's simulated clock gave an invalid time");
    }
    return now;
}

// Calls the original function (upvalue 1) with the arguments as they are.
static int clua_clock_original(lua_State *L) {
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

static int clua_sandbox_time(lua_State *L) {
    clua_control *c = clua_control_of(L);
    if (c->clock_fn == NULL || !lua_isnoneornil(L, 1)) {
        return clua_clock_original(L);
    }
    lua_pushinteger(L, (lua_Integer)floor(clua_clock_now(L, c)));
    return 1;
}

static int clua_sandbox_date(lua_State *L) {
    clua_control *c = clua_control_of(L);
    if (c->clock_fn == NULL || !lua_isnoneornil(L, 2)) {
        return clua_clock_original(L);
    }
    lua_Integer now = (lua_Integer)floor(clua_clock_now(L, c));
    lua_settop(L, 1);  // the format, or nil for the default
    lua_pushinteger(L, now);
    return clua_clock_original(L);
}

static int clua_sandbox_clock(lua_State *L) {
    clua_control *c = clua_control_of(L);
    if (c->clock_fn == NULL) {
        return clua_clock_original(L);
    }
    lua_pushnumber(L, (lua_Number)clua_clock_now(L, c));
    return 1;
}

void clua_open_clock(lua_State *L, int os) {
    static const luaL_Reg functions[] = {
        {"time", clua_sandbox_time},
        {"date", clua_sandbox_date},
        {"clock", clua_sandbox_clock},
        {NULL, NULL},
    };
    for (const luaL_Reg *f = functions; f->name != NULL; f++) {
        lua_getfield(L, os, f->name);
        lua_pushcclosure(L, f->func, 1);
        lua_setfield(L, os, f->name);
    }
}
