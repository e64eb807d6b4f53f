// SPDX-License-Identifier: Apache-2.0
import Core
import Testing

@testable import Server

@Suite("WebSocket protocol messages")
struct FeedRequestTests {
    @Test(
        "malformed messages get the contract's error code",
        arguments: [
            ("{not json", "INVALID_JSON"),
            ("[1, 2]", "INVALID_JSON"),
            ("{}", "INVALID_ACTION"),
            (#"{"action":"teleport"}"#, "INVALID_ACTION"),
            (#"{"action":"authenticate"}"#, "AUTHENTICATION_ERROR"),
            (#"{"action":"subscribe","symbols":[{"symbol":"RELIANCE","exchange":"NSE"}],"mode":9}"#, "INVALID_MODE"),
            (#"{"action":"subscribe","symbols":[{"symbol":"RELIANCE","exchange":"NSE"}],"mode":"Full"}"#, "INVALID_MODE"),
            (#"{"action":"subscribe","symbols":[]}"#, "INVALID_PARAMETERS"),
            (#"{"action":"subscribe","symbols":"RELIANCE"}"#, "INVALID_PARAMETERS"),
            (#"{"action":"subscribe","symbols":[{"symbol":"RELIANCE"}]}"#, "INVALID_PARAMETERS"),
            (#"{"action":"subscribe"}"#, "INVALID_PARAMETERS"),
        ])
    func errors(text: String, code: String) {
        #expect(throws: FeedProtocolError.self) { try FeedRequest.parse(text) }
        do {
            _ = try FeedRequest.parse(text)
        } catch {
            #expect(error.code == code)
        }
    }

    @Test("modes come as numbers or names, verbs in action or type, and a single symbol at top level")
    func accepted() throws {
        let reliance = FeedRequest.SymbolReference(symbol: "RELIANCE", exchange: "NSE", mode: nil)
        #expect(
            try FeedRequest.parse(#"{"action":"subscribe","symbols":[{"symbol":"reliance","exchange":"nse"}],"mode":1,"depth":5}"#)
                == .subscribe(symbols: [reliance], mode: .ltp, depth: 5, requestID: nil))
        #expect(
            try FeedRequest.parse(#"{"type":"subscribe","symbol":"RELIANCE","exchange":"NSE","mode":"depth","request_id":"r1"}"#)
                == .subscribe(
                    symbols: [FeedRequest.SymbolReference(symbol: "RELIANCE", exchange: "NSE", mode: .depth)], mode: .depth, depth: 5,
                    requestID: .string("r1")))
        #expect(
            try FeedRequest.parse(#"{"action":"subscribe","symbols":[{"symbol":"RELIANCE","exchange":"NSE"}]}"#)
                == .subscribe(symbols: [reliance], mode: .quote, depth: 5, requestID: nil))
        #expect(try FeedRequest.parse(#"{"action":"auth","api_key":"k"}"#) == .authenticate(apiKey: "k"))
        #expect(
            try FeedRequest.parse(#"{"action":"unsubscribe","symbols":[{"symbol":"RELIANCE","exchange":"NSE","mode":2}]}"#)
                == .unsubscribe(symbols: [FeedRequest.SymbolReference(symbol: "RELIANCE", exchange: "NSE", mode: .quote)], requestID: nil))
        #expect(try FeedRequest.parse(#"{"action":"ping","_pingId":3}"#) == .ping(timestamp: nil, pingID: .integer(3)))
    }

    @Test("one message names at most 1,000 symbols")
    func symbolLimit() throws {
        func message(_ count: Int) -> String {
            #"{"action":"subscribe","mode":1,"symbols":["# + (0..<count).map { #"{"symbol":"S\#($0)","exchange":"NSE"}"# }.joined(separator: ",")
                + "]}"
        }
        if case .subscribe(let symbols, _, _, _) = try FeedRequest.parse(message(1_000)) { #expect(symbols.count == 1_000) }
        do {
            _ = try FeedRequest.parse(message(10_000))
            Issue.record("10,000 symbols were accepted")
        } catch {
            #expect(error.code == "INVALID_PARAMETERS")
            #expect(error.message.contains("10000"))
        }
    }
}
