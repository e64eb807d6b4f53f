// SPDX-License-Identifier: Apache-2.0
import HTTPTypes

/// RealAlgo's own API-key management and browser sign-in, registered whatever `--modules` says.
extension OpenAPIDocument {
    private static let keyAuthentication =
        " Authenticated by one of the user's keys in `apikey`, or — without `apikey` — by the browser app's session cookie "
        + "(`realalgo_session`) together with the `X-CSRF-Token` header (the `csrf_token` of `GET /api/v1/session`). (RealAlgo's own.)"

    /// A key as listed: never the key itself.
    private static let keyInfo: [String: JSONValue] = [
        "id": JSONSchema.integer("The key's id (what `apikey/revoke` takes)."),
        "name": JSONSchema.string("The label given at creation."),
        "prefix": JSONSchema.string("The key's first 8 characters, to tell keys apart."),
        "created_at": JSONSchema.string("UTC, `2026-11-21T09:15:00.000Z`."),
        "last_used_at": JSONSchema.nullable(
            JSONSchema.string("UTC; stamped at the first use and then at most once a minute per key, so busy clients cost no writes.")),
        "revoked_at": JSONSchema.nullable(JSONSchema.string("UTC, when the key was revoked.")),
        "status": JSONSchema.string(enum: ["active", "revoked"]),
    ]

    private static let sessionData = JSONSchema.object([
        "username": JSONSchema.string(), "is_admin": JSONSchema.boolean(),
        "expires_at": JSONSchema.string("UTC; the session ends then whatever happens (12 hours after sign-in by default)."),
        "csrf_token": JSONSchema.string("Send it as the `X-CSRF-Token` header on every call the session makes."),
    ])

    static let keyOperations: [APIOperation] = [
        APIOperation(
            endpoint: "apikey/create", summary: "Create an API key for the caller",
            description: "Answers the new key once, in `data.apikey`: RealAlgo stores only its keyed hash and cannot show it again. "
                + "A user may hold at most 100 active keys." + keyAuthentication,
            tag: "API keys",
            body: APIField.body(["name": JSONSchema.string("A label, 1–64 characters (default `default`).", maxLength: 64).example("bot")]),
            success: JSONSchema.success([
                "message": JSONSchema.string(),
                "data": JSONSchema.object(keyInfo.merging(["apikey": JSONSchema.string("The key: 64 hex characters, shown only now.")]) { $1 }),
            ]),
            otherErrors: [401: "A session cookie naming no live session (signed out or expired)."]),
        APIOperation(
            endpoint: "apikey/list", summary: "List the caller's API keys (never the keys)",
            description: "Every key of the caller, oldest first, revoked ones included." + keyAuthentication, tag: "API keys",
            body: APIField.body([:]), success: JSONSchema.success(["data": JSONSchema.array(JSONSchema.object(keyInfo))]),
            otherErrors: [401: "A session cookie naming no live session (signed out or expired)."]),
        APIOperation(
            endpoint: "apikey/revoke", summary: "Revoke one of the caller's API keys",
            description: "Immediate and final: the next request presenting the key is refused with 403 `Invalid openalgo apikey` "
                + "(nothing caches keys). Revoking a revoked key is a 400 on `id`." + keyAuthentication,
            tag: "API keys",
            body: APIField.body(
                ["id": JSONSchema.numericInteger("The key's id, from `apikey/list`.", minimum: 1).example(.integer(424_242))], required: ["id"]),
            success: JSONSchema.success(["message": JSONSchema.string(), "data": JSONSchema.object(keyInfo)]),
            otherErrors: [
                401: "A session cookie naming no live session (signed out or expired).",
                404: "No key with that id among the caller's: `API key 42 not found` (another user's key answers the same).",
            ]),
        APIOperation(
            endpoint: "session/login", summary: "Sign in to the browser app",
            description: "Checks the password and answers with an HttpOnly, SameSite=Strict session cookie `realalgo_session` "
                + "(Secure behind an HTTPS proxy) and the session's CSRF token. Failed attempts are throttled per client address "
                + "and username (429 with Retry-After). (RealAlgo's own.)",
            tag: "Session",
            body: JSONSchema.object(
                [
                    "username": JSONSchema.text("The RealAlgo username (`realalgo user create`).").example("trader"),
                    "password": JSONSchema.string("1–1,024 characters.", maxLength: 1024).example("correct horse battery staple"),
                ], required: ["username", "password"], closed: true),
            success: JSONSchema.success(["data": sessionData]),
            otherErrors: [
                400: "A missing, mistyped or unknown field, in the data endpoints' shape.",
                401: "`Invalid username or password` — the same answer for an unknown user, a wrong password and a disabled user.",
                429: "Too many failed sign-ins from this address or for this user: `Too many failed sign-in attempts; try again in N seconds`.",
            ],
            needsAPIKey: false),
        APIOperation(
            method: .get, endpoint: "session", summary: "The signed-in user of the session cookie",
            description: "How the browser app learns, after a reload, who is signed in and the CSRF token. (RealAlgo's own.)", tag: "Session",
            success: JSONSchema.success(["data": sessionData]),
            otherErrors: [401: "No session cookie, or one naming no live session: `Not signed in: …`."], needsAPIKey: false),
        APIOperation(
            endpoint: "session/logout", summary: "Sign out of the browser app",
            description: "Ends the session at once (its row is deleted) and clears the cookie. Needs the `X-CSRF-Token` header; "
                + "the body may be empty. (RealAlgo's own.)",
            tag: "Session", body: JSONSchema.object([:], closed: true), success: JSONSchema.success(["message": JSONSchema.constant("Signed out")]),
            otherErrors: [
                400: "An unknown field.", 401: "No live session.", 403: "A missing or wrong `X-CSRF-Token` header.",
            ],
            needsAPIKey: false),
    ]
}
