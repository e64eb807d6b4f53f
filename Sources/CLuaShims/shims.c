// SPDX-License-Identifier: Apache-2.0
// See include/CLuaShims.h for what this file provides and why it exists.
#include "CLuaShims.h"
#include <lauxlib.h>

static int clua_trampoline(lua_State *L) {
    clua_swift_fn fn = (clua_swift_fn)lua_touserdata(L, lua_upvalueindex(1));
    int results = fn(L);
    if (results < 0) {
        // The Swift frame has returned: raising here unwinds C and Lua frames only.
        return lua_error(L);
    }
    return results;
}

void clua_push_swift_function(lua_State *L, clua_swift_fn fn, void *context) {
    lua_pushlightuserdata(L, (void *)fn);
    lua_pushlightuserdata(L, context);
    lua_pushcclosure(L, clua_trampoline, 2);
}

void *clua_context(lua_State *L) {
    return lua_touserdata(L, lua_upvalueindex(2));
}

static void clua_budget_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    luaL_error(L, "instruction budget exceeded");
}

void clua_set_instruction_budget(lua_State *L, int count) {
    if (count > 0) {
        lua_sethook(L, clua_budget_hook, LUA_MASKCOUNT, count);
    } else {
        lua_sethook(L, NULL, 0, 0);
    }
}
