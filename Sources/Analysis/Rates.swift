import Sessions

/// a / b, or nil when b is zero (a ratio whose denominator is zero is `null` in summary.json).
@inline(__always)
public func ratio(_ a: Int, _ b: Int) -> Double? {
    b == 0 ? nil : Double(a) / Double(b)
}

/// A rate's 95% Wilson score interval: where the true rate of `k` in `n` lies, allowing for
/// how few `n` may be. Centre (k + z²/2)/(n + z²), half-width z·√(k(n−k)/n + z²/4)/(n + z²),
/// z = 1.959964; nil when n is zero (the rate is undefined).
public struct WilsonInterval: Sendable, Equatable {
    public var low: Double
    public var high: Double

    /// Below this many, a rate is marked "few" wherever it is shown.
    public static let fewBelow = 30

    /// Whether a rate over `n` is "few": some, but under 30.
    public static func isFew(_ n: Int) -> Bool { n > 0 && n < fewBelow }

    public init?(_ k: Int, _ n: Int) {
        guard n > 0, k >= 0, k <= n else { return nil }
        let z = 1.959964
        let successes = Double(k), trials = Double(n)
        let centre = (successes + z * z / 2) / (trials + z * z)
        let half = z * (successes * (trials - successes) / trials + z * z / 4).squareRoot() / (trials + z * z)
        low = max(0, centre - half)
        high = min(1, centre + half)
    }

    /// Whether the two intervals share a point: then neither rate is shown to differ.
    public func overlaps(_ other: WilsonInterval) -> Bool {
        low <= other.high && other.low <= high
    }
}

// The rates, each defined once, for the summary, thresholds and headlines alike.

extension SessionStatistics {
    public var bounceRate: Double? { ratio(bounces, sessions) }
    public var bounceRateInterval: WilsonInterval? { WilsonInterval(bounces, sessions) }
    public var pagesPerSession: Double? { ratio(pageViews, sessions) }
    public var errorExitRate: Double? { ratio(errorExits, sessions) }
    /// Sessions with a frustration signal / sessions.
    public var frustratedSessionRate: Double? { ratio(frustration.sessions, sessions) }
}

extension PageGroupStatistics {
    public var exitRate: Double? { ratio(exits, views) }
    public var errorRate: Double? { ratio(errorViews, views) }
}

extension DayFigures {
    public var bounceRate: Double? { ratio(bounces, sessions) }
    public var cartAbandonmentRate: Double? { ratio(cartAbandoned, cartSessions) }
    /// nil for a day stored before signals were counted.
    public var frustratedSessionRate: Double? { frustrated.flatMap { ratio($0, sessions) } }

    /// Sessions started that day that finished the named funnel / those that started it.
    public func conversion(of funnel: String) -> Double? {
        funnels.first { $0.name == funnel }.flatMap { ratio($0.converted, $0.started) }
    }
}

extension FunnelStatistics {
    /// Sessions that reached the last step / sessions that reached the first.
    public var conversion: Double? { ratio(reached.last ?? 0, reached.first ?? 0) }
    public var conversionInterval: WilsonInterval? { WilsonInterval(reached.last ?? 0, reached.first ?? 0) }

    /// sessions(k) / sessions(k − 1); for the first step, sessions(0) / sessions(0).
    public func conversionFromPrevious(_ k: Int) -> Double? { ratio(reached[k], reached[max(k - 1, 0)]) }

    public func conversionFromStart(_ k: Int) -> Double? { ratio(reached[k], reached.first ?? 0) }
}

extension FunnelSegment {
    public var conversion: Double? { ratio(converted, sessions) }
}

extension CartStatistics {
    public var abandonmentRate: Double? { ratio(abandoned, sessions) }
    public var abandonmentInterval: WilsonInterval? { WilsonInterval(abandoned, sessions) }
}
