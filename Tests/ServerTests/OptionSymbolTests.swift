// SPDX-License-Identifier: Apache-2.0
import Core
import Cryptography
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MarketData
import Prometheus
import Schema
import Testing

@testable import Server

/// `optionsymbol` and the resolver behind it, on a live server with the market-data module (no
/// feed) and NIFTY primed at 26,020: ATM is the 26,000 strike, strikes step by 50 from 25,000 to
/// 27,000, and the nearest expiry is 23 Nov 2026 (24 Nov is a holiday).
@Suite("optionsymbol")
struct OptionSymbolTests {
    static let expiry = "23NOV26"

    /// Runs `body` against a live server whose hub has NIFTY at `niftyPrice` (no price when nil).
    static func withServer(
        niftyPrice: Double? = 26_020, _ body: @escaping @Sendable (any TestClientProtocol, String) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("realalgo-optionsymbol-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let directory = DataDirectory(path: folder.path)
        try directory.create()
        let store = try Store.open(at: directory.databaseURL)
        defer { try? store.close() }
        _ = try await HubMaintenance.prepare(store, today: try #require(LocalDate(iso: "2026-11-21")))
        let secretKey = try SecretKey(bytes: Array(repeating: 7, count: 32))
        let generator = APIKeyGenerator(secretKey: secretKey)
        _ = try await store.users.create(
            username: "trader", passwordHash: try PasswordHasher(iterations: 1).hash("password"), isAdmin: false, actor: .cli)
        let apiKey = try generator.generate()
        _ = try await store.apiKeys.create(
            username: "trader", name: "test", keyHash: generator.hash(apiKey), prefix: String(apiKey.prefix(8)), actor: .cli)

        var configuration = AppConfiguration(dataDirectory: directory)
        configuration.port = 0
        configuration.marketData.feed = .none
        var logger = Logger(label: "realalgo-test")
        logger.logLevel = .warning
        // Monday 23 Nov 2026, 10:00 IST.
        let nowNanos = (Int64(try #require(LocalDate(iso: "2026-11-23")).daysSinceEpoch) * 86_400 - 19_800 + 36_000) * 1_000_000_000
        let marketData = try await MarketDataService.prepare(
            store: store, configuration: configuration, secretKey: secretKey, clock: ManualWallClock(nanos: nowNanos), logger: logger)
        if let niftyPrice {
            marketData.hub.prime([Tick(instrumentID: 101, timestampNanos: nowNanos, lastPrice: niftyPrice)])
        }
        let app = buildApplication(
            configuration,
            dependencies: AppDependencies(
                store: store, secretKey: secretKey, metrics: PrometheusCollectorRegistry(), marketData: marketData, logger: logger),
            logger: logger)
        try await app.test(.live) { client in try await body(client, apiKey) }
    }

    static func request(_ key: String, _ fields: String) -> String {
        #"{"apikey":"\#(key)",\#(fields)}"#
    }

    @Test("offsets step through the listed strikes from the ATM, in the money below for calls and above for puts")
    func offsets() async throws {
        try await Self.withServer { client, key in
            let cases: [(offset: String, type: String, symbol: String)] = [
                ("ATM", "CE", "NIFTY23NOV2626000CE"), ("ITM2", "CE", "NIFTY23NOV2625900CE"), ("otm2", "ce", "NIFTY23NOV2626100CE"),
                ("ITM2", "PE", "NIFTY23NOV2626100PE"), ("OTM2", "PE", "NIFTY23NOV2625900PE"), ("OTM20", "CE", "NIFTY23NOV2627000CE"),
                ("ITM20", "PE", "NIFTY23NOV2627000PE"),
            ]
            for item in cases {
                let response = try await client.post(
                    "/api/v1/optionsymbol",
                    json: Self.request(
                        key,
                        #""underlying":"NIFTY","exchange":"NSE_INDEX","expiry_date":"\#(Self.expiry)","offset":"\#(item.offset)","option_type":"\#(item.type)""#
                    ))
                #expect(response.status == .ok, "\(item): \(response.text)")
                #expect(try response.json()["symbol"] as? String == item.symbol, "\(item)")
            }
        }
    }

    @Test("the answer carries lot size, tick size, freeze quantity and the underlying price, in OpenAlgo's shape")
    func shape() async throws {
        try await Self.withServer { client, key in
            // strike_int and strategy are deprecated: accepted (numbers as strings too) and ignored.
            let response = try await client.post(
                "/api/v1/optionsymbol",
                json: Self.request(
                    key,
                    #""strategy":"Python","underlying":"NIFTY","exchange":"NFO","expiry_date":"23nov26","strike_int":"100","offset":"ITM1","option_type":"CE""#
                ))
            #expect(
                response.text
                    == #"{"exchange":"NFO","freeze_qty":1800,"lotsize":65,"status":"success","symbol":"NIFTY23NOV2625950CE","tick_size":0.05,"underlying_ltp":26020}"#
            )
        }
    }

    @Test("an underlying carrying its expiry needs no expiry_date; an explicit expiry_date wins")
    func carriedExpiry() async throws {
        try await Self.withServer { client, key in
            let carried = try await client.post(
                "/api/v1/optionsymbol",
                json: Self.request(key, #""underlying":"NIFTY23NOV26FUT","exchange":"NFO","offset":"ATM","option_type":"PE""#))
            #expect(try carried.json()["symbol"] as? String == "NIFTY23NOV2626000PE", "\(carried.text)")
            let explicit = try await client.post(
                "/api/v1/optionsymbol",
                json: Self.request(key, #""underlying":"NIFTY23NOV26FUT","exchange":"NFO","expiry_date":"01DEC26","offset":"ATM","option_type":"PE""#)
            )
            #expect(try explicit.json()["symbol"] as? String == "NIFTY01DEC2626000PE", "\(explicit.text)")
        }
    }

    static let badRequests: [(fields: String, field: String)] = [
        (#""underlying":"NIFTY","exchange":"NSE_INDEX","expiry_date":"23NOV26","offset":"ITM51","option_type":"CE""#, "offset"),
        (#""underlying":"NIFTY","exchange":"NSE_INDEX","expiry_date":"23NOV26","offset":"OTM21","option_type":"CE""#, "offset"),
        (#""underlying":"NIFTY","exchange":"NSE_INDEX","expiry_date":"23NOV26","offset":"ITM0","option_type":"CE""#, "offset"),
        (#""underlying":"NIFTY","exchange":"NSE_INDEX","expiry_date":"23NOV26","option_type":"CE""#, "offset"),
        (#""underlying":"NIFTY","exchange":"NSE_INDEX","expiry_date":"23NOV26","offset":"ATM","option_type":"XX""#, "option_type"),
        (#""underlying":"NIFTY","exchange":"NSE_INDEX","offset":"ATM","option_type":"CE""#, "expiry_date"),
        (#""underlying":"NIFTY","exchange":"NSE_INDEX","expiry_date":"31FEB26","offset":"ATM","option_type":"CE""#, "expiry_date"),
        (#""underlying":"NIFTY","exchange":"NSE_INDEX","expiry_date":"24NOV26","offset":"ATM","option_type":"CE""#, "expiry_date"),
        (#""underlying":"NIFTY","exchange":"NYSE","expiry_date":"23NOV26","offset":"ATM","option_type":"CE""#, "exchange"),
        (#""underlying":"NOSUCH","exchange":"NSE_INDEX","expiry_date":"23NOV26","offset":"ATM","option_type":"CE""#, "underlying"),
        (#""exchange":"NSE_INDEX","expiry_date":"23NOV26","offset":"ATM","option_type":"CE""#, "underlying"),
        (#""underlying":"NIFTY","exchange":"NSE_INDEX","expiry_date":"23NOV26","offset":"ATM","option_type":"CE","colour":"red""#, "colour"),
    ]

    @Test("bad input is a 400 in the options shape, naming the field", arguments: badRequests.indices)
    func badRequest(index: Int) async throws {
        let (fields, field) = Self.badRequests[index]
        try await Self.withServer { client, key in
            let response = try await client.post("/api/v1/optionsymbol", json: Self.request(key, fields))
            #expect(response.status == .badRequest, "\(response.text)")
            let body = try response.json()
            #expect(body["status"] as? String == "error" && body["message"] as? String == "Validation error")
            let errors = try #require(body["errors"] as? [String: [String]])
            #expect(Array(errors.keys) == [field], "\(response.text)")
        }
    }

    @Test("without a price for the underlying the ATM is not guessed: 503")
    func noPrice() async throws {
        try await Self.withServer(niftyPrice: nil) { client, key in
            let response = try await client.post(
                "/api/v1/optionsymbol",
                json: Self.request(key, #""underlying":"NIFTY","exchange":"NSE_INDEX","expiry_date":"23NOV26","offset":"ATM","option_type":"CE""#))
            #expect(response.status == .serviceUnavailable && response.text.contains("No price for NIFTY yet"))
        }
    }

    @Test("offsets parse as OpenAlgo validates them", arguments: ["ATM", "atm", "ITM1", "itm50", "OTM7"])
    func validOffset(text: String) {
        #expect(OptionSymbolResolver.Offset(text) != nil)
    }

    @Test("malformed offsets are refused", arguments: ["", "ITM", "ITM0", "ITM01", "ITM51", "OTM-1", "XTM1", "ITM+1", "ATM1", "ITM1.0", "ITM٣"])
    func invalidOffset(text: String) {
        #expect(OptionSymbolResolver.Offset(text) == nil)
    }

    @Test("a future's symbol splits into its underlying and expiry; other names stay whole")
    func carriedExpirySplit() {
        #expect(ListedOptionChain.splitCarriedExpiry("NIFTY28NOV24FUT")?.name == "NIFTY")
        #expect(ListedOptionChain.splitCarriedExpiry("NIFTY28NOV24FUT")?.expiry == "28NOV24")
        #expect(ListedOptionChain.splitCarriedExpiry("BANKNIFTY24APR24")?.name == "BANKNIFTY")
        #expect(ListedOptionChain.splitCarriedExpiry("NIFTY") == nil)
        #expect(ListedOptionChain.splitCarriedExpiry("NIFTYNXT50") == nil)
        #expect(ListedOptionChain.splitCarriedExpiry("28NOV24FUT") == nil)
    }
}
