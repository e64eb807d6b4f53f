// SPDX-License-Identifier: Apache-2.0
// An array in the registry holding what Swift keeps handles to (chunks, their _ENV, functions).
// Raw accesses only, so nothing here raises except on allocation failure; callers from Swift run
// in a host section, where allocation does not fail. Callers: LuaBridge and sandbox.c.
#include "CLuaShims.h"
#include "internal.h"

#include <lauxlib.h>

static char clua_refs_key;       // registry[&key]: id -> value
static char clua_functions_key;  // registry[&key]: function -> id, so a function is stored once

static void clua_push_registry_table(lua_State *L, void *key) {
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, key) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, key);
    }
}

int clua_refs_append(lua_State *L) {
    clua_push_registry_table(L, &clua_refs_key);
    lua_Integer id = (lua_Integer)lua_rawlen(L, -1) + 1;
    lua_insert(L, -2);
    lua_rawseti(L, -2, id);
    lua_pop(L, 1);
    return (int)id;
}

int clua_ref(lua_State *L) { return clua_refs_append(L); }

int clua_ref_function(lua_State *L, int index) {
    index = lua_absindex(L, index);
    clua_push_registry_table(L, &clua_functions_key);
    lua_pushvalue(L, index);
    if (lua_rawget(L, -2) == LUA_TNUMBER) {
        int id = (int)lua_tointeger(L, -1);
        lua_pop(L, 2);
        return id;
    }
    lua_pop(L, 1);
    lua_pushvalue(L, index);
    int id = clua_refs_append(L);
    lua_pushvalue(L, index);
    lua_pushinteger(L, id);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    return id;
}

void clua_push_ref(lua_State *L, int id) {
    clua_push_registry_table(L, &clua_refs_key);
    lua_rawgeti(L, -1, id);
    lua_remove(L, -2);
}
