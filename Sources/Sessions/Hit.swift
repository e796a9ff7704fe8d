import LogParsing

/// A page view or an action, as the sessionizer and the analysis see it: every text value is
/// an id into the run's interners (`HitValues`), so a hit is a few machine words.
public struct Hit: Sendable, Equatable {
    // Widest fields first, so no padding comes between them (74 bytes used, a stride of 80):
    // hits are held by the hundred thousand in the reorder buffer and open sessions.
    /// Seconds since the epoch, UTC.
    public var time: Int64
    /// The physical line; ties in `time` are broken by `inputRank`, then this.
    public var line: Int64
    /// The response time in microseconds, or -1 when the line has none.
    public var responseMicroseconds: Int64
    /// Bit i is set when configured matcher i (funnel steps, then cart add and purchase)
    /// matches this hit.
    public var matches: UInt64 = 0
    /// The input's place in reading order.
    public var inputRank: Int32
    public var visitor: Int32
    public var path: Int32
    /// The page group of a page view (`PageGroups`); -1 for an action.
    public var group: Int32
    public var method: Int32
    public var agent: Int32
    /// The referrer's host (lower-cased, without `www.`), or -1 when the referrer is empty or `-`.
    public var referrerHost: Int32
    /// The referrer's path family (an id of `InternedValues.referrerFamilies`), when fitting a
    /// configuration; else -1.
    public var referrerFamily: Int32 = -1
    /// The target's hash: its path and query, as the frustration signals compare targets.
    public var target: UInt32 = 0
    /// The UTC offset the line was written in, minutes: it decides the hit's calendar day.
    public var offsetMinutes: Int16
    public var status: Int16
    public var isPageView: Bool
    /// The path is a probe's (`probes`): the hit makes its session a scanner's.
    public var isProbe = false

    public init(time: Int64, offsetMinutes: Int16, inputRank: Int32, line: Int64, visitor: Int32, isPageView: Bool,
                status: Int16, responseMicroseconds: Int64, path: Int32, group: Int32, method: Int32, agent: Int32,
                referrerHost: Int32) {
        self.time = time
        self.offsetMinutes = offsetMinutes
        self.inputRank = inputRank
        self.line = line
        self.visitor = visitor
        self.isPageView = isPageView
        self.status = status
        self.responseMicroseconds = responseMicroseconds
        self.path = path
        self.group = group
        self.method = method
        self.agent = agent
        self.referrerHost = referrerHost
    }

    /// The order hits are analysed in: instant, then input, then line.
    @inline(__always)
    public static func precedes(_ a: Hit, _ b: Hit) -> Bool {
        if a.time != b.time { return a.time < b.time }
        if a.inputRank != b.inputRank { return a.inputRank < b.inputRank }
        return a.line < b.line
    }

    /// The query string's id (`InternedValues.queries`) while a configuration is fitted: the
    /// hit stage then keeps no matchers and carries it in `matches` (plus one; 0: no query).
    public var fittingQuery: Int32 { Int32(truncatingIfNeeded: matches) - 1 }

    /// Days since 1970-01-01 of the local date the line was written on.
    public var localDay: Int64 {
        LogTimestamp(utcSeconds: time, offsetMinutes: offsetMinutes).localDay
    }
}

/// One visitor's hits with no gap longer than the timeout, in order.
public struct Session: Sendable {
    public var visitor: Int32
    public var hits: [Hit]
}
