// SPDX-License-Identifier: Apache-2.0
import Dispatch
import Testing

@testable import LuaBridge

@Suite("Lua budgets and memory cap")
struct LuaBudgetTests {
    static let quick = LuaVM.Configuration(budget: LuaBudget(time: .milliseconds(50)))

    @Test("an infinite loop is stopped by the time budget, at its line")
    func infiniteLoop() throws {
        let vm = try LuaVM(configuration: Self.quick)
        let clock = ContinuousClock()
        let start = clock.now
        let error = try expectLuaError { try vm.execute("local n = 0\nwhile true do n = n + 1 end", name: "spin") }
        #expect(error.code == .budgetExceeded)
        #expect(error.chunk == "spin")
        #expect(error.line == 2)
        #expect(clock.now - start < .seconds(2))
        try expectHealthy(vm)
    }

    static let swallowers = [
        "while true do pcall(function() while true do end end) end",
        "while true do pcall(pcall, function() while true do end end) end",
        "while true do xpcall(function() while true do end end, function() while true do end end) end",
        "local function f() while true do end end\nwhile true do local ok = pcall(f) if not ok then f = f end end",
        "while true do local x <close> = setmetatable({}, {__close = function() while true do end end}) end",
        // A tail call: after pcall returns, the chunk runs no instruction that could raise again.
        "return pcall(function() while true do end end)",
        "return xpcall(function() while true do end end, function(m) return m end)",
    ]

    @Test("pcall cannot swallow the budget", arguments: swallowers)
    func pcallCannotSwallow(source: String) throws {
        let vm = try LuaVM(configuration: Self.quick)
        let error = try expectLuaError { try vm.execute(source, name: "swallow") }
        #expect(error.code == .budgetExceeded)
        try expectHealthy(vm)
    }

    @Test("xpcall handlers still run for ordinary errors")
    func xpcallStillWorks() throws {
        let vm = try LuaVM(configuration: Self.quick)
        let results = try vm.execute("return xpcall(error, function(m) return 'handled: ' .. m end, 'x', 0)", name: "x").results
        #expect(results == [false, "handled: x"])
        #expect(try vm.execute("return xpcall(function(a, b) return a + b end, tostring, 1, 2)", name: "y").results == [true, 3])
        try expectHealthy(vm)
    }

    @Test("the pcall loop fixture is stopped")
    func pcallLoopFixture() throws {
        let vm = try LuaVM(configuration: Self.quick)
        let error = try expectLuaError { try vm.execute(try fixture("pcall_loop.lua"), name: "pcall_loop.lua") }
        #expect(error.code == .budgetExceeded)
        #expect(error.chunk == "pcall_loop.lua")
        try expectHealthy(vm)
    }

    @Test("an instruction budget stops a loop on every machine alike")
    func instructionBudget() throws {
        let vm = try LuaVM(configuration: LuaVM.Configuration(budget: LuaBudget(time: nil, instructions: 100_000)))
        let error = try expectLuaError { try vm.execute("for i = 1, 1e12 do end", name: "count") }
        #expect(error.code == .budgetExceeded)
        #expect(error.message.contains("instruction budget"))
        try expectHealthy(vm)
    }

    @Test("cancellation from another thread stops a running call and refuses later ones until reset")
    func cancellation() throws {
        let vm = try LuaVM(configuration: LuaVM.Configuration(budget: .unlimited))
        let cancellation = vm.cancellation
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(30)) { cancellation.cancel() }
        let error = try expectLuaError { try vm.execute("while true do end", name: "forever") }
        #expect(error.code == .cancelled)
        #expect(try expectLuaError { try vm.execute("return 1", name: "after") }.code == .cancelled)
        cancellation.reset()
        try expectHealthy(vm)
    }

    @Test("a memory bomb is stopped by the cap and the VM keeps working")
    func memoryBomb() throws {
        let vm = try LuaVM(configuration: LuaVM.Configuration(memoryLimitBytes: 16 << 20))
        let error = try expectLuaError { try vm.execute(try fixture("memory_bomb.lua"), name: "memory_bomb.lua") }
        #expect(error.code == .memory)
        #expect(vm.memoryInUseBytes <= 16 << 20)
        try expectHealthy(vm)
        // Caught inside the script, the memory error is an ordinary error value.
        let caught = try vm.execute("local ok, e = pcall(string.rep, 'x', 1e9) return ok, e", name: "caught").results
        #expect(caught == [false, "not enough memory"])
        try expectHealthy(vm)
    }

    @Test("a huge string.rep is refused: 2^40 by the string library, 2^30 by the cap")
    func hugeRep() throws {
        let vm = try LuaVM()
        let tera = try expectLuaError { try vm.execute("return string.rep('x', 2^40)", name: "rep") }
        #expect(tera.code == .runtime)
        #expect(tera.message == "rep:1: resulting string too large")
        let giga = try expectLuaError { try vm.execute("\nreturn string.rep('x', 2^30)", name: "rep") }
        #expect(giga.code == .memory)
        #expect(giga.message == "not enough memory")
        try expectHealthy(vm)
    }

    @Test("__gc is refused: Lua runs finalizers with hooks off, so a looping one could not be stopped")
    func finalizersRefused() throws {
        let vm = try LuaVM(configuration: Self.quick)
        let error = try expectLuaError {
            try vm.execute("keep = setmetatable({}, {__gc = function() while true do end end}) collectgarbage()", name: "gc")
        }
        #expect(error.code == .runtime)
        #expect(error.message.contains("__gc metamethods are not allowed"))
        // A __gc added after setmetatable is ignored by Lua itself (manual, §2.5.3).
        let late = "local mt = {} keep = setmetatable({}, mt) mt.__gc = function() while true do end end keep = nil collectgarbage() return 1"
        #expect(try vm.execute(late, name: "late").results == [1])
        #expect(try vm.execute("return getmetatable(setmetatable({}, {__index = {a = 1}})).__index.a", name: "ok").results == [1])
        try expectHealthy(vm)
    }
}
