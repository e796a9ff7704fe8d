import Sessions

/// a / b, or nil when b is zero (a ratio whose denominator is zero is `null` in summary.json).
@inline(__always)
public func ratio(_ a: Int, _ b: Int) -> Double? {
    b == 0 ? nil : Double(a) / Double(b)
}

// The rates, each defined once, for the summary, thresholds and headlines alike.

extension SessionStatistics {
    public var bounceRate: Double? { ratio(bounces, sessions) }
    public var pagesPerSession: Double? { ratio(pageViews, sessions) }
    public var errorExitRate: Double? { ratio(errorExits, sessions) }
}

extension PageGroupStatistics {
    public var exitRate: Double? { ratio(exits, views) }
    public var errorRate: Double? { ratio(errorViews, views) }
}

extension DayFigures {
    public var bounceRate: Double? { ratio(bounces, sessions) }
    public var cartAbandonmentRate: Double? { ratio(cartAbandoned, cartSessions) }

    /// Sessions started that day that finished the named funnel / those that started it.
    public func conversion(of funnel: String) -> Double? {
        funnels.first { $0.name == funnel }.flatMap { ratio($0.converted, $0.started) }
    }
}

extension FunnelStatistics {
    /// Sessions that reached the last step / sessions that reached the first.
    public var conversion: Double? { ratio(reached.last ?? 0, reached.first ?? 0) }

    /// sessions(k) / sessions(k − 1); for the first step, sessions(0) / sessions(0).
    public func conversionFromPrevious(_ k: Int) -> Double? { ratio(reached[k], reached[max(k - 1, 0)]) }

    public func conversionFromStart(_ k: Int) -> Double? { ratio(reached[k], reached.first ?? 0) }
}

extension FunnelSegment {
    public var conversion: Double? { ratio(converted, sessions) }
}

extension CartStatistics {
    public var abandonmentRate: Double? { ratio(abandoned, sessions) }
}
