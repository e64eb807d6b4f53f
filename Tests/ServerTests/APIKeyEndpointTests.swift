// SPDX-License-Identifier: Apache-2.0
import Cryptography
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Schema
import Testing

@testable import Server

/// `apikey/create|list|revoke` and the browser session, over a real socket.
@Suite("API keys and sessions over HTTP")
struct APIKeyEndpointTests {
    @Test("a key creates a key, shown once; the new key works at once and its use is recorded")
    func createListUse() async throws {
        try await TestServer.run { client, server in
            let created = try await client.post("/api/v1/apikey/create", json: #"{"apikey":"\#(server.apiKey)","name":" bot "}"#)
            #expect(created.status == .ok, "\(created.text)")
            #expect(created.headers[.cacheControl] == "no-store")
            let data = try #require(try created.json()["data"] as? [String: Any])
            let key = try #require(data["apikey"] as? String)
            #expect(key.count == 64 && key.allSatisfy(\.isHexDigit))
            #expect(data["name"] as? String == "bot" && data["prefix"] as? String == String(key.prefix(8)))
            #expect(data["status"] as? String == "active" && data["last_used_at"] is NSNull)

            let ping = try await client.post("/api/v1/ping", json: #"{"apikey":"\#(key)"}"#)
            #expect(ping.status == .ok)

            let listed = try await client.post("/api/v1/apikey/list", json: #"{"apikey":"\#(server.apiKey)"}"#)
            #expect(listed.status == .ok)
            #expect(!listed.text.contains(key), "a listing never shows a key")
            let keys = try #require(try listed.json()["data"] as? [[String: Any]])
            #expect(keys.map { $0["name"] as? String } == ["test", "old", "bot"])
            #expect(keys[2]["last_used_at"] as? String != nil, "the ping was recorded")
            #expect(keys[1]["status"] as? String == "revoked")
            #expect(Set(keys.flatMap(\.keys)) == ["id", "name", "prefix", "created_at", "last_used_at", "revoked_at", "status"])
        }
    }

    @Test("revocation is immediate: the very next request with the key is refused")
    func revokeImmediately() async throws {
        try await TestServer.run { client, server in
            let created = try await client.post("/api/v1/apikey/create", json: #"{"apikey":"\#(server.apiKey)"}"#)
            let data = try #require(try created.json()["data"] as? [String: Any])
            let key = try #require(data["apikey"] as? String)
            let id = try #require(data["id"] as? Int)
            #expect(data["name"] as? String == "default")
            #expect(try await client.post("/api/v1/ping", json: #"{"apikey":"\#(key)"}"#).status == .ok)

            // Revoked with the key itself: allowed, and it is the last thing the key does.
            let revoked = try await client.post("/api/v1/apikey/revoke", json: #"{"apikey":"\#(key)","id":"\#(id)"}"#)
            #expect(revoked.status == .ok, "\(revoked.text)")
            #expect(try revoked.json()["message"] as? String == "API key \(id) revoked")
            let refused = try await client.post("/api/v1/ping", json: #"{"apikey":"\#(key)"}"#)
            #expect(refused.status == .forbidden)
            #expect(refused.text == #"{"message":"Invalid openalgo apikey","status":"error"}"#)
            #expect(try await client.post("/api/v1/apikey/list", json: #"{"apikey":"\#(key)"}"#).status == .forbidden)
        }
    }

    /// Bad requests to the key endpoints: each names its problem and writes nothing.
    static let badRequests: [(path: String, body: String, status: HTTPResponse.Status, names: String)] = [
        ("create", #"{"name":"x"}"#, .badRequest, #""apikey":["Missing data for required field."]"#),
        ("create", #"{"apikey":"KEY","name":""}"#, .badRequest, #""name":["Must not be empty."]"#),
        ("create", #"{"apikey":"KEY","name":"   "}"#, .badRequest, #""name":["Must not be empty."]"#),
        ("create", #"{"apikey":"KEY","name":42}"#, .badRequest, #""name":["Not a valid string."]"#),
        ("create", #"{"apikey":"KEY","name":"\#(String(repeating: "n", count: 65))"}"#, .badRequest, #""name":["Longer than maximum length 64."]"#),
        ("create", #"{"apikey":"KEY","name":"tab\there"}"#, .badRequest, #""name":["Must not contain control characters."]"#),
        ("create", #"{"apikey":"KEY","label":"x"}"#, .badRequest, #""label":["Unknown field."]"#),
        ("create", #"{"apikey":"REVOKED"}"#, .forbidden, "Invalid openalgo apikey"),
        ("create", #"{"apikey":"0000"}"#, .forbidden, "Invalid openalgo apikey"),
        ("create", #"{"apikey":"#, .badRequest, "Invalid JSON"),
        ("list", #"{"apikey":"KEY","all":true}"#, .badRequest, #""all":["Unknown field."]"#),
        ("revoke", #"{"apikey":"KEY"}"#, .badRequest, #""id":["Missing data for required field."]"#),
        ("revoke", #"{"apikey":"KEY","id":"one"}"#, .badRequest, #""id":["Not a valid integer."]"#),
        ("revoke", #"{"apikey":"KEY","id":0}"#, .badRequest, #""id":["Must be between 1"#),
        ("revoke", #"{"apikey":"KEY","id":1.5}"#, .badRequest, #""id":["Not a valid integer."]"#),
        ("revoke", #"{"apikey":"KEY","id":999}"#, .notFound, #""message":"API key 999 not found""#),
        ("revoke", #"{"apikey":"KEY","id":2}"#, .badRequest, #""id":["API key 2 is already revoked."]"#),
    ]

    @Test("bad input is refused with the field named, and nothing is written", arguments: badRequests.indices)
    func badInput(index: Int) async throws {
        let (path, template, status, names) = Self.badRequests[index]
        try await TestServer.run { client, server in
            let before = try await server.store.apiKeys.list(username: "trader")
            let body = template.replacingOccurrences(of: "REVOKED", with: server.revokedKey).replacingOccurrences(of: "KEY", with: server.apiKey)
            let response = try await client.post("/api/v1/apikey/\(path)", json: body)
            #expect(response.status == status, "\(path) \(body): \(response.text)")
            #expect(response.text.contains(names), "\(path) \(body): \(response.text)")
            let after = try await server.store.apiKeys.list(username: "trader")
            #expect(after.map(\.id) == before.map(\.id) && after.map(\.revokedAt) == before.map(\.revokedAt))
        }
    }

    @Test("another user's key cannot be revoked and answers exactly like a missing one")
    func otherUsersKey() async throws {
        try await TestServer.run { client, server in
            _ = try await server.store.users.create(username: "mallory", passwordHash: "pbkdf2-sha256$1$a$b", isAdmin: false, actor: .cli)
            let theirs = try await server.store.apiKeys.create(
                username: "mallory", name: "x", keyHash: String(repeating: "9", count: 64), prefix: "99999999", actor: .cli)
            let response = try await client.post("/api/v1/apikey/revoke", json: #"{"apikey":"\#(server.apiKey)","id":\#(theirs.id)}"#)
            #expect(response.status == .notFound)
            #expect(response.text == #"{"message":"API key \#(theirs.id) not found","status":"error"}"#)
            #expect(try await server.store.apiKeys.list(username: "mallory").first?.isRevoked == false)
            let listed = try await client.post("/api/v1/apikey/list", json: #"{"apikey":"\#(server.apiKey)"}"#)
            #expect(!listed.text.contains("99999999"))
        }
    }

    @Test("sign-in sets an HttpOnly, SameSite=Strict cookie; the session manages keys only with its CSRF token")
    func session() async throws {
        try await TestServer.run { client, server in
            let login = try await client.post("/api/v1/session/login", json: #"{"username":"TRADER","password":"password"}"#)
            #expect(login.status == .ok, "\(login.text)")
            let setCookie = try #require(login.headers[.setCookie])
            #expect(setCookie.hasPrefix("realalgo_session="))
            for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
                #expect(setCookie.contains(attribute), "\(setCookie) lacks \(attribute)")
            }
            #expect(!setCookie.contains("Secure"), "plain HTTP: no Secure attribute")
            let token = String(setCookie.dropFirst("realalgo_session=".count).prefix { $0 != ";" })
            #expect(token.count == 64)
            let data = try #require(try login.json()["data"] as? [String: Any])
            #expect(data["username"] as? String == "trader")
            let csrf = try #require(data["csrf_token"] as? String)
            // The hub holds only the keyed hash of the token.
            #expect(try await server.store.sessions.activeCount() == 1)
            #expect(try await server.store.sessions.principal(forTokenHash: token) == nil)
            let tokens = SessionTokens(secretKey: try SecretKey(bytes: Array(repeating: 7, count: 32)))
            #expect(try await server.store.sessions.principal(forTokenHash: tokens.hash(token))?.username == "trader")

            let cookie: HTTPFields = [.cookie: "realalgo_session=\(token)", .contentType: "application/json"]
            let who = try await client.execute(uri: "/api/v1/session", method: .get, headers: cookie)
            #expect(who.status == .ok)
            #expect((try who.json()["data"] as? [String: Any])?["csrf_token"] as? String == csrf)

            // No CSRF token, or a wrong one: refused, nothing written.
            var withoutToken = try await client.execute(uri: "/api/v1/apikey/create", method: .post, headers: cookie, body: ByteBuffer(string: "{}"))
            #expect(withoutToken.status == .forbidden && withoutToken.text.contains("X-CSRF-Token"))
            var wrong = cookie
            wrong[SessionAuthenticator.csrfHeader] = String(repeating: "0", count: 64)
            withoutToken = try await client.execute(uri: "/api/v1/apikey/list", method: .post, headers: wrong, body: ByteBuffer(string: "{}"))
            #expect(withoutToken.status == .forbidden)
            #expect(try await server.store.apiKeys.list(username: "trader").count == 2)

            var signed = cookie
            signed[SessionAuthenticator.csrfHeader] = csrf
            let created = try await client.execute(
                uri: "/api/v1/apikey/create", method: .post, headers: signed, body: ByteBuffer(string: #"{"name":"from the browser"}"#))
            #expect(created.status == .ok, "\(created.text)")
            let key = try #require((try created.json()["data"] as? [String: Any])?["apikey"] as? String)
            #expect(try await client.post("/api/v1/ping", json: #"{"apikey":"\#(key)"}"#).status == .ok)

            // Sign-out ends the session for every later request, and clears the cookie.
            let logout = try await client.execute(uri: "/api/v1/session/logout", method: .post, headers: signed)
            #expect(logout.status == .ok, "\(logout.text)")
            #expect(logout.headers[.setCookie]?.contains("Max-Age=0") == true)
            let after = try await client.execute(uri: "/api/v1/apikey/list", method: .post, headers: signed, body: ByteBuffer(string: "{}"))
            #expect(after.status == .unauthorized)
            #expect(try await client.execute(uri: "/api/v1/session", method: .get, headers: cookie).status == .unauthorized)
        }
    }

    @Test("a refused sign-in says the same for a wrong password and an unknown user, and guessing is throttled")
    func refusedSignIn() async throws {
        try await TestServer.run { client, _ in
            let wrong = try await client.post("/api/v1/session/login", json: #"{"username":"trader","password":"nope"}"#)
            let unknown = try await client.post("/api/v1/session/login", json: #"{"username":"nobody","password":"nope"}"#)
            #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
            #expect(wrong.text == unknown.text)
            #expect(wrong.text == #"{"message":"Invalid username or password","status":"error"}"#)
            #expect(wrong.headers[.setCookie] == nil)

            for _ in 0..<4 { _ = try await client.post("/api/v1/session/login", json: #"{"username":"trader","password":"nope"}"#) }
            // Five failures: now even the right password is not checked.
            let throttled = try await client.post("/api/v1/session/login", json: #"{"username":"trader","password":"password"}"#)
            #expect(throttled.status == .tooManyRequests, "\(throttled.text)")
            #expect(throttled.text.contains("Too many failed sign-in attempts"))
            #expect(Int(throttled.headers[.retryAfter] ?? "") ?? 0 > 0)
        }
    }

    static let badSignIns: [(body: String, names: String)] = [
        (#"{"password":"x"}"#, #""username":["Missing data for required field."]"#),
        (#"{"username":"trader"}"#, #""password":["Missing data for required field."]"#),
        (#"{"username":"trader","password":""}"#, #""password":["Not a valid string."]"#),
        (#"{"username":"trader","password":1234}"#, #""password":["Not a valid string."]"#),
        (#"{"username":"trader","password":"x","remember":true}"#, #""remember":["Unknown field."]"#),
        (#"{"username":"trader","password":"x","apikey":"k"}"#, #""apikey":["Unknown field."]"#),
    ]

    @Test("malformed sign-ins are 400s naming the field, and do not count as failures", arguments: badSignIns.indices)
    func badSignIn(index: Int) async throws {
        try await TestServer.run { client, _ in
            let response = try await client.post("/api/v1/session/login", json: Self.badSignIns[index].body)
            #expect(response.status == .badRequest)
            #expect(response.text.contains(Self.badSignIns[index].names), "\(response.text)")
        }
    }

    @Test("a session cookie behind an HTTPS proxy is Secure; a dead cookie is a 401, not a key error")
    func secureAndDead() async throws {
        try await TestServer.run { client, _ in
            let login = try await client.execute(
                uri: "/api/v1/session/login", method: .post,
                headers: [.contentType: "application/json", SessionAuthenticator.forwardedProto: "https"],
                body: ByteBuffer(string: #"{"username":"trader","password":"password"}"#))
            #expect(login.headers[.setCookie]?.contains("Secure") == true)

            let dead: HTTPFields = [.cookie: "realalgo_session=\(String(repeating: "f", count: 64))", .contentType: "application/json"]
            let list = try await client.execute(uri: "/api/v1/apikey/list", method: .post, headers: dead, body: ByteBuffer(string: "{}"))
            #expect(list.status == .unauthorized && list.text.contains("Not signed in"))
            let logout = try await client.execute(uri: "/api/v1/session/logout", method: .post, headers: dead)
            #expect(logout.status == .unauthorized)
            #expect(logout.headers[.setCookie]?.contains("Max-Age=0") == true)
        }
    }
}
