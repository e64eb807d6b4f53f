// SPDX-License-Identifier: Apache-2.0
import CLuaShims

/// The time a script reads through `os.time`, `os.date` and `os.clock`, for hosts that run scripts
/// on simulated time (a backtest replays each bar at its own timestamp).
///
/// Set it in ``LuaVM/Configuration/clock``. Then `os.time()` is ``now`` rounded down to whole
/// seconds, `os.date(format)` formats it, and `os.clock()` returns it as a float: a deterministic
/// stand-in for CPU time whose differences measure simulated time. Calls that pass their own time
/// (`os.time(table)`, `os.date(format, t)`) are unchanged.
///
/// ```swift
/// let replay = ReplayClock()  // any Sendable source of the current bar's time
/// let vm = try LuaVM(configuration: .init(clock: LuaClock { replay.epochSeconds }))
/// ```
public struct LuaClock: Sendable {
    /// The current time in seconds since the Unix epoch (UTC), fractions allowed. Called
    /// synchronously from inside a Lua call on the VM's executor; it must not call into the VM, and
    /// it must return a finite value in the range of `Int64` (otherwise the script's call fails).
    public let now: @Sendable () -> Double

    /// - Parameter now: Returns the current simulated time in seconds since the Unix epoch.
    public init(_ now: @escaping @Sendable () -> Double) {
        self.now = now
    }

    /// A clock that always reads `seconds` since the Unix epoch.
    public static func fixed(_ seconds: Double) -> LuaClock {
        LuaClock { seconds }
    }
}

/// Keeps a ``LuaClock`` at a stable address for the C side; owned by the ``LuaVM``, which closes its
/// state before releasing it.
final class LuaClockBox {
    let clock: LuaClock

    init(_ clock: LuaClock) {
        self.clock = clock
    }

    /// Makes `state` read this clock (the context pointer is unretained: the VM keeps the box).
    func install(in state: OpaquePointer) {
        clua_set_clock(state, luaClockEntry, Unmanaged.passUnretained(self).toOpaque())
    }
}

/// The C entry point of a ``LuaClock``: runs the Swift closure and returns its value. Never raises;
/// clock.c checks the value once this frame is gone.
private func luaClockEntry(_ context: UnsafeMutableRawPointer?) -> Double {
    guard let context else { return .nan }
    return Unmanaged<LuaClockBox>.fromOpaque(context).takeUnretainedValue().clock.now()
}
