// SPDX-License-Identifier: Apache-2.0
import CLua
import CLuaShims
import Synchronization

/// One sandboxed Lua 5.4 state, owned by one caller at a time.
///
/// A VM is not `Sendable`: keep it on one executor (the strategy host runs each on its own serial
/// executor) and hand only ``LuaValue``s across. Every entry point is a protected call; no Lua error
/// ever unwinds a Swift frame (see "The Lua sandbox and its error boundary" in
/// `docs/LUA-STRATEGIES.md`).
///
/// ```swift
/// let vm = try LuaVM()
/// let chunk = try vm.load("function double(x) return 2 * x end", name: "example")
/// _ = try vm.run(chunk)
/// let result = try vm.call("double", in: chunk, with: [21])  // [.integer(42)]
/// ```
public final class LuaVM {
    /// Settings fixed when the VM is created.
    public let configuration: Configuration
    /// Raise it from any thread to stop the current call and refuse later ones.
    public let cancellation: LuaCancellation
    /// The limits applied to each call from now on; starts as ``Configuration/budget``.
    public var budget: LuaBudget

    let state: OpaquePointer
    let id: UInt64
    /// Swift functions made by ``makeFunction(named:_:)``. Lua holds them only as unretained
    /// pointers, so they live here until the state is closed.
    var swiftFunctions: [LuaSwiftFunction] = []
    let handlerErrors = LuaHandlerErrorLog()
    /// The simulated clock, if any; the state holds an unretained pointer to it.
    private let clockBox: LuaClockBox?

    private static let nextID = Atomic<UInt64>(1)

    /// Creates a VM with the sandboxed libraries.
    /// - Throws: ``LuaError`` with ``LuaError/Code/memory`` if the state or its libraries do not fit
    ///   in ``Configuration/memoryLimitBytes``.
    public init(configuration: Configuration = Configuration(), cancellation: LuaCancellation = LuaCancellation()) throws {
        self.configuration = configuration
        self.cancellation = cancellation
        self.budget = configuration.budget
        self.id = Self.nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        guard
            let state = clua_newstate(
                max(0, configuration.memoryLimitBytes), Int32(clamping: configuration.instructionsPerCheck), cancellation.flag)
        else {
            throw LuaError(.memory, message: "cannot create a Lua state within \(configuration.memoryLimitBytes) bytes")
        }
        clua_set_pattern_step_limit(state, configuration.patternStepLimit.map { Int64(max(1, $0)) } ?? 0)
        clockBox = configuration.clock.map(LuaClockBox.init)
        clockBox?.install(in: state)
        var status = clua_open_sandbox(state, configuration.randomSeed == nil ? 0 : 1, configuration.randomSeed ?? 0)
        if status == LUA_OK, configuration.exposesOriginalFunctions {
            status = clua_expose_originals(state)
        }
        if status != LUA_OK {
            let message = clua_tostring(state, -1).map { String(cString: $0) } ?? "cannot open the sandbox"
            clua_close(state)
            throw LuaError(status == LUA_ERRMEM ? .memory : .runtime, message: message)
        }
        self.state = state
    }

    deinit {
        clua_close(state)
    }

    /// Bytes the state holds now (Lua's own count, including values Swift pushed).
    public var memoryInUseBytes: Int { clua_memory_used(state) }

    /// The number of values on the Lua stack: 0 between calls. For tests of stack balance.
    var stackTop: Int32 { lua_gettop(state) }
}

/// The last error a Swift function raised into Lua, to tell ``LuaError/Code/handler`` from
/// ``LuaError/Code/runtime`` when the error reaches the host.
final class LuaHandlerErrorLog {
    var message: String?
    var error: (any Error)?

    func reset() {
        message = nil
        error = nil
    }
}
