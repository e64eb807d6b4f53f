// SPDX-License-Identifier: Apache-2.0
import CLua

/// Facts about the Lua runtime RealAlgo embeds (Debian's liblua5.4).
public enum LuaRuntime {
    /// The release string of the linked library, e.g. "Lua 5.4.4".
    public static var version: String { String(cString: clua_release()) }

    /// Runs `chunk` in a fresh, bare state (no standard libraries) and returns its first result as
    /// text, or the error message. A self-check the server runs at start-up: it proves the library
    /// loads and that errors come back through `lua_pcall` instead of aborting the process.
    public static func selfCheck(_ chunk: String = "return 6 * 7") -> Result<String, LuaCheckError> {
        guard let state = luaL_newstate() else { return .failure(LuaCheckError(message: "cannot allocate a Lua state")) }
        defer { lua_close(state) }
        let loaded = luaL_loadbufferx(state, chunk, chunk.utf8.count, "=selfcheck", "t")
        guard loaded == LUA_OK, clua_pcall(state, 0, 1, 0) == LUA_OK else {
            let message = clua_tostring(state, -1).map { String(cString: $0) } ?? "unknown Lua error"
            return .failure(LuaCheckError(message: message))
        }
        return .success(clua_tostring(state, -1).map { String(cString: $0) } ?? "nil")
    }
}

/// A Lua error message from ``LuaRuntime/selfCheck(_:)``.
public struct LuaCheckError: Error, Sendable, Equatable {
    public let message: String
}
