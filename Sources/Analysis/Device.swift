/// The device class of a user agent.
public enum Device: String, Sendable, CaseIterable, Codable {
    case desktop, mobile, tablet

    /// `tablet` for `iPad` or `Tablet`, or `Android` without `Mobile`; else `mobile` for `Mobi`,
    /// `iPhone` or `Android`; else `desktop`.
    public init(userAgent: String) {
        let android = userAgent.contains("Android")
        if userAgent.contains("iPad") || userAgent.contains("Tablet") || (android && !userAgent.contains("Mobile")) {
            self = .tablet
        } else if userAgent.contains("Mobi") || userAgent.contains("iPhone") || android {
            self = .mobile
        } else {
            self = .desktop
        }
    }
}

/// Where a session came from, by its first page view's referrer.
public enum TrafficSource: String, Sendable, CaseIterable {
    case direct, search, social, `internal`, other

    static let searchLabels: Set<Substring> = ["google", "bing", "duckduckgo", "yahoo", "yandex", "baidu", "ecosia"]
    static let socialLabels: Set<Substring> = ["facebook", "instagram", "linkedin", "reddit", "pinterest", "youtube", "tiktok", "twitter"]

    /// - Parameters:
    ///   - host: the referrer's host, lower-cased, without a leading `www.`; nil when the
    ///     referrer is empty or `-`.
    ///   - siteHost: the shop's own host, compared the same way.
    public init(referrerHost host: String?, siteHost: String?) {
        guard let host, !host.isEmpty else { self = .direct; return }
        if let siteHost, host == siteHost { self = .internal; return }
        let labels = host.split(separator: ".")
        if labels.contains(where: { Self.searchLabels.contains($0) }) { self = .search; return }
        if labels.contains(where: { Self.socialLabels.contains($0) }) || host == "t.co" || host == "x.com"
            || host.hasSuffix(".x.com") {
            self = .social
            return
        }
        self = .other
    }
}

extension Device {
    /// The place of the device in `allCases`.
    var index: Int {
        switch self {
        case .desktop: 0
        case .mobile: 1
        case .tablet: 2
        }
    }
}
