/// Why a session is not a visitor's: left out of every figure and counted by its first reason.
public enum ExclusionReason: Int, CaseIterable, Sendable, Codable {
    /// A hit on a probe path (`probes`), or three or more hits of which more than half were
    /// answered 400–499: a vulnerability scanner, whatever its user agent says.
    case scanner
    /// More than `fastPageViews` page views within `fastWindowSeconds`: faster than anyone reads.
    case fast

    public static let fastPageViews = 30
    public static let fastWindowSeconds: Int64 = 60

    /// What the reason means, for the report.
    public var explanation: String {
        switch self {
        case .scanner: return "requested a probe path (a login page, secrets, admin tools) or was answered 4xx more than half the time"
        case .fast: return "more than \(Self.fastPageViews) page views within \(Self.fastWindowSeconds) seconds"
        }
    }

    /// The name `summary.json` and the report give the reason.
    public var name: String {
        switch self {
        case .scanner: return "scanner"
        case .fast: return "fast"
        }
    }
}

extension Session {
    /// Why this session is left out, or nil when it is a visitor's. Decided on the whole
    /// session, once it has ended, so a streaming run, `--jobs`, map and reduce agree.
    public var exclusion: ExclusionReason? {
        var clientErrors = 0
        var pageViews = 0
        for hit in hits {
            if hit.isProbe { return .scanner }
            if hit.status >= 400, hit.status <= 499 { clientErrors += 1 }
            if hit.isPageView { pageViews += 1 }
        }
        if hits.count >= 3, clientErrors * 2 > hits.count { return .scanner }
        let reach = ExclusionReason.fastPageViews  // the 31st page view is `reach` after the first
        guard pageViews > reach else { return nil }
        var times: [Int64] = []
        times.reserveCapacity(pageViews)
        for hit in hits where hit.isPageView { times.append(hit.time) }
        if !zip(times, times.dropFirst()).allSatisfy({ $0 <= $1 }) { times.sort() }
        for index in 0..<(times.count - reach) where times[index + reach] - times[index] <= ExclusionReason.fastWindowSeconds {
            return .fast
        }
        return nil
    }
}
