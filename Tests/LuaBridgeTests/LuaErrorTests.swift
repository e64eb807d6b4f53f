// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import LuaBridge

@Suite("Lua errors")
struct LuaErrorTests {
    @Test("a syntax error reports its chunk and line")
    func syntaxError() throws {
        let vm = try LuaVM()
        let error = try expectLuaError { _ = try vm.load("local x = 1\n\nreturn +", name: "broken.lua") }
        #expect(error.code == .syntax)
        #expect(error.chunk == "broken.lua")
        #expect(error.line == 3)
        #expect(error.message.contains("unexpected symbol"))
        try expectHealthy(vm)
    }

    @Test("a runtime error reports its line and a traceback through the callers")
    func runtimeError() throws {
        let vm = try LuaVM()
        let chunk = try vm.load(try fixture("runtime_error.lua"), name: "runtime_error.lua")
        try vm.run(chunk)
        let error = try expectLuaError { try vm.call("outer", in: chunk) }
        #expect(error.code == .runtime)
        #expect(error.chunk == "runtime_error.lua")
        #expect(error.line == 4)
        #expect(error.message.contains("attempt to index a nil value (local 'missing')"))
        let traceback = try #require(error.traceback)
        #expect(traceback.contains("runtime_error.lua:8:"))
        #expect(traceback.contains("runtime_error.lua:13:"))
        try expectHealthy(vm)
    }

    @Test("error() with a table or a number still gives a message and a line")
    func nonStringErrors() throws {
        let vm = try LuaVM()
        let number = try expectLuaError { try vm.execute("\nerror(42)", name: "n") }
        #expect(number.code == .runtime)
        #expect(number.message == "42")
        #expect(number.line == 2)
        let table = try expectLuaError { try vm.execute("error(setmetatable({}, {__tostring = function() return 'custom' end}))", name: "t") }
        #expect(table.message == "custom")
        try expectHealthy(vm)
    }

    @Test("calling a global that is not a function is a bridge error")
    func notAFunction() throws {
        let vm = try LuaVM()
        let chunk = try vm.load("value = 1", name: "g")
        try vm.run(chunk)
        #expect(try expectLuaError { try vm.call("value", in: chunk) }.code == .bridge)
        #expect(try expectLuaError { try vm.call("missing", in: chunk) }.code == .bridge)
        try expectHealthy(vm)
    }
}
