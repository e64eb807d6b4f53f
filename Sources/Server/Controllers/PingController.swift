// SPDX-License-Identifier: Apache-2.0
import Hummingbird
import Schema

/// `POST /api/v1/ping`: checks an API key, answering as OpenAlgo does.
struct PingController: Sendable {
    let authenticator: APIKeyAuthenticator
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
            _ = try await authenticator.authenticate(try body.apiKey())
            // The built-in sandbox is every user's default broker until upstream accounts exist.
            return try JSONResponse.make(Pong(data: PongData(broker: "sandbox")))
        }
    }
}
