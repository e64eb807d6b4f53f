// SPDX-License-Identifier: Apache-2.0
// CLua: the system Lua 5.4 (Debian's liblua5.4-dev, pkg-config lua5.4) as a Swift module.
//
// Swift cannot import Lua's function-like macros or variadic functions, so each one we use is
// re-exported here as a `static inline` function with a `clua_` prefix. Nothing in this header
// raises a Lua error by itself; code that must raise lives in CLuaShims. Only LuaBridge imports this.
#ifndef CLUA_SHIM_H
#define CLUA_SHIM_H

#include <lua.h>
#include <lualib.h>
#include <lauxlib.h>

static inline int clua_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline int clua_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline int clua_multret(void) { return LUA_MULTRET; }
static inline void clua_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline int clua_pcall(lua_State *L, int nargs, int nresults, int msgh) {
    return lua_pcall(L, nargs, nresults, msgh);
}
static inline const char *clua_tostring(lua_State *L, int idx) { return lua_tostring(L, idx); }
static inline lua_Number clua_tonumber(lua_State *L, int idx) { return lua_tonumber(L, idx); }
static inline lua_Integer clua_tointeger(lua_State *L, int idx) { return lua_tointeger(L, idx); }
static inline int clua_isnoneornil(lua_State *L, int idx) { return lua_isnoneornil(L, idx); }
static inline void clua_newtable(lua_State *L) { lua_newtable(L); }
static inline const char *clua_release(void) { return LUA_RELEASE; }
static inline int clua_version_num(void) { return LUA_VERSION_NUM; }

#endif
