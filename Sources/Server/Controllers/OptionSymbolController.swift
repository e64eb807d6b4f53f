// SPDX-License-Identifier: Apache-2.0
import Core
import Hummingbird

/// `POST /api/v1/optionsymbol`: the listed option an offset from ATM names, with its lot size,
/// tick size and freeze quantity and the underlying price it was chosen at.
struct OptionSymbolController: Sendable {
    let authenticator: APIKeyAuthenticator
    let resolver: OptionSymbolResolver
    let maxBodyBytes: Int

    func register(on routes: APIv1Routes) {
        routes.post("optionsymbol") { request, _ in
            let body = try await authenticator.authenticatedBody(of: request, limit: maxBodyBytes)
            // strike_int and strategy are deprecated in OpenAlgo: accepted so older clients work,
            // and ignored (the listed strikes, not an interval, decide the contract).
            try body.rejectUnknownFields(
                allowed: ["underlying", "exchange", "expiry_date", "offset", "option_type", "strike_int", "strategy"], error: APIError.validation)
            let resolution = try await resolver.resolve(
                underlying: try body.requiredString("underlying", error: APIError.validation),
                exchange: try body.requiredString("exchange", maxLength: 16, error: APIError.validation),
                expiryDate: try body.optionalString("expiry_date", maxLength: 9, error: APIError.validation),
                offset: try body.requiredString("offset", maxLength: 8, error: APIError.validation),
                optionType: try body.requiredString("option_type", maxLength: 2, error: APIError.validation))
            let option = resolution.option
            return try JSONResponse.make(
                JSONValue.object([
                    "status": .string("success"), "symbol": .string(option.symbol), "exchange": .string(option.exchange.rawValue),
                    "lotsize": .integer(option.lotSize), "tick_size": .number(option.tickSize),
                    // OpenAlgo's freeze_qty is 0 when no freeze limit is known.
                    "freeze_qty": .integer(option.freezeQuantity ?? 0), "underlying_ltp": .number(resolution.underlyingLTP),
                ]))
        }
    }
}
