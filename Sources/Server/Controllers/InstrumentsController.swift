// SPDX-License-Identifier: Apache-2.0
import HTTPTypes
import Hummingbird
import Schema

/// `GET /api/v1/instruments?apikey=…&exchange=…&format=json|csv`: the active symbol master,
/// whole or of one exchange. OpenAlgo's one GET under `/api/v1/` (the client sends the key as a
/// query parameter), read from the hub so it answers with market data disabled too.
struct InstrumentsController: Sendable {
    let authenticator: APIKeyAuthenticator
    let store: Store

    func register(on router: Router<AppRequestContext>) {
        APIv1Routes(router: router).get("instruments") { request, _ in try await answer(request) }
    }

    private func answer(_ request: Request) async throws -> Response {
        let parameters = request.uri.queryParameters
        guard let key = parameters["apikey"].map(String.init), !key.isEmpty else {
            // OpenAlgo answers a missing key with 401 here (services/instruments_service.py), 403 for a wrong one.
            throw APIError(.unauthorized, message: "API key is required: add ?apikey=…")
        }
        _ = try await authenticator.authenticate(key)
        // Other query parameters are ignored, as OpenAlgo's schema (built from these three) does.
        let exchange = try parameters["exchange"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }.map(SymbolController.exchange)
        let format = parameters["format"].map { String($0).lowercased() } ?? "json"
        guard format == "json" || format == "csv" else { throw APIError.invalidField("format", "Must be json or csv.") }

        let listings = try await store.instruments.listings(exchange: exchange)
        if format == "csv" {
            var text = InstrumentRepository.Listing.masterColumns.joined(separator: ",") + "\r\n"
            for listing in listings { text += listing.csvLine + "\r\n" }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8",
                    .contentDisposition: "attachment; filename=instruments_\(exchange ?? "all").csv",
                ],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        return try JSONResponse.make(
            JSONValue.object([
                "status": .string("success"),
                "message": .string(listings.isEmpty ? "No instruments found" : "Found \(listings.count) instruments"),
                "data": .array(listings.map { .object($0.masterFields) }),
            ]))
    }
}
