// SPDX-License-Identifier: Apache-2.0
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import Testing

/// The symbol-master endpoints, on a server without the market-data module: they read the hub.
@Suite("symbol, search, expiry and instruments")
struct SymbolEndpointTests {
    @Test("symbol answers OpenAlgo's symbol object; strike 0 and empty expiry for an equity")
    func symbol() async throws {
        try await TestServer.run(modules: [.broker]) { client, server in
            let response = try await client.post("/api/v1/symbol", json: #"{"apikey":"\#(server.apiKey)","symbol":"reliance","exchange":"nse"}"#)
            #expect(response.status == .ok)
            #expect(
                response.text
                    == #"{"data":{"brexchange":"NSE","brsymbol":"RELIANCE","exchange":"NSE","expiry":"","freeze_qty":0,"id":1,"instrumenttype":"EQ","lotsize":1,"name":"Reliance Industries","strike":0,"symbol":"RELIANCE","tick_size":0.05,"token":"1"},"status":"success"}"#
            )

            let expiry = try #require(try await client.post(expiryRequest(server, "NIFTY", "NFO", "options")).json()["data"] as? [String])
            let first = try #require(expiry.first)
            let optionSymbol = "NIFTY" + first.replacingOccurrences(of: "-", with: "") + "26000CE"
            let option = try await client.post(
                "/api/v1/symbol", json: #"{"apikey":"\#(server.apiKey)","symbol":"\#(optionSymbol)","exchange":"NFO"}"#)
            let data = try #require(try option.json()["data"] as? [String: Any])
            #expect(data["expiry"] as? String == first)
            #expect(data["strike"] as? Double == 26000 && data["lotsize"] as? Int == 65 && data["freeze_qty"] as? Int == 1800)
            #expect(data["instrumenttype"] as? String == "CE" && data["name"] as? String == "NIFTY")
        }
    }

    static let badSymbolRequests: [(body: String, status: HTTPResponse.Status, text: String)] = [
        (#"{"symbol":"NOSUCH","exchange":"NSE"}"#, .notFound, #""message":"Symbol NOSUCH not found on NSE""#),
        (#"{"symbol":"RELIANCE","exchange":"XYZ"}"#, .badRequest, #""message":{"exchange":["Must be one of:"#),
        (#"{"symbol":"RELIANCE"}"#, .badRequest, #"{"exchange":["Missing data for required field."]}"#),
        (#"{"exchange":"NSE"}"#, .badRequest, #"{"symbol":["Missing data for required field."]}"#),
        (#"{"symbol":"RELIANCE","exchange":"NSE","colour":"red"}"#, .badRequest, #"{"colour":["Unknown field."]}"#),
    ]

    @Test("symbol refuses an unknown symbol with 404 and bad fields with 400 naming them", arguments: badSymbolRequests.indices)
    func badSymbol(index: Int) async throws {
        let (body, status, text) = Self.badSymbolRequests[index]
        try await TestServer.run(modules: [.broker]) { client, server in
            let response = try await client.post("/api/v1/symbol", json: body.replacingOccurrences(of: "{", with: #"{"apikey":"\#(server.apiKey)","#))
            #expect(response.status == status)
            #expect(response.text.contains(text), "\(response.text)")
            #expect(try response.json()["status"] as? String == "error")
        }
    }

    @Test("search matches symbol and name case-insensitively, caps at 500 and says so, and answers no match with success")
    func search() async throws {
        try await TestServer.run(modules: [.broker]) { client, server in
            func search(_ fields: String) async throws -> [String: Any] {
                let response = try await client.post("/api/v1/search", json: #"{"apikey":"\#(server.apiKey)",\#(fields)}"#)
                #expect(response.status == .ok)
                return try response.json()
            }
            let bank = try await search(#""query":"hdfc bank""#)
            #expect(bank["message"] as? String == "Found 1 matching symbols")
            let rows = try #require(bank["data"] as? [[String: Any]])
            #expect(rows.first?["symbol"] as? String == "HDFCBANK" && rows.first?["id"] != nil && rows.first?["freeze_qty"] != nil)

            let nifty = try await search(#""query":"NIFTY""#)
            #expect((nifty["data"] as? [Any])?.count == 500)
            #expect((nifty["message"] as? String)?.hasSuffix("matching symbols; showing the first 500") == true)
            #expect(((nifty["data"] as? [[String: Any]])?.first?["symbol"] as? String) == "NIFTY")

            let scoped = try await search(#""query":"NIFTY","exchange":"NSE_INDEX""#)
            #expect((scoped["data"] as? [[String: Any]])?.map { $0["symbol"] as? String } == ["NIFTY", "BANKNIFTY"])

            let none = try await search(#""query":"NOSUCHTHING""#)
            #expect(none["message"] as? String == "No matching symbols found")
            #expect((none["data"] as? [Any])?.isEmpty == true && none["status"] as? String == "success")

            let blank = try await client.post("/api/v1/search", json: #"{"apikey":"\#(server.apiKey)","query":"   "}"#)
            #expect(blank.status == .badRequest && blank.text.contains(#""query""#))
            let badExchange = try await client.post("/api/v1/search", json: #"{"apikey":"\#(server.apiKey)","query":"A","exchange":"NYSE"}"#)
            #expect(badExchange.status == .badRequest && badExchange.text.contains(#""exchange""#))
            let missing = try await client.post("/api/v1/search", json: #"{"apikey":"\#(server.apiKey)"}"#)
            #expect(missing.status == .badRequest && missing.text.contains(#"{"query":["Missing data for required field."]}"#))
        }
    }

    @Test("expiry lists DD-MMM-YY dates ascending for futures and options, and validates each field")
    func expiry() async throws {
        try await TestServer.run(modules: [.broker]) { client, server in
            let options = try await client.post(expiryRequest(server, "NIFTY", "NFO", "options")).json()
            let dates = try #require(options["data"] as? [String])
            #expect(dates.first == "23-NOV-26" && dates.count >= 4)
            #expect(options["message"] as? String == "Found \(dates.count) expiry dates for NIFTY options in NFO")
            let parser = DateFormatter()
            parser.locale = Locale(identifier: "en_US_POSIX")
            parser.dateFormat = "dd-MMM-yy"
            let parsed = dates.compactMap { parser.date(from: $0.capitalized) }
            #expect(parsed.count == dates.count && parsed == parsed.sorted())

            let futures = try await client.post(expiryRequest(server, "banknifty", "nfo", "futures")).json()
            #expect((futures["data"] as? [String])?.count == 3)
            let none = try await client.post(expiryRequest(server, "NIFTY", "BFO", "options")).json()
            #expect(none["message"] as? String == "No expiry dates found for NIFTY options in BFO" && (none["data"] as? [Any])?.isEmpty == true)

            let badExchange = try await client.post(expiryRequest(server, "NIFTY", "NSE", "options"))
            #expect(
                badExchange.status == .badRequest
                    && badExchange.text.contains(#""exchange":["Must be one of: NFO, BFO, MCX, CDS, NCO, BCD, NCDEX, CRYPTO."]"#))
            let badType = try await client.post(expiryRequest(server, "NIFTY", "NFO", "weeklies"))
            #expect(badType.status == .badRequest && badType.text.contains(#""instrumenttype""#))
            let missing = try await client.post("/api/v1/expiry", json: #"{"apikey":"\#(server.apiKey)","symbol":"NIFTY","exchange":"NFO"}"#)
            #expect(missing.status == .badRequest && missing.text.contains(#"{"instrumenttype":["Missing data for required field."]}"#))
        }
    }

    @Test("instruments is a GET answering JSON or CSV, 401 without a key and 403 with a wrong one")
    func instruments() async throws {
        try await TestServer.run(modules: [.broker]) { client, server in
            let json = try await client.get("/api/v1/instruments?apikey=\(server.apiKey)&exchange=NSE_INDEX")
            #expect(json.status == .ok)
            #expect(
                json.text
                    == #"{"data":[{"brexchange":"NSE_INDEX","brsymbol":"NIFTY","exchange":"NSE_INDEX","expiry":"","instrumenttype":"INDEX","lotsize":1,"name":"NIFTY 50","strike":0,"symbol":"NIFTY","tick_size":0.05,"token":"101"},{"brexchange":"NSE_INDEX","brsymbol":"BANKNIFTY","exchange":"NSE_INDEX","expiry":"","instrumenttype":"INDEX","lotsize":1,"name":"NIFTY BANK","strike":0,"symbol":"BANKNIFTY","tick_size":0.05,"token":"102"}],"message":"Found 2 instruments","status":"success"}"#
            )
            let all = try await client.get("/api/v1/instruments?apikey=\(server.apiKey)").json()
            let count = try #require((all["data"] as? [Any])?.count)
            #expect(count > 500 && all["message"] as? String == "Found \(count) instruments")

            let csv = try await client.get("/api/v1/instruments/?apikey=\(server.apiKey)&exchange=nfo&format=CSV")
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.headers[.contentDisposition] == "attachment; filename=instruments_NFO.csv")
            let lines = csv.text.split(separator: "\r\n").map(String.init)
            #expect(lines.first == "symbol,brsymbol,name,exchange,brexchange,token,expiry,strike,lotsize,instrumenttype,tick_size")
            #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == 11 })
            #expect(
                lines.contains {
                    $0.hasPrefix("NIFTY23NOV2626000CE,NIFTY23NOV2626000CE,NIFTY,NFO,NFO,") && $0.hasSuffix(",23-NOV-26,26000,65,CE,0.05")
                })

            let noKey = try await client.get("/api/v1/instruments?exchange=NSE")
            #expect(try noKey.status == .unauthorized && noKey.json()["status"] as? String == "error")
            let wrongKey = try await client.get("/api/v1/instruments?apikey=nope")
            #expect(wrongKey.status == .forbidden && wrongKey.text.contains("Invalid openalgo apikey"))
            let badExchange = try await client.get("/api/v1/instruments?apikey=\(server.apiKey)&exchange=NYSE")
            #expect(badExchange.status == .badRequest && badExchange.text.contains(#"{"exchange":["Must be one of:"#))
            let badFormat = try await client.get("/api/v1/instruments?apikey=\(server.apiKey)&format=xml")
            #expect(badFormat.status == .badRequest && badFormat.text.contains(#"{"format":["Must be json or csv."]}"#))
            let post = try await client.post("/api/v1/instruments", json: #"{"apikey":"\#(server.apiKey)"}"#)
            #expect(post.status == .methodNotAllowed && post.headers[.allow] == "GET")
        }
    }

    @Test("every symbol endpoint refuses a wrong key with 403", arguments: ["symbol", "search", "expiry"])
    func wrongKey(endpoint: String) async throws {
        try await TestServer.run(modules: [.broker]) { client, server in
            let response = try await client.post("/api/v1/\(endpoint)", json: #"{"apikey":"\#(server.revokedKey)"}"#)
            #expect(response.status == .forbidden && response.text.contains("Invalid openalgo apikey"))
        }
    }

    private func expiryRequest(_ server: TestServer, _ symbol: String, _ exchange: String, _ type: String) -> (String, String) {
        ("/api/v1/expiry", #"{"apikey":"\#(server.apiKey)","symbol":"\#(symbol)","exchange":"\#(exchange)","instrumenttype":"\#(type)"}"#)
    }
}

extension TestClientProtocol {
    /// POSTs a (path, JSON body) pair.
    fileprivate func post(_ request: (String, String)) async throws -> TestResponse {
        try await post(request.0, json: request.1)
    }
}
