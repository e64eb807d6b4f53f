// SPDX-License-Identifier: Apache-2.0

/// Limits on one call from the host into Lua (``LuaVM/run(_:with:)``, ``LuaVM/call(_:with:)``).
///
/// Each limit, when set, stops the call with ``LuaError/Code/budgetExceeded``; a `pcall` in the
/// script cannot catch it (see "The Lua sandbox and its error boundary" in `docs/LUA-STRATEGIES.md`).
/// A nested call (a Swift function calling back into the same VM) runs under the outer call's budget.
public struct LuaBudget: Sendable, Hashable {
    /// Wall-clock time per call; `nil` for none.
    public var time: Duration?
    /// VM instructions per call, counted in steps of ``LuaVM/Configuration/instructionsPerCheck``;
    /// `nil` for none. Unlike time, it gives the same verdict on every machine, which replays want.
    /// Work the sandbox's own C functions do counts too: one per key `pairs` snapshots, one per
    /// element merged by `table.sort`, one per pattern-matching step.
    public var instructions: Int64?

    public init(time: Duration? = .seconds(1), instructions: Int64? = nil) {
        self.time = time
        self.instructions = instructions
    }

    /// No limit at all: only cancellation stops the call.
    public static let unlimited = LuaBudget(time: nil, instructions: nil)

    var timeNanoseconds: Int64 {
        guard let time else { return 0 }
        let (seconds, attoseconds) = time.components
        guard seconds >= 0 else { return 1 }
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? Int64.max : max(1, whole &+ attoseconds / 1_000_000_000)
    }
}
