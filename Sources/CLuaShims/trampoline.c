// SPDX-License-Identifier: Apache-2.0
// Swift functions seen from Lua, and the message handler every host call runs under.
// See include/CLuaShims.h for the contract; callers: LuaBridge only.
#include "CLuaShims.h"
#include "internal.h"

#include <lauxlib.h>

// The Swift function has returned before anything here raises, so the longjmp of lua_error unwinds
// C and Lua frames only (tomsci/LuaSwift does the same in extensions.c).
static int clua_trampoline(lua_State *L) {
    clua_swift_fn fn = (clua_swift_fn)lua_touserdata(L, lua_upvalueindex(1));
    int results = fn(L);
    if (results == CLUA_SWIFT_ERROR) {
        // The error value is a message string: prefix the script's position, as `error` does.
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
        return lua_error(L);
    }
    return results;
}

void clua_push_swift_function(lua_State *L, clua_swift_fn fn, void *context) {
    lua_pushlightuserdata(L, (void *)fn);
    lua_pushlightuserdata(L, context);
    lua_pushcclosure(L, clua_trampoline, 2);
}

void *clua_context(lua_State *L) { return lua_touserdata(L, lua_upvalueindex(2)); }

// Called by Lua at the raise point, before the stack unwinds, so the frames are still there: finds
// the innermost Lua function that has a line (the script's line, not a C function's) and a traceback.
// Memory errors never reach a message handler (manual, §4.4 "lua_pcall"); the host reads them as
// they come.
static int clua_message_handler(lua_State *L) {
    if (lua_type(L, 1) != LUA_TSTRING) {
        luaL_tolstring(L, 1, NULL);  // numbers, booleans, nil, __tostring, or "table: 0x..."
        lua_replace(L, 1);
    }
    lua_settop(L, 1);
    lua_createtable(L, 0, 4);
    lua_pushvalue(L, 1);
    lua_setfield(L, 2, "message");
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar) != 0; level++) {
        if (lua_getinfo(L, "Sl", &ar) != 0 && ar.currentline > 0) {
            lua_pushstring(L, ar.short_src);
            lua_setfield(L, 2, "source");
            lua_pushinteger(L, ar.currentline);
            lua_setfield(L, 2, "line");
            break;
        }
    }
    luaL_traceback(L, L, NULL, 1);
    lua_setfield(L, 2, "traceback");
    return 1;
}

void clua_push_message_handler(lua_State *L) { lua_pushcfunction(L, clua_message_handler); }
