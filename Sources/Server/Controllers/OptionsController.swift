// SPDX-License-Identifier: Apache-2.0
import Core
import Hummingbird
import MarketData

/// OpenAlgo's options analytics over the live quote cache: `optionchain` (with Black-76 greeks
/// on the forward), `optiongreeks` and `syntheticfuture`.
struct OptionsController: Sendable {
    let authenticator: APIKeyAuthenticator
    let hub: MarketDataHub
    let maxBodyBytes: Int

    func register(on routes: APIv1Routes) {
        routes.post("optionchain") { request, _ in
            let body = try await authenticator.authenticatedBody(of: request, limit: maxBodyBytes)
            try body.rejectUnknownFields(
                allowed: ["underlying", "exchange", "expiry_date", "strike_count", "with_greeks", "interest_rate"], error: APIError.validation)
            let strikeCount = try body.optionalInteger("strike_count", in: 1...100, error: APIError.validation)
            let withGreeks = try body.optionalBool("with_greeks", error: APIError.validation) ?? false
            let rate = (try body.optionalDouble("interest_rate", in: 0...100, error: APIError.validation) ?? 0) / 100
            let series = try OptionSeries(body, directory: hub.directory, hub: hub, expiryRequired: true)
            return try JSONResponse.make(series.chainResponse(strikeCount: strikeCount, withGreeks: withGreeks, rate: rate))
        }
        routes.post("syntheticfuture") { request, _ in
            let body = try await authenticator.authenticatedBody(of: request, limit: maxBodyBytes)
            try body.rejectUnknownFields(allowed: ["underlying", "exchange", "expiry_date"], error: APIError.validation)
            let series = try OptionSeries(body, directory: hub.directory, hub: hub, expiryRequired: true)
            return try JSONResponse.make(series.syntheticFutureResponse())
        }
        routes.post("optiongreeks") { request, _ in
            let body = try await authenticator.authenticatedBody(of: request, limit: maxBodyBytes)
            try body.rejectUnknownFields(
                allowed: ["symbol", "exchange", "interest_rate", "forward_price", "underlying_symbol", "underlying_exchange", "expiry_time"],
                error: APIError.validation)
            return try JSONResponse.make(try OptionGreeksRequest(body, hub: hub).response())
        }
    }

}
