/// What a field of a structured log line holds: a JSON key, or a W3C column, is read as one of these.
///
/// The raw values are the names the `json:` key map of the configuration uses.
public enum StructuredField: String, CaseIterable, Sendable, Hashable {
    /// A date-time: `02/Mar/2026:10:00:00 -0500`, ISO 8601, or seconds since 1970 (`1772463600.183`).
    case time
    /// The client's address; a port after it (`203.0.113.9:51524`, `[2001:db8::1]:443`) is dropped.
    case address
    case user
    /// The whole request line, `GET /p/42 HTTP/1.1`.
    case request
    case method
    /// The request target, the path with its query (`$request_uri`) or without (`$uri`).
    case path
    /// The query string without `?` (`$args`): joined to a path that has none.
    case query
    case protocolVersion = "protocol"
    case status
    case bytes
    case referrer
    case userAgent = "user_agent"
    case host
    /// The session cookie's value (`$cookie_NAME`).
    case cookie
    case responseSeconds = "response_time"
    case responseMilliseconds = "response_time_ms"
    case responseMicroseconds = "response_time_us"
    /// `$upstream_response_time`: seconds; the last number when several are listed.
    case upstreamSeconds = "upstream_response_time"

    /// A dense index, for tables: the case's place in `allCases` (a test checks they agree).
    var index: Int {
        switch self {
        case .time: return 0
        case .address: return 1
        case .user: return 2
        case .request: return 3
        case .method: return 4
        case .path: return 5
        case .query: return 6
        case .protocolVersion: return 7
        case .status: return 8
        case .bytes: return 9
        case .referrer: return 10
        case .userAgent: return 11
        case .host: return 12
        case .cookie: return 13
        case .responseSeconds: return 14
        case .responseMilliseconds: return 15
        case .responseMicroseconds: return 16
        case .upstreamSeconds: return 17
        }
    }

    static let count = allCases.count
}

/// Which JSON keys hold which fields, for the `json` and `caddy` formats.
///
/// Each field has keys in the order they are preferred: the first one a line has is read. A
/// dotted key reaches into objects (`request.uri`); a key whose value is an array of strings
/// gives its first string (Caddy's `"User-Agent": ["…"]`).
public struct JSONFieldMap: Sendable, Hashable {
    public private(set) var keys: [StructuredField: [String]]

    public init(_ keys: [StructuredField: [String]]) {
        self.keys = keys
    }

    /// nginx `log_format … escape=json` lines that use the variables' names as keys.
    public static let nginx = JSONFieldMap([
        .time: ["time_local", "time_iso8601", "msec"],
        .address: ["remote_addr"],
        .user: ["remote_user"],
        .request: ["request"],
        .method: ["request_method"],
        .path: ["request_uri", "uri"],
        .query: ["args", "query_string"],
        .protocolVersion: ["server_protocol"],
        .status: ["status"],
        .bytes: ["body_bytes_sent", "bytes_sent"],
        // Many published nginx JSON formats spell the key `http_referrer`.
        .referrer: ["http_referer", "http_referrer"],
        .userAgent: ["http_user_agent"],
        .host: ["host", "http_host", "server_name"],
        .responseSeconds: ["request_time"],
        .upstreamSeconds: ["upstream_response_time"],
    ])

    /// Caddy's JSON access log: `ts` in seconds since 1970, the request as an object, the
    /// duration in seconds. Caddy 2.0–2.4 wrote `remote_addr` (with the port), 2.5–2.6
    /// `remote_ip`, later ones `client_ip` (the client behind trusted proxies).
    public static let caddy = JSONFieldMap([
        .time: ["ts"],
        .address: ["request.client_ip", "request.remote_ip", "request.remote_addr"],
        .user: ["user_id"],
        .method: ["request.method"],
        .path: ["request.uri"],
        .protocolVersion: ["request.proto"],
        .status: ["status"],
        .bytes: ["size"],
        .referrer: ["request.headers.Referer"],
        .userAgent: ["request.headers.User-Agent"],
        .host: ["request.host"],
        .responseSeconds: ["duration"],
    ])

    /// This map with `field` read from `keys` instead (the `json:` configuration).
    public func replacing(_ field: StructuredField, with keys: [String]) -> JSONFieldMap {
        var copy = self
        copy.keys[field] = keys
        return copy
    }

    /// `time: time_local|time_iso8601|msec, address: remote_addr, …`, in the fields' order.
    public var summary: String {
        StructuredField.allCases.compactMap { field in
            guard let list = keys[field], !list.isEmpty else { return nil }
            return "\(field.rawValue): \(list.joined(separator: "|"))"
        }.joined(separator: ", ")
    }

    /// Whether the map reads the field at all.
    func reads(_ field: StructuredField) -> Bool {
        !(keys[field] ?? []).isEmpty
    }
}

/// The two W3C extended log dialects: the columns come from `#Fields:` directives.
public enum W3CDialect: String, Sendable, Hashable {
    /// IIS and other W3C extended logs: space-separated, `time-taken` in milliseconds,
    /// spaces in `cs(User-Agent)` written as `+`.
    case w3c
    /// AWS CloudFront standard logs: tab-separated, `time-taken` in seconds, the user agent
    /// percent-encoded.
    case cloudfront

    var separator: UInt8 { self == .w3c ? ASCII.space : ASCII.tab }
}
