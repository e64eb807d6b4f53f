// SPDX-License-Identifier: Apache-2.0
import CLua
import CLuaShims

/// Copies values from a Lua stack into ``LuaValue``s.
///
/// Uses only calls that cannot raise: type tests, `lua_to*` on values of the matching type (so
/// `lua_tolstring` never converts a number in place, which would also break `lua_next`), raw
/// `lua_next`, and refs made in a host section. Run it inside a host section.
struct LuaStackReader {
    let state: OpaquePointer
    let vmID: UInt64
    let maxDepth: Int
    let maxValues: Int
    private var copied = 0
    private var path: Set<UnsafeRawPointer> = []

    init(state: OpaquePointer, vmID: UInt64, configuration: LuaVM.Configuration) {
        self.state = state
        self.vmID = vmID
        self.maxDepth = configuration.maxConversionDepth
        self.maxValues = configuration.maxConversionValues
    }

    /// The values at stack slots `first...last` (absolute indices).
    mutating func values(from first: Int32, through last: Int32) throws -> [LuaValue] {
        guard first <= last else { return [] }
        return try (first...last).map { try value(at: $0, depth: 0, where: "value #\($0 - first + 1)") }
    }

    mutating func value(at index: Int32) throws -> LuaValue {
        try value(at: lua_absindex(state, index), depth: 0, where: "value")
    }

    private mutating func value(at index: Int32, depth: Int, where location: @autoclosure () -> String) throws -> LuaValue {
        copied += 1
        guard copied <= maxValues else {
            throw LuaError(.bridge, message: "more than \(maxValues) values to copy from Lua (at \(location()))")
        }
        switch lua_type(state, index) {
        case LUA_TNIL, LUA_TNONE:
            return .nil
        case LUA_TBOOLEAN:
            return .boolean(lua_toboolean(state, index) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(state, index) != 0 { return .integer(lua_tointegerx(state, index, nil)) }
            return .number(lua_tonumberx(state, index, nil))
        case LUA_TSTRING:
            return string(at: index)
        case LUA_TTABLE:
            return try table(at: index, depth: depth, where: location())
        case LUA_TFUNCTION:
            return .function(LuaFunctionRef(vmID: vmID, id: clua_ref_function(state, index)))
        case let type:
            let name = String(cString: lua_typename(state, type))
            throw LuaError(.bridge, message: "a Lua \(name) cannot be copied to Swift (at \(location()))")
        }
    }

    private func string(at index: Int32) -> LuaValue {
        var length = 0
        guard let pointer = lua_tolstring(state, index, &length) else { return .string("") }
        let bytes = UnsafeRawBufferPointer(start: pointer, count: length)
        if let text = String(validating: bytes, as: UTF8.self) { return .string(text) }
        return .bytes(Array(bytes))
    }

    private mutating func table(at index: Int32, depth: Int, where location: String) throws -> LuaValue {
        guard depth < maxDepth else {
            throw LuaError(.bridge, message: "tables nested deeper than \(maxDepth) (at \(location))")
        }
        guard let identity = lua_topointer(state, index) else { return .nil }
        guard path.insert(identity).inserted else {
            throw LuaError(.bridge, message: "a table contains itself (at \(location)); cycles cannot be copied")
        }
        defer { path.remove(identity) }
        guard lua_checkstack(state, 3) != 0 else {
            throw LuaError(.bridge, message: "Lua stack exhausted while copying a table (at \(location))")
        }
        var pairs: [(LuaValue, LuaValue)] = []
        lua_pushnil(state)
        while lua_next(state, index) != 0 {
            let top = lua_gettop(state)
            let key = try self.key(at: top - 1, where: location)
            let value = try value(at: top, depth: depth + 1, where: "\(location)[\(key.shortDescription)]")
            pairs.append((key, value))
            lua_settop(state, top - 1)
        }
        return Self.table(from: pairs)
    }

    private mutating func key(at index: Int32, where location: String) throws -> LuaValue {
        switch lua_type(state, index) {
        case LUA_TBOOLEAN, LUA_TNUMBER, LUA_TSTRING:
            return try value(at: index, depth: 0, where: location)
        case let type:
            let name = String(cString: lua_typename(state, type))
            throw LuaError(.bridge, message: "a table key of type \(name) cannot be copied to Swift (at \(location))")
        }
    }

    /// An array when the keys are exactly `1...n`, otherwise a dictionary.
    static func table(from pairs: [(LuaValue, LuaValue)]) -> LuaValue {
        var elements = [LuaValue](repeating: .nil, count: pairs.count)
        var isArray = true
        for (key, value) in pairs {
            guard case .integer(let position) = key, position >= 1, position <= pairs.count else {
                isArray = false
                break
            }
            elements[Int(position - 1)] = value
        }
        if isArray { return .array(elements) }
        return .dictionary(Dictionary(pairs, uniquingKeysWith: { _, last in last }))
    }
}

extension LuaValue {
    /// A short rendering for error paths, e.g. `"name"` or `3`.
    var shortDescription: String {
        switch self {
        case .nil: "nil"
        case .boolean(let value): String(value)
        case .integer(let value): String(value)
        case .number(let value): String(value)
        case .string(let text): "\"\(text.prefix(40))\""
        case .bytes(let bytes): "<\(bytes.count) bytes>"
        case .array, .dictionary: "table"
        case .function: "function"
        }
    }
}
