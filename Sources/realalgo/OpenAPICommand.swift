// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Server

/// `realalgo openapi`: prints the OpenAPI 3.1 document the server serves at
/// `GET /api/v1/openapi.json`, without a server or a hub (for code generators and CI diffs).
struct OpenAPICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openapi",
        abstract: "Print the OpenAPI 3.1 document of the /api/v1 endpoints (as served at /api/v1/openapi.json).")

    func run() throws {
        StandardOutput.write(try OpenAPIDocument.render())
    }
}
