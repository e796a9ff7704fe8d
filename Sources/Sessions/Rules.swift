/// The configuration's rules the session stage applies.

/// Which hits a rule matches: page views whose path matches, or, with `method`, hits of that
/// method whose path matches; with `query`, only those whose query string matches it too.
public struct HitMatcher: Sendable, Hashable {
    /// Upper-cased; nil matches page views only.
    public var method: String?
    /// A regex, searched unanchored in the path.
    public var path: String
    /// A regex, searched unanchored in the query string (the target's text after its first `?`,
    /// up to a `#`, not percent-decoded; empty when there is none); nil: any query.
    public var query: String?

    public init(method: String?, path: String, query: String? = nil) {
        self.method = method
        self.path = path
        self.query = query
    }

    /// The most distinct matchers a configuration may have: each is a bit of `Hit.matches`.
    public static let limit = UInt64.bitWidth

    /// More matchers than `limit`.
    public struct TooMany: Error, CustomStringConvertible {
        public var count: Int
        public var description: String { "\(count) different matchers; at most \(HitMatcher.limit) are supported" }
    }
}

public struct PageRule: Sendable, Equatable {
    public var name: String
    public var path: String

    public init(name: String, path: String) {
        self.name = name
        self.path = path
    }
}
