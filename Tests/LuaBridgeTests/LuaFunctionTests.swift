// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import LuaBridge

private struct Refusal: Error, CustomStringConvertible {
    var description: String { "refused by the host" }
}

@Suite("Swift functions called from Lua")
struct LuaFunctionTests {
    @Test("arguments in, results out")
    func arguments() throws {
        let vm = try LuaVM()
        let add = vm.makeFunction(named: "add") { args in
            [.integer((args.first?.integerValue ?? 0) + (args.last?.integerValue ?? 0)), .string("\(args.count) args")]
        }
        let chunk = try vm.load("return add(40, 2)", name: "add")
        try vm.setGlobal("add", to: .function(add), in: chunk)
        #expect(try vm.run(chunk) == [42, "2 args"])
        #expect(try vm.call(add, with: [1, 2]) == [3, "2 args"])
        try expectHealthy(vm)
    }

    @Test("a throwing Swift function is a Lua error that pcall catches, with the line")
    func caughtByPcall() throws {
        let vm = try LuaVM()
        let refuse = vm.makeFunction(named: "refuse") { _ in throw Refusal() }
        let chunk = try vm.load("\nlocal ok, err = pcall(function() return ctx.refuse(1) end)\nreturn ok, err", name: "caught")
        try vm.setGlobal("ctx", to: ["refuse": .function(refuse)], in: chunk)
        #expect(try vm.run(chunk) == [false, "caught:2: refused by the host"])
        try expectHealthy(vm)
    }

    @Test("uncaught, it reaches the host as a handler error with the line and the Swift error")
    func uncaught() throws {
        let vm = try LuaVM()
        let refuse = vm.makeFunction(named: "refuse") { _ in throw Refusal() }
        let chunk = try vm.load("local x = 1\n\nrefuse()", name: "uncaught")
        try vm.setGlobal("refuse", to: .function(refuse), in: chunk)
        let error = try expectLuaError { try vm.run(chunk) }
        #expect(error.code == .handler)
        #expect(error.line == 3)
        #expect(error.chunk == "uncaught")
        #expect(error.cause is Refusal)
        #expect(error.traceback?.contains("uncaught:3:") == true)
        try expectHealthy(vm)
        // The same error caught and rethrown by a later, unrelated error is a runtime error again.
        let later = try vm.load("pcall(refuse)\nerror('other')", name: "later")
        try vm.setGlobal("refuse", to: .function(refuse), in: later)
        #expect(try expectLuaError { try vm.run(later) }.code == .runtime)
    }

    @Test("a Swift function may call back into the VM; the outer budget still holds")
    func reentrant() throws {
        let vm = try LuaVM(configuration: LuaVM.Configuration(budget: LuaBudget(time: .milliseconds(50))))
        let chunk = try vm.load("function twice(x) return 2 * x end\nfunction spin() while true do end end", name: "inner")
        try vm.run(chunk)
        let viaHost = vm.makeFunction(named: "via_host") { args in try vm.call(args[0].stringValue ?? "", in: chunk, with: Array(args.dropFirst())) }
        let outer = try vm.load("return via_host('twice', 21)", name: "outer")
        try vm.setGlobal("via_host", to: .function(viaHost), in: outer)
        #expect(try vm.run(outer) == [42])
        let runaway = try vm.load("while true do pcall(via_host, 'spin') end", name: "runaway")
        try vm.setGlobal("via_host", to: .function(viaHost), in: runaway)
        #expect(try expectLuaError { try vm.run(runaway) }.code == .budgetExceeded)
        try expectHealthy(vm)
    }

    @Test("unsupported arguments become a Lua error, not a crash")
    func badArguments() throws {
        let vm = try LuaVM()
        let echo = vm.makeFunction(named: "echo") { $0 }
        let chunk = try vm.load("local t = {} t.t = t return pcall(echo, t)", name: "cycle")
        try vm.setGlobal("echo", to: .function(echo), in: chunk)
        let results = try vm.run(chunk)
        #expect(results.first == false)
        #expect(results.last?.stringValue?.contains("contains itself") == true)
        try expectHealthy(vm)
    }
}
