// SPDX-License-Identifier: Apache-2.0
import CLua
import CLuaShims

extension LuaVM {
    /// Compiles `source` as text (bytecode is refused) and gives it a private `_ENV`. Does not run it.
    /// - Parameters:
    ///   - source: Lua source text.
    ///   - name: The chunk name errors report, e.g. the file name `ema_cross.lua`.
    /// - Returns: The chunk, to pass to ``run(_:with:)``, ``call(_:in:with:)`` and ``global(_:in:)``.
    /// - Throws: ``LuaError`` with ``LuaError/Code/syntax`` (and the line) or ``LuaError/Code/memory``.
    public func load(_ source: String, name: String) throws -> LuaChunk {
        let base = lua_gettop(state)
        defer { lua_settop(state, base) }
        var functionID: Int32 = 0
        var environmentID: Int32 = 0
        var source = source
        // "=" makes Lua print the name as given (manual, §4.7 "lua_Debug", source).
        let status = source.withUTF8 { bytes in
            clua_load_chunk(state, bytes.baseAddress, bytes.count, "=" + name, &functionID, &environmentID)
        }
        guard status == LUA_OK else {
            let message = clua_tostring(state, -1).map { String(cString: $0) } ?? "cannot load \(name)"
            switch status {
            case LUA_ERRSYNTAX:
                throw LuaError(.syntax, message: message, chunk: name, line: LuaError.position(in: message, chunk: name))
            case LUA_ERRMEM: throw LuaError(.memory, message: message, chunk: name)
            default: throw LuaError(.runtime, message: message, chunk: name)
            }
        }
        return LuaChunk(name: name, vmID: id, functionID: functionID, environmentID: environmentID)
    }

    /// Runs a chunk's main body (its top level) under the current ``budget``.
    /// - Returns: What the chunk returns.
    /// - Throws: ``LuaError``.
    @discardableResult
    public func run(_ chunk: LuaChunk, with arguments: [LuaValue] = []) throws -> [LuaValue] {
        try check(chunk)
        return try protectedCall(arguments) { clua_push_ref(state, chunk.functionID) }
    }

    /// Loads and runs `source` in a new chunk.
    /// - Returns: The chunk (for later calls) and what its body returned.
    /// - Throws: ``LuaError``.
    @discardableResult
    public func execute(_ source: String, name: String) throws -> (chunk: LuaChunk, results: [LuaValue]) {
        let chunk = try load(source, name: name)
        return (chunk, try run(chunk))
    }

    /// Calls a function under the current ``budget``.
    /// - Throws: ``LuaError``; ``LuaError/Code/bridge`` if the handle belongs to another VM.
    @discardableResult
    public func call(_ function: LuaFunctionRef, with arguments: [LuaValue] = []) throws -> [LuaValue] {
        guard function.vmID == id else {
            throw LuaError(.bridge, message: "a function handle from another Lua VM cannot be called here")
        }
        return try protectedCall(arguments) { clua_push_ref(state, function.id) }
    }

    /// Calls the global function `name` of `chunk` under the current ``budget``.
    /// - Throws: ``LuaError``; ``LuaError/Code/bridge`` if the global is not a function.
    @discardableResult
    public func call(_ name: String, in chunk: LuaChunk, with arguments: [LuaValue] = []) throws -> [LuaValue] {
        try check(chunk)
        return try protectedCall(arguments) {
            try pushGlobal(name, of: chunk)
            guard lua_type(state, -1) == LUA_TFUNCTION else {
                let type = String(cString: lua_typename(state, lua_type(state, -1)))
                throw LuaError(.bridge, message: "global '\(name)' of \(chunk.name) is not a function (a \(type) value)", chunk: chunk.name)
            }
        }
    }

    /// The global `name` of `chunk` (read raw: a metatable on `_ENV` is not consulted).
    /// - Throws: ``LuaError/Code/bridge`` if the value cannot be copied (cycle, depth).
    public func global(_ name: String, in chunk: LuaChunk) throws -> LuaValue {
        try check(chunk)
        return try withHostSection {
            try pushGlobal(name, of: chunk)
            var reader = LuaStackReader(state: state, vmID: id, configuration: configuration)
            return try reader.value(at: -1)
        }
    }

    /// Sets the global `name` of `chunk` (raw).
    /// - Throws: ``LuaError/Code/bridge`` if the value cannot be pushed.
    public func setGlobal(_ name: String, to value: LuaValue, in chunk: LuaChunk) throws {
        try check(chunk)
        try withHostSection {
            clua_push_ref(state, chunk.environmentID)
            let writer = LuaStackWriter(state: state, vmID: id, configuration: configuration)
            try writer.push(.string(name))
            try writer.push(value)
            lua_rawset(state, -3)
        }
    }

    // MARK: Internals

    private func check(_ chunk: LuaChunk) throws {
        guard chunk.vmID == id else { throw LuaError(.bridge, message: "chunk \(chunk.name) was loaded by another Lua VM") }
    }

    /// Pushes `chunk`'s `_ENV[name]`. Call inside a host section.
    private func pushGlobal(_ name: String, of chunk: LuaChunk) throws {
        clua_push_ref(state, chunk.environmentID)
        try LuaStackWriter(state: state, vmID: id, configuration: configuration).push(.string(name))
        lua_rawget(state, -2)
        lua_rotate(state, -2, 1)
        clua_pop(state, 1)
    }

    /// Runs `body` with the stack top restored afterwards and the memory cap lifted, so the values
    /// Swift pushes or reads never make the allocator fail (and Lua raise) under a Swift frame.
    func withHostSection<T>(_ body: () throws -> T) rethrows -> T {
        let base = lua_gettop(state)
        clua_host_enter(state)
        defer {
            clua_host_leave(state)
            lua_settop(state, base)
        }
        return try body()
    }

    /// The one way into Lua code: message handler, function, arguments, then `lua_pcall` under the
    /// budget; results or the error are copied out in a host section.
    private func protectedCall(_ arguments: [LuaValue], pushFunction: () throws -> Void) throws -> [LuaValue] {
        if cancellation.isCancelled { throw LuaError(.cancelled, message: "cancelled by the host") }
        let base = lua_gettop(state)
        defer { lua_settop(state, base) }
        clua_host_enter(state)
        do {
            guard lua_checkstack(state, Int32(clamping: arguments.count + 3)) != 0 else {
                throw LuaError(.bridge, message: "too many arguments (\(arguments.count)) for the Lua stack")
            }
            clua_push_message_handler(state)
            try pushFunction()
            try LuaStackWriter(state: state, vmID: id, configuration: configuration).push(arguments)
        } catch {
            clua_host_leave(state)
            throw error
        }
        clua_host_leave(state)

        let suspended = clua_call_begin(state, budget.timeNanoseconds, max(0, budget.instructions ?? 0))
        // A nested call comes from a Swift function, which runs inside a host section; only an
        // outermost call starts with none open, and only it forgets the previous handler error.
        if suspended == 0 { handlerErrors.reset() }
        let status = clua_pcall(state, Int32(arguments.count), clua_multret(), base + 1)
        var refused: Int32 = 0
        let tripped = clua_call_end(state, suspended, &refused)

        return try withHostSection {
            var reader = LuaStackReader(state: state, vmID: id, configuration: configuration)
            // A trip fails the call even when Lua returned normally: a script that catches the raise
            // as its last act (`return pcall(f)`, a tail call) leaves no instruction to raise again.
            guard status == LUA_OK, Int(tripped) == CLUA_TRIP_NONE else {
                let object = status == LUA_OK ? nil : try? reader.value(at: -1)
                throw failure(status: status, tripped: Int(tripped), refused: refused, object: object)
            }
            return try reader.values(from: base + 2, through: lua_gettop(state))
        }
    }

    private func failure(status: Int32, tripped: Int, refused: Int32, object: LuaValue?) -> LuaError {
        let message: String
        var chunk: String?
        var line: Int?
        var traceback: String?
        switch object {
        case .string(let text)?:
            message = text
        case .dictionary?:
            message = object?["message"]?.stringValue ?? "unknown Lua error"
            chunk = object?["source"]?.stringValue
            line = object?["line"]?.integerValue.map { Int($0) }
            traceback = object?["traceback"]?.stringValue
        case nil where tripped != CLUA_TRIP_NONE:
            message = String(cString: clua_trip_reason(Int32(tripped)))
        default:
            message = status == LUA_ERRMEM ? "not enough memory" : "unknown Lua error"
        }
        let code: LuaError.Code
        var cause: (any Error)?
        switch tripped {
        case CLUA_TRIP_TIME, CLUA_TRIP_INSTRUCTIONS, CLUA_TRIP_PATTERN_STEPS: code = .budgetExceeded
        case CLUA_TRIP_CANCELLED: code = .cancelled
        default:
            if status == LUA_ERRMEM || (refused > 0 && message.hasSuffix("not enough memory")) {
                // Library functions (string.rep, table.concat) report a refused buffer as a plain
                // runtime error with this message; the refused count tells it was the cap.
                code = .memory
            } else if let handled = handlerErrors.message, message.hasSuffix(handled) {
                code = .handler
                cause = handlerErrors.error
            } else {
                code = .runtime
            }
        }
        return LuaError(code, message: message, chunk: chunk, line: line, traceback: traceback, cause: cause)
    }
}
