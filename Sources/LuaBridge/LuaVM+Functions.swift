// SPDX-License-Identifier: Apache-2.0
import CLua
import CLuaShims

/// The body of a Swift function callable from Lua: the call's arguments in, its results out.
///
/// A thrown error becomes a Lua error raised at the calling line (catchable by `pcall` in the script,
/// and reported as ``LuaError/Code/handler`` if it reaches the host). Its Lua message is the error's
/// `description` (for a ``LuaError``, its `message`).
public typealias LuaFunction = ([LuaValue]) throws -> [LuaValue]

extension LuaVM {
    /// Makes a Swift function callable from Lua. Put the handle in a global or a table with
    /// ``setGlobal(_:to:in:)``, e.g. a host table `ctx = { log = .function(log) }`.
    /// - Parameters:
    ///   - name: For messages about bad arguments.
    ///   - body: Runs synchronously on the VM's executor, inside the Lua call; it must not await.
    ///     It may call back into this VM (the nested call runs under the outer call's budget).
    /// - Returns: A handle usable as ``LuaValue/function(_:)`` with this VM only.
    public func makeFunction(named name: String, _ body: @escaping LuaFunction) -> LuaFunctionRef {
        let function = LuaSwiftFunction(name: name, body: body, vm: self)
        swiftFunctions.append(function)
        return withHostSection {
            clua_push_swift_function(state, luaSwiftFunctionEntry, Unmanaged.passUnretained(function).toOpaque())
            return LuaFunctionRef(vmID: id, id: clua_ref(state))
        }
    }
}

/// The C entry point of every Swift function: recovers the ``LuaSwiftFunction`` from the closure's
/// context upvalue. Returns a result count or CLUA_SWIFT_ERROR; never raises.
private func luaSwiftFunctionEntry(_ state: OpaquePointer?) -> Int32 {
    guard let state, let context = clua_context(state) else { return 0 }
    return Unmanaged<LuaSwiftFunction>.fromOpaque(context).takeUnretainedValue().invoke(state)
}

/// A Swift closure registered with a VM. Owned by the VM (``LuaVM/swiftFunctions``), so the pointer
/// Lua holds stays valid until the state is closed.
final class LuaSwiftFunction {
    let name: String
    let body: LuaFunction
    let vmID: UInt64
    let configuration: LuaVM.Configuration
    let handlerErrors: LuaHandlerErrorLog

    init(name: String, body: @escaping LuaFunction, vm: LuaVM) {
        self.name = name
        self.body = body
        self.vmID = vm.id
        self.configuration = vm.configuration
        self.handlerErrors = vm.handlerErrors
    }

    /// Converts the arguments, runs the body, pushes the results; on any error pushes a message and
    /// returns CLUA_SWIFT_ERROR for the C trampoline to raise once this frame is gone.
    func invoke(_ state: OpaquePointer) -> Int32 {
        clua_host_enter(state)
        defer { clua_host_leave(state) }
        do {
            var reader = LuaStackReader(state: state, vmID: vmID, configuration: configuration)
            let arguments = try reader.values(from: 1, through: lua_gettop(state))
            let results = try body(arguments)
            lua_settop(state, 0)
            try LuaStackWriter(state: state, vmID: vmID, configuration: configuration).push(results)
            return Int32(results.count)
        } catch {
            let message = (error as? LuaError)?.message ?? String(describing: error)
            handlerErrors.message = message
            handlerErrors.error = error
            lua_settop(state, 0)
            var text = message
            text.withUTF8 { bytes in _ = lua_pushlstring(state, bytes.baseAddress, bytes.count) }
            return CLUA_SWIFT_ERROR
        }
    }
}
