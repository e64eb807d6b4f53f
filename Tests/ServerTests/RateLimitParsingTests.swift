// SPDX-License-Identifier: Apache-2.0
import NIOCore
import Testing

@testable import Server

@Suite("Rate limit strings, categories and client addresses")
struct RateLimitParsingTests {
    @Test(
        "Flask-Limiter's notations parse to the same rules",
        arguments: [
            ("10 per second", [RateLimit.Rule(10, per: .seconds(1))]),
            ("10/second", [RateLimit.Rule(10, per: .seconds(1))]),
            ("10 / second", [RateLimit.Rule(10, per: .seconds(1))]),
            ("10 per 1 second", [RateLimit.Rule(10, per: .seconds(1))]),
            ("10 per seconds", [RateLimit.Rule(10, per: .seconds(1))]),
            ("10/2seconds", [RateLimit.Rule(10, per: .seconds(2))]),
            ("100 per minute", [RateLimit.Rule(100, per: .seconds(60))]),
            ("100 per 5 minutes", [RateLimit.Rule(100, per: .seconds(300))]),
            ("5 per hour", [RateLimit.Rule(5, per: .seconds(3_600))]),
            ("1000 per day", [RateLimit.Rule(1_000, per: .seconds(86_400))]),
            ("3 per month", [RateLimit.Rule(3, per: .seconds(2_592_000))]),
            ("3 per year", [RateLimit.Rule(3, per: .seconds(31_104_000))]),
            ("  10 PER Second  ", [RateLimit.Rule(10, per: .seconds(1))]),
            ("10 per second;40 per minute", [RateLimit.Rule(10, per: .seconds(1)), RateLimit.Rule(40, per: .seconds(60))]),
            (
                "10/second, 40/minute | 500/day",
                [RateLimit.Rule(10, per: .seconds(1)), RateLimit.Rule(40, per: .seconds(60)), RateLimit.Rule(500, per: .seconds(86_400))]
            ),
            ("10 per second;", [RateLimit.Rule(10, per: .seconds(1))]),
        ])
    func parses(text: String, rules: [RateLimit.Rule]) throws {
        #expect(try RateLimit.parse(text)?.rules == rules)
    }

    @Test("off, none and unlimited lift a limit", arguments: ["off", "OFF", " none ", "None", "unlimited"])
    func lifts(text: String) throws {
        #expect(try RateLimit.parse(text) == nil)
    }

    @Test(
        "a bad limit is refused with the text and the reason",
        arguments: [
            ("", "no rule"),
            (";", "no rule"),
            ("ten per second", "does not start with a number"),
            ("10 second", "needs \"per\" or \"/\""),
            ("10 per fortnight", "\"fortnight\" is not a unit"),
            ("10 per", "\"\" is not a unit"),
            ("10 per second 5", "\"second 5\" is not a unit"),
            ("0 per second", "allows no request at all"),
            ("100001 per second", "more than 100000"),
            ("10 per 0 seconds", "window of 1 to 1000000"),
            ("99999999999999999999 per second", "too large"),
            ("10 per second;forty per minute", "does not start with a number"),
            ("-1 per second", "does not start with a number"),
        ])
    func refuses(text: String, reason: String) {
        #expect {
            _ = try RateLimit.parse(text)
        } throws: { error in
            let message = String(describing: error)
            return message.contains(reason) && message.contains("\"\(text)\" is not a rate limit")
        }
    }

    @Test("a limit prints in the notation it parses from")
    func description() throws {
        let limit = try #require(try RateLimit.parse("10/second;40 per 1 minute;100 per 5 minutes;2 per 36 hours"))
        #expect(limit.description == "10 per second;40 per minute;100 per 5 minutes;2 per 36 hours")
        #expect(try RateLimit.parse(limit.description) == limit)
    }

    @Test("each category has OpenAlgo's variable and default")
    func categoryDefaults() {
        let table = RateLimitCategory.allCases.map { "\($0.environmentVariable)=\($0.defaultLimit)" }
        #expect(
            table == [
                "ORDER_RATE_LIMIT=10 per second", "SMART_ORDER_RATE_LIMIT=10 per second", "API_RATE_LIMIT=50 per second",
                "GREEKS_RATE_LIMIT=30 per minute", "TELEGRAM_RATE_LIMIT=30 per minute", "WHATSAPP_RATE_LIMIT=30 per minute",
                "STRATEGY_RATE_LIMIT=200 per minute",
            ])
        #expect(RateLimitSettings().summary.hasPrefix("orders=10 per second, smart_orders=10 per second, api=50 per second"))
        #expect(RateLimitSettings.off.summary == "off")
    }

    @Test(
        "each path counts against OpenAlgo's bucket",
        arguments: [
            ("/api/v1/placeorder", RateLimitCategory.orders), ("/api/v1/placeorder/", .orders), ("/api/v1/modifyorder", .orders),
            ("/api/v1/cancelorder", .orders), ("/api/v1/optionsorder", .orders), ("/api/v1/optionsmultiorder", .orders),
            ("/api/v1/placegttorder", .orders), ("/api/v1/modifygttorder", .orders), ("/api/v1/cancelgttorder", .orders),
            ("/api/v1/placesmartorder", .smartOrders),
            ("/api/v1/basketorder", .api), ("/api/v1/splitorder", .api), ("/api/v1/cancelallorder", .api), ("/api/v1/closeposition", .api),
            ("/api/v1/quotes", .api), ("/api/v1/intervals/", .api), ("/api/v1/ticker/NSE:SBIN", .api), ("/api/v1/nosuchthing", .api),
            ("/api/v1", .api), ("/api/v1/", .api),
            ("/api/v1/optiongreeks", .greeks), ("/api/v1/multioptiongreeks", .greeks), ("/api/v1/optionchain", .api),
            ("/api/v1/telegram/notify", .telegram), ("/api/v1/whatsapp/notify", .whatsapp),
            ("/api/v1/strategyx", .api), ("/api/v1/placeorderx", .api), ("/api/v1/PLACEORDER", .api), ("/api/v1/strategy", .strategy),
            ("/api/v1/strategy/list", .strategy), ("/api/v1/strategy/x/webhook/", .strategy),
        ])
    func category(path: String, category: RateLimitCategory) {
        #expect(RateLimitPolicy.category(forPath: path) == category)
    }

    @Test(
        "paths outside /api/v1 are not limited", arguments: ["/", "/health", "/metrics", "/ws", "/index.html", "/api", "/api/v2/quotes", "/api/v1x"])
    func unlimited(path: String) {
        #expect(RateLimitPolicy.category(forPath: path) == nil)
    }

    @Test(
        "client addresses parse as proxies write them, IPv4 as its mapped IPv6 form",
        arguments: [
            ("203.0.113.7", "203.0.113.7"), (" 203.0.113.7 ", "203.0.113.7"), ("203.0.113.7:5000", "203.0.113.7"),
            ("::ffff:203.0.113.7", "203.0.113.7"), ("2001:db8::1", "2001:db8:0:0:0:0:0:1"), ("[2001:db8::1]", "2001:db8:0:0:0:0:0:1"),
            ("[2001:db8::1]:443", "2001:db8:0:0:0:0:0:1"),
        ])
    func address(text: String, expected: String) {
        #expect(ClientAddress(parsing: text)?.description == expected)
    }

    @Test("a connection's peer keys by its address alone, not its port")
    func peer() throws {
        let v4 = try SocketAddress(ipAddress: "203.0.113.7", port: 40_001)
        let v6 = try SocketAddress(ipAddress: "2001:db8::7", port: 40_001)
        #expect(ClientAddress(v4) == ClientAddress(try SocketAddress(ipAddress: "203.0.113.7", port: 1)))
        #expect(ClientAddress(v4).description == "203.0.113.7")
        #expect(ClientAddress(v6).description == "2001:db8:0:0:0:0:0:7")
        #expect(ClientAddress(try SocketAddress(unixDomainSocketPath: "/tmp/realalgo.sock")) == .unknown)
        #expect(ClientAddress(nil) == .unknown)
    }

    @Test("junk is not an address", arguments: ["", "unknown", "203.0.113", "203.0.113.7.1", "2001:db8::g", "[::1", "example.com"])
    func notAnAddress(text: String) {
        #expect(ClientAddress(parsing: text) == nil)
    }

    @Test(
        "trusted proxy ranges match by prefix",
        arguments: [
            ("127.0.0.1", "127.0.0.1", true), ("127.0.0.1", "127.0.0.2", false), ("10.0.0.0/8", "10.200.3.4", true),
            ("10.0.0.0/8", "11.0.0.1", false), ("0.0.0.0/0", "198.51.100.1", true), ("0.0.0.0/0", "2001:db8::1", false),
            ("fd00::/8", "fd12:3456::1", true), ("fd00::/8", "fe80::1", false), ("::1", "::1", true), ("::/0", "203.0.113.7", true),
            ("192.168.1.77/24", "192.168.1.1", true),
        ])
    func range(range: String, address: String, contains: Bool) throws {
        let parsed = try #require(IPAddressRange(parsing: range))
        #expect(parsed.contains(try #require(ClientAddress(parsing: address))) == contains)
    }

    @Test("bad ranges are refused", arguments: ["10.0.0.0/33", "::1/129", "10.0.0.0/", "10.0.0.0/x", "nope", "10.0.0.0/-1"])
    func badRange(text: String) {
        #expect(IPAddressRange(parsing: text) == nil)
    }
}
