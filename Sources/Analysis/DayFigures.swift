/// One day's figures as `summary.json`'s `days`, the trends and the history store hold them:
/// counts that the nightly state replaces day by day.
public struct DayFigures: Sendable, Equatable {
    /// Days since 1970-01-01 (the local date of the lines).
    public var day: Int64
    public var sessions = 0
    /// Visitors with a hit that day.
    public var visitors = 0
    public var pageViews = 0
    public var bounces = 0
    /// p95 load time (ms) per configured page group with timed views, in configuration order.
    public var loadP95: [GroupFigure] = []
    /// p95 of all configured groups' views that day merged (ms).
    public var loadP95All: Double?
    /// Per funnel: sessions started that day that reached the first step, and the last.
    public var funnels: [FunnelDay] = []
    public var cartSessions = 0
    public var cartAbandoned = 0
    /// Sessions started that day with a frustration signal, and the signals; nil for a day a
    /// history stored before signals were counted.
    public var frustrated: Int?
    public var signals: SignalCounts?

    public init(day: Int64) {
        self.day = day
    }
}

public struct GroupFigure: Sendable, Equatable, Codable {
    public var group: String
    public var milliseconds: Double

    public init(group: String, milliseconds: Double) {
        self.group = group
        self.milliseconds = milliseconds
    }
}

public struct FunnelDay: Sendable, Equatable, Codable {
    public var name: String
    public var started: Int
    public var converted: Int

    public init(name: String, started: Int, converted: Int) {
        self.name = name
        self.converted = converted
        self.started = started
    }
}

extension SessionStatistics {
    /// The run's days, in date order.
    ///
    /// - Parameter groupNames: page group names by id.
    public func dayFigures(groupNames: [String]) -> [DayFigures] {
        daysInOrder.map { key, day in
            var figures = DayFigures(day: key)
            figures.sessions = day.sessions
            figures.visitors = day.visitorCount
            figures.pageViews = day.pageViews
            figures.bounces = day.bounces
            var all = LoadTimes()
            for (group, load) in day.loadTimes.enumerated() {
                guard let load, let p95 = load.percentileMilliseconds(95) else { continue }
                figures.loadP95.append(GroupFigure(group: groupNames[group], milliseconds: p95))
                all.merge(load)
            }
            figures.loadP95All = all.percentileMilliseconds(95)
            figures.funnels = funnels.indices.map { index in
                FunnelDay(name: funnels[index].steps.name,
                          started: index < day.funnelStarted.count ? day.funnelStarted[index] : 0,
                          converted: index < day.funnelConverted.count ? day.funnelConverted[index] : 0)
            }
            figures.cartSessions = day.cartSessions
            figures.cartAbandoned = day.cartAbandoned
            figures.frustrated = day.frustrated
            figures.signals = day.signals
            return figures
        }
    }
}
