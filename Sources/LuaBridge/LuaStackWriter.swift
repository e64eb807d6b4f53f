// SPDX-License-Identifier: Apache-2.0
import CLua
import CLuaShims

/// Pushes ``LuaValue``s onto a Lua stack.
///
/// Only raw sets, with keys checked first (`lua_rawset` raises on a nil or NaN key). The pushes
/// allocate, so run it inside a host section, where the allocator does not fail. On a thrown error
/// the caller restores the stack top.
struct LuaStackWriter {
    let state: OpaquePointer
    let vmID: UInt64
    let maxDepth: Int

    init(state: OpaquePointer, vmID: UInt64, configuration: LuaVM.Configuration) {
        self.state = state
        self.vmID = vmID
        self.maxDepth = configuration.maxConversionDepth
    }

    func push(_ values: [LuaValue]) throws {
        guard lua_checkstack(state, Int32(clamping: values.count + 1)) != 0 else {
            throw LuaError(.bridge, message: "too many values (\(values.count)) for the Lua stack")
        }
        for value in values { try push(value, depth: 0) }
    }

    func push(_ value: LuaValue, depth: Int = 0) throws {
        switch value {
        case .nil: lua_pushnil(state)
        case .boolean(let flag): lua_pushboolean(state, flag ? 1 : 0)
        case .integer(let number): lua_pushinteger(state, number)
        case .number(let number): lua_pushnumber(state, number)
        case .string(let text):
            var text = text
            text.withUTF8 { bytes in _ = lua_pushlstring(state, bytes.baseAddress, bytes.count) }
        case .bytes(let bytes):
            bytes.withUnsafeBufferPointer { buffer in _ = lua_pushlstring(state, buffer.baseAddress, buffer.count) }
        case .array(let elements):
            try enterTable(depth: depth)
            lua_createtable(state, Int32(clamping: elements.count), 0)
            for (offset, element) in elements.enumerated() {
                try push(element, depth: depth + 1)
                lua_rawseti(state, -2, lua_Integer(offset + 1))
            }
        case .dictionary(let fields):
            try enterTable(depth: depth)
            lua_createtable(state, 0, Int32(clamping: fields.count))
            for (key, element) in fields {
                try checkKey(key)
                try push(key, depth: depth + 1)
                try push(element, depth: depth + 1)
                lua_rawset(state, -3)
            }
        case .function(let function):
            guard function.vmID == vmID else {
                throw LuaError(.bridge, message: "a function handle from another Lua VM cannot be used here")
            }
            clua_push_ref(state, function.id)
        }
    }

    private func enterTable(depth: Int) throws {
        guard depth < maxDepth else { throw LuaError(.bridge, message: "tables nested deeper than \(maxDepth)") }
        guard lua_checkstack(state, 3) != 0 else { throw LuaError(.bridge, message: "Lua stack exhausted while pushing a table") }
    }

    private func checkKey(_ key: LuaValue) throws {
        switch key {
        case .boolean, .integer, .string, .bytes: return
        case .number(let number) where !number.isNaN: return
        default: throw LuaError(.bridge, message: "\(key.shortDescription) cannot be a table key")
        }
    }
}
