// SPDX-License-Identifier: Apache-2.0
import Core
import LuaBridge
import Strategies
import Testing

/// Every hostile or broken script of the list: each is stopped with a clear error (with its
/// line where Lua knows it), and another strategy in the same process keeps running.
@Suite struct HostileStrategyTests {
    static let header = """
        strategy = { name = "hostile", symbols = { "NSE:SBIN" }, timeframe = "1m", risk = { max_orders_per_minute = 5 } }

        """

    /// Loads `body` (after the header), starts it and feeds it a tick and a bar.
    static func run(_ body: String, budget: LuaBudget = LuaBudget(time: .milliseconds(200))) -> StrategyScriptError? {
        do {
            let configuration = StrategyInstance.Configuration(vm: LuaVM.Configuration(memoryLimitBytes: 16 << 20, budget: budget))
            let instance = try StrategyInstance(
                source: header + body, chunkName: "hostile.lua", desk: StrategyFixtures.desk(), configuration: configuration)
            try instance.start(info: .init(mode: "test"))
            try instance.deliver(StrategyTick(symbol: StrategyFixtures.sbin, lastPrice: 500, timeNanos: 1_762_055_100_000_000_000))
            try instance.deliver(StrategyFixtures.bars(count: 1)[0], of: StrategyFixtures.sbin)
            return nil
        } catch let error as StrategyScriptError {
            return error
        } catch {
            return StrategyScriptError(.callback, "unexpected \(error)")
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let body: String
        let kind: StrategyScriptError.Kind
        let field: String?
        let line: Int?
        let message: String
        /// Memory cases get time to reach the cap even on a loaded machine.
        var budget = LuaBudget(time: .milliseconds(200))
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "syntax error", body: "function on_tick(ctx, tick)\n  if tick.ltp > then end\nend", kind: .syntax, field: nil, line: 3,
            message: "unexpected symbol"),
        Case(
            name: "error in on_start", body: "function on_start(ctx) error('boom') end", kind: .callback, field: "on_start", line: 2, message: "boom"),
        Case(
            name: "error in on_tick", body: "function on_tick(ctx, t) local x = nil; return x.y end", kind: .callback, field: "on_tick", line: 2,
            message: "attempt to index"),
        Case(
            name: "error in on_bar", body: "function on_bar(ctx, b)\n  error('bad bar')\nend", kind: .callback, field: "on_bar", line: 3,
            message: "bad bar"),
        Case(name: "error in the main chunk", body: "error('at load')", kind: .callback, field: "main chunk", line: 2, message: "at load"),
        Case(
            name: "infinite loop", body: "function on_tick(ctx, t) while true do end end", kind: .callback, field: "on_tick", line: nil,
            message: "budget"),
        Case(
            name: "pcall around the budget", body: "function on_tick(ctx, t) while true do pcall(function() while true do end end) end end",
            kind: .callback, field: "on_tick", line: nil, message: "budget"),
        Case(
            name: "memory bomb", body: "function on_tick(ctx, t) local t = {} for i = 1, 1e9 do t[i] = string.rep('x', 65536) .. i end end",
            kind: .callback, field: "on_tick", line: nil, message: "memory", budget: LuaBudget(time: .seconds(10))),
        Case(
            name: "huge string.rep", body: "function on_tick(ctx, t) local s = string.rep('x', 1 << 30) end", kind: .callback, field: "on_tick",
            line: nil, message: "memory"),
        Case(name: "io.open", body: "function on_tick(ctx, t) io.open('/etc/passwd') end", kind: .callback, field: "on_tick", line: 2, message: "io"),
        Case(
            name: "os.execute", body: "function on_tick(ctx, t) os.execute('true') end", kind: .callback, field: "on_tick", line: 2,
            message: "execute"),
        Case(name: "require", body: "local socket = require('socket')", kind: .callback, field: "main chunk", line: 2, message: "require"),
        Case(
            name: "load of bytecode", body: "local f = load('\\27Lua')\nif f == nil then error('bytecode refused') end", kind: .callback,
            field: "main chunk", line: 3, message: "bytecode refused"),
        Case(name: "string.dump", body: "string.dump(print or function() end)", kind: .callback, field: "main chunk", line: 2, message: "dump"),
        Case(name: "debug.sethook", body: "debug.sethook()", kind: .callback, field: "main chunk", line: 2, message: "debug"),
        Case(
            name: "order flood", body: "function on_tick(ctx, t) for i = 1, 100 do ctx.buy('SBIN', 1) end end", kind: .callback, field: "on_tick",
            line: 2, message: "order limit reached"),
        Case(
            name: "order flood behind pcall",
            body: "function on_tick(ctx, t) for i = 1, 1000 do pcall(ctx.buy, 'SBIN', 1) end error('still here') end", kind: .callback,
            field: "on_tick", line: 2, message: "still here"),
        Case(
            name: "indicator with a bad period", body: "function on_bar(ctx, b) ctx.ema(b.symbol, 0) end", kind: .callback, field: "on_bar", line: 2,
            message: "period must be an integer from 1"),
        Case(
            name: "indicator with the source where its period goes", body: "function on_bar(ctx, b) ctx.ema(b.symbol, 'high') end", kind: .callback,
            field: "on_bar", line: 2, message: "period is required before the source"),
        Case(
            name: "indicator with no period", body: "function on_bar(ctx, b) ctx.sma() end", kind: .callback, field: "on_bar", line: 2,
            message: "period is required"),
        Case(
            name: "unknown symbol", body: "function on_tick(ctx, t) ctx.buy('NOPE', 1) end", kind: .callback, field: "on_tick", line: 2,
            message: "unknown symbol NOPE"),
        Case(
            name: "bad declaration", body: "strategy.timeframe = '7m'", kind: .declaration, field: "strategy.timeframe", line: nil,
            message: "must be one of"),
    ]

    @Test(arguments: cases)
    func isStoppedWithAClearError(_ hostile: Case) {
        let error = Self.run(hostile.body, budget: hostile.budget)
        #expect(error?.kind == hostile.kind, "\(String(describing: error))")
        #expect(error?.field == hostile.field, "\(String(describing: error))")
        if let line = hostile.line { #expect(error?.line == line, "\(String(describing: error))") }
        #expect(error?.description.contains(hostile.message) == true, "\(String(describing: error))")
    }

    @Test func anotherStrategyKeepsRunningAndCannotSeeItsGlobals() throws {
        let desk = StrategyFixtures.desk()
        let victim = try StrategyInstance(
            source: Self.header + "secret = 42\nfunction on_tick(ctx, t) ctx.state.seen = (ctx.state.seen or 0) + 1 end", chunkName: "victim.lua",
            desk: desk)
        let attacker = try StrategyInstance(
            source: Self.header + "function on_tick(ctx, t) secret = 0; _G.secret = 0; ctx.state.seen = -1; while true do end end",
            chunkName: "attacker.lua",
            desk: desk, configuration: .init(vm: LuaVM.Configuration(budget: LuaBudget(time: .milliseconds(50)))))
        try victim.start(info: .init(mode: "test"))
        try attacker.start(info: .init(mode: "test"))
        let tick = StrategyTick(symbol: StrategyFixtures.sbin, lastPrice: 500, timeNanos: 1)
        #expect(throws: StrategyScriptError.self) { try attacker.deliver(tick) }
        for _ in 0..<3 { try victim.deliver(tick) }
        #expect(try victim.vm.global("secret", in: victimChunk(victim)) == .integer(42))
        #expect(try victim.stateJSON() == "{\"seen\":3}")
    }

    private func victimChunk(_ instance: StrategyInstance) throws -> LuaChunk { try #require(instance.mainChunk) }
}
