// SPDX-License-Identifier: Apache-2.0
// CLuaShims: the only C code in RealAlgo that may raise a Lua error.
//
// A Lua error is a longjmp. Unwinding a Swift frame that way skips ARC releases and `defer`, and
// can leave the Swift runtime's exclusivity records pointing at a dead frame, so Swift code never
// calls lua_error. Swift functions exposed to Lua return a count of results, or
// CLUA_SWIFT_ERROR with the error value pushed; the trampoline below raises from this C frame.
// Callers: LuaBridge only.
#ifndef CLUA_SHIMS_H
#define CLUA_SHIMS_H

#include <lua.h>

/// Returned by a Swift function bridged to Lua when it pushed an error value instead of results.
#define CLUA_SWIFT_ERROR (-1)

/// A Swift function bridged to Lua: returns the number of results pushed, or CLUA_SWIFT_ERROR.
typedef int (*clua_swift_fn)(lua_State *L);

/// Pushes a Lua C closure that calls `fn`, with `context` (an unretained Swift object) available
/// to it through `clua_context(L)`.
void clua_push_swift_function(lua_State *L, clua_swift_fn fn, void *context);

/// The context pointer of the Swift function currently running (see clua_push_swift_function).
void *clua_context(lua_State *L);

/// Arms (count > 0) or clears (count <= 0) an instruction-count hook that raises
/// "instruction budget exceeded" once `count` VM instructions have run.
void clua_set_instruction_budget(lua_State *L, int count);

#endif
