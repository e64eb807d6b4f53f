// SPDX-License-Identifier: Apache-2.0
import Hummingbird
import Schema

/// `POST /api/v1/ping`: checks an API key, answering as OpenAlgo does.
struct PingController: Sendable {
    let authenticator: APIKeyAuthenticator
    let store: Store
    let maxBodyBytes: Int

    struct Pong: Encodable {
        let status = "success"
        let data: PongData
    }

    struct PongData: Encodable {
        let message = "pong"
        let broker: String
    }

    func register(on routes: APIv1Routes) {
        routes.post("ping") { request, _ in
            let body = try await APIRequestBody.read(request, limit: maxBodyBytes)
            let principal = try await authenticator.authenticate(try body.apiKey())
            // OpenAlgo answers with the broker the key trades through: here, the user's default account.
            let broker = try await store.accounts.defaultBroker(userID: principal.userID) ?? "sandbox"
            return try JSONResponse.make(Pong(data: PongData(broker: broker)))
        }
    }
}
