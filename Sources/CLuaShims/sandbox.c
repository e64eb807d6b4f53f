// SPDX-License-Identifier: Apache-2.0
// The sandbox: which libraries a script sees, its private _ENV, and a `load` that takes text only.
// See include/CLuaShims.h for the contract; callers: LuaBridge only.
#include "CLuaShims.h"
#include "internal.h"

#include <lauxlib.h>
#include <lualib.h>
#include <string.h>

static char clua_template_key;   // registry[&key]: the table every chunk's _ENV is copied from
static char clua_originals_key;  // registry[&key]: Lua's own versions of the functions replaced here

// Base functions a script keeps. Gone: dofile, loadfile (file system), print (stdout of the
// server), warn, and the real load, collectgarbage, setmetatable and xpcall (replaced below).
static const char *const clua_base_names[] = {
    "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "rawequal", "rawget",
    "rawlen", "rawset", "select", "tonumber", "tostring", "type", "_VERSION", NULL,
};

static const char *const clua_os_names[] = {"time", "clock", "date", NULL};

// load(chunk [, chunkname [, mode [, env]]]) for scripts: the chunk must be a string and is always
// loaded as text, because a crafted binary chunk can crash the VM (manual, §4.6 "load"). Without
// `env` the new function sees the _ENV of the chunk that owns this `load` (upvalue 1), never the
// real global table.
static int clua_sandbox_load(lua_State *L) {
    if (lua_type(L, 1) != LUA_TSTRING) {
        luaL_pushfail(L);
        lua_pushliteral(L, "load: only source text (a string) can be loaded in the sandbox");
        return 2;
    }
    size_t length = 0;
    const char *source = lua_tolstring(L, 1, &length);
    const char *chunkname = luaL_optstring(L, 2, source);
    const char *mode = luaL_optstring(L, 3, "bt");
    if (strchr(mode, 't') == NULL) {
        luaL_pushfail(L);
        lua_pushliteral(L, "load: binary chunks are not allowed in the sandbox");
        return 2;
    }
    int has_env = !lua_isnone(L, 4);
    if (luaL_loadbufferx(L, source, length, chunkname, "t") != LUA_OK) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    lua_pushvalue(L, has_env ? 4 : lua_upvalueindex(1));
    if (lua_setupvalue(L, -2, 1) == NULL) {
        lua_pop(L, 1);
    }
    return 1;
}

// collectgarbage limited to "count" and "collect": the other options (stop, step, generational,
// setpause...) let a script change how the host's memory behaves.
static int clua_sandbox_collectgarbage(lua_State *L) {
    const char *option = luaL_optstring(L, 1, "collect");
    if (strcmp(option, "count") == 0) {
        int kilobytes = lua_gc(L, LUA_GCCOUNT);
        int bytes = lua_gc(L, LUA_GCCOUNTB);
        lua_pushnumber(L, (lua_Number)kilobytes + (lua_Number)bytes / 1024.0);
        return 1;
    }
    if (strcmp(option, "collect") == 0) {
        lua_gc(L, LUA_GCCOLLECT);
        lua_pushinteger(L, 0);
        return 1;
    }
    return luaL_error(L, "collectgarbage('%s') is not available in the sandbox (only 'count' and 'collect')", option);
}

// setmetatable without finalizers. Lua runs `__gc` with hooks switched off (lgc.c GCTM), so a
// finalizer that loops could never be stopped by the budget. An object is marked for finalization
// only if its metatable has `__gc` when setmetatable is called (manual, §2.5.3), so refusing it here
// is enough: a `__gc` added to the metatable later is ignored by Lua.
static int clua_sandbox_setmetatable(lua_State *L) {
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL) {
            return luaL_error(L, "setmetatable: __gc metamethods are not allowed in the sandbox");
        }
        lua_pop(L, 1);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

// The message handler xpcall really gets. When the budget hook raises, Lua calls the handler from
// inside the hook, where hooks are off (ldo.c luaD_hook clears allowhook), so a Lua handler that
// loops could not be stopped. Once the call has tripped, the script's handler is skipped and the
// error passes through unchanged; otherwise it runs as usual, hooks on.
static int clua_guarded_handler(lua_State *L) {
    if (clua_control_of(L)->tripped != CLUA_TRIP_NONE) {
        lua_settop(L, 1);
        return 1;
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

// xpcall(f, msgh, ...): the real xpcall (upvalue 1) with msgh wrapped by clua_guarded_handler.
static int clua_sandbox_xpcall(lua_State *L) {
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, clua_guarded_handler, 1);
    lua_replace(L, 2);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

static void clua_copy_fields(lua_State *L, int from, int to, const char *const *names) {
    for (int i = 0; names[i] != NULL; i++) {
        lua_getfield(L, from, names[i]);
        lua_setfield(L, to, names[i]);
    }
}

// Runs under lua_pcall (it allocates). Arguments: has_seed (boolean), seed (integer).
static int clua_open_sandbox_protected(lua_State *L) {
    int has_seed = lua_toboolean(L, 1);
    lua_Integer seed = lua_tointeger(L, 2);
    lua_settop(L, 0);
    luaL_requiref(L, LUA_GNAME, luaopen_base, 0);         // 1: the real globals
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 0);  // 2
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 0);   // 3
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 0);   // 4
    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 0);   // 5
    luaL_requiref(L, LUA_OSLIBNAME, luaopen_os, 0);       // 6

    // Replaced for determinism and for the budget (see each file); Lua's own are kept for
    // clua_expose_originals. The string functions go into the library table itself, so the string
    // metatable's __index (that same table) serves them to `s:find(...)` too.
    lua_newtable(L);
    const struct {
        int library;
        const char *name;
    } replaced[] = {
        {2, "find"}, {2, "match"}, {2, "gmatch"}, {2, "gsub"},  // pattern_lib.c
        {1, "pairs"},                                           // pairs.c
        {3, "sort"},                                            // sort.c
        {6, "time"}, {6, "date"}, {6, "clock"},                 // clock.c
    };
    for (size_t i = 0; i < sizeof(replaced) / sizeof(replaced[0]); i++) {
        lua_getfield(L, replaced[i].library, replaced[i].name);
        lua_setfield(L, -2, replaced[i].name);
    }
    lua_rawsetp(L, LUA_REGISTRYINDEX, &clua_originals_key);
    clua_open_patterns(L, 2);
    clua_open_pairs(L, 1);
    clua_open_sort(L, 3);
    clua_open_clock(L, 6);

    lua_newtable(L);  // 7: the template
    clua_copy_fields(L, 1, 7, clua_base_names);
    lua_pushcfunction(L, clua_sandbox_collectgarbage);
    lua_setfield(L, 7, "collectgarbage");
    lua_getfield(L, 1, "setmetatable");
    lua_pushcclosure(L, clua_sandbox_setmetatable, 1);
    lua_setfield(L, 7, "setmetatable");
    lua_getfield(L, 1, "xpcall");
    lua_pushcclosure(L, clua_sandbox_xpcall, 1);
    lua_setfield(L, 7, "xpcall");

    // Removed from the library itself, so the string metatable's __index does not offer it either.
    lua_pushnil(L);
    lua_setfield(L, 2, "dump");
    lua_pushvalue(L, 2);
    lua_setfield(L, 7, LUA_STRLIBNAME);
    lua_pushvalue(L, 3);
    lua_setfield(L, 7, LUA_TABLIBNAME);
    lua_pushvalue(L, 5);
    lua_setfield(L, 7, LUA_UTF8LIBNAME);

    if (has_seed) {
        lua_getfield(L, 4, "randomseed");
        lua_pushinteger(L, seed);
        lua_call(L, 1, 0);
        // A script reseeding (with no argument: from the clock) would break replays.
        lua_pushnil(L);
        lua_setfield(L, 4, "randomseed");
    }
    lua_pushvalue(L, 4);
    lua_setfield(L, 7, LUA_MATHLIBNAME);

    lua_newtable(L);
    clua_copy_fields(L, 6, lua_gettop(L), clua_os_names);
    lua_setfield(L, 7, LUA_OSLIBNAME);

    // Strings share one metatable whose __index is the real string table; hide it, so one chunk
    // cannot change string methods under another.
    lua_pushliteral(L, "");
    if (lua_getmetatable(L, -1)) {
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, "__metatable");
        lua_pop(L, 1);
    }
    lua_pop(L, 1);

    lua_pushvalue(L, 7);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &clua_template_key);
    // Nothing may reach the unrestricted functions: the real global table is replaced by an empty one.
    lua_newtable(L);
    lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    return 0;
}

int clua_open_sandbox(lua_State *L, int has_seed, int64_t seed) {
    lua_pushcfunction(L, clua_open_sandbox_protected);
    lua_pushboolean(L, has_seed);
    lua_pushinteger(L, (lua_Integer)seed);
    return lua_pcall(L, 2, 0, 0);
}

static int clua_expose_originals_protected(lua_State *L) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &clua_template_key);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &clua_originals_key);
    lua_setfield(L, -2, "_LUA_ORIGINAL");
    return 0;
}

int clua_expose_originals(lua_State *L) {
    lua_pushcfunction(L, clua_expose_originals_protected);
    return lua_pcall(L, 0, 0, 0);
}

// Pushes a shallow copy of the table at `index`.
static void clua_push_copy(lua_State *L, int index) {
    index = lua_absindex(L, index);
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, index) != 0) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
}

// Runs under lua_pcall. Argument 1: the loaded chunk. Gives it a new _ENV: a copy of the template
// in which every library table is itself a copy, so a chunk that changes `string.format` or
// `math.floor` changes only its own. Returns the refs of the chunk and of its _ENV.
static int clua_prepare_chunk(lua_State *L) {
    lua_newtable(L);  // 2: env
    lua_rawgetp(L, LUA_REGISTRYINDEX, &clua_template_key);  // 3
    lua_pushnil(L);
    while (lua_next(L, 3) != 0) {
        if (lua_type(L, -1) == LUA_TTABLE) {
            clua_push_copy(L, -1);
            lua_replace(L, -2);
        }
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, 2);
    }
    lua_pushvalue(L, 2);
    lua_setfield(L, 2, LUA_GNAME);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, clua_sandbox_load, 1);
    lua_setfield(L, 2, "load");
    // A main chunk has exactly one upvalue, _ENV (manual, §4.4 "lua_load").
    lua_pushvalue(L, 2);
    if (lua_setupvalue(L, 1, 1) == NULL) {
        lua_pop(L, 1);
    }
    lua_pushvalue(L, 1);
    lua_Integer function_ref = clua_refs_append(L);
    lua_pushvalue(L, 2);
    lua_Integer env_ref = clua_refs_append(L);
    lua_pushinteger(L, function_ref);
    lua_pushinteger(L, env_ref);
    return 2;
}

int clua_load_chunk(lua_State *L, const char *source, size_t length, const char *chunkname, int *function_ref,
                    int *env_ref) {
    int status = luaL_loadbufferx(L, source, length, chunkname, "t");
    if (status != LUA_OK) {
        return status;
    }
    lua_pushcfunction(L, clua_prepare_chunk);
    lua_insert(L, -2);
    status = lua_pcall(L, 1, 2, 0);
    if (status != LUA_OK) {
        return status;
    }
    *function_ref = (int)lua_tointeger(L, -2);
    *env_ref = (int)lua_tointeger(L, -1);
    lua_pop(L, 2);
    return LUA_OK;
}
