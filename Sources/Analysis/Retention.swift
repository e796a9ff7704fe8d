import LogParsing

/// Why a customer's last session may lose them (`at_risk_customers` in summary.json).
public struct SessionEnding: OptionSet, Sendable, Hashable, Codable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Its last hit had status ≥ 500.
    public static let errorExit = SessionEnding(rawValue: 1)
    /// A cart session without a purchase after its first add.
    public static let abandonedCart = SessionEnding(rawValue: 2)
    /// Its exit page took 4 s or more.
    public static let slow = SessionEnding(rawValue: 4)
}

/// One visitor's sessions on one day (the day each session started).
public struct VisitorDay: Sendable, Equatable, Codable {
    public var sessions: Int
    /// Sessions with a purchase.
    public var purchaseSessions: Int

    public init(sessions: Int = 0, purchaseSessions: Int = 0) {
        self.sessions = sessions
        self.purchaseSessions = purchaseSessions
    }

    mutating func add(purchased: Bool) {
        sessions += 1
        if purchased { purchaseSessions += 1 }
    }
}

/// A visitor's last session: when its last hit was, and how it ended.
public struct LastSession: Sendable, Equatable, Codable {
    /// UTC seconds of the session's last hit.
    public var lastHit: Int64
    public var ending: SessionEnding

    public init(lastHit: Int64, ending: SessionEnding) {
        self.lastHit = lastHit
        self.ending = ending
    }

    /// The later of two: merging is idempotent, whatever order runs come in.
    public func later(_ other: LastSession) -> LastSession {
        if other.lastHit != lastHit { return other.lastHit > lastHit ? other : self }
        return LastSession(lastHit: lastHit, ending: ending.union(other.ending))
    }
}

/// Everything retention needs of one visitor: active days with their sessions, and the last session.
public struct VisitorRecord: Sendable, Equatable {
    /// Days since 1970-01-01 (local), ascending, with the sessions that started on each.
    public var days: [(day: Int64, activity: VisitorDay)]
    public var last: LastSession

    public init(days: [(day: Int64, activity: VisitorDay)], last: LastSession) {
        self.days = days
        self.last = last
    }

    public static func == (a: VisitorRecord, b: VisitorRecord) -> Bool {
        a.last == b.last && a.days.elementsEqual(b.days) { $0.day == $1.day && $0.activity == $1.activity }
    }
}

/// Per visitor, in one run: the sessions per start day and the last session (in memory, keyed by
/// the run's dense visitor ids).
public struct VisitorActivity: Sendable, Codable {
    /// visitor id << 32 | day → sessions that day.
    public private(set) var days: [UInt64: VisitorDay] = [:]
    /// By visitor id.
    public private(set) var last: [LastSession?] = []
    /// Visitors with a session.
    public private(set) var count = 0

    public init() {}

    static func key(_ visitor: Int32, _ day: Int64) -> UInt64 {
        UInt64(UInt32(bitPattern: visitor)) << 32 | UInt64(UInt32(truncatingIfNeeded: day))
    }

    mutating func add(visitor: Int32, day: Int64, purchased: Bool, last session: LastSession) {
        days[Self.key(visitor, day), default: VisitorDay()].add(purchased: purchased)
        let index = Int(visitor)
        if index >= last.count { last.append(contentsOf: repeatElement(nil, count: index + 1 - last.count)) }
        if last[index] == nil { count += 1 }
        last[index] = last[index].map { $0.later(session) } ?? session
    }

    /// Adds another's visitors; its visitor ids become ours through `visitors` (the same
    /// visitor in both: sessions add up, the later last session stays).
    mutating func merge(_ other: VisitorActivity, visitors: (Int32) -> Int32) {
        for (key, activity) in other.days {
            let visitor = visitors(Int32(bitPattern: UInt32(key >> 32)))
            let day = Int64(Int32(bitPattern: UInt32(key & 0xFFFF_FFFF)))
            days[Self.key(visitor, day), default: VisitorDay()].sessions += activity.sessions
            days[Self.key(visitor, day), default: VisitorDay()].purchaseSessions += activity.purchaseSessions
        }
        for (index, session) in other.last.enumerated() {
            guard let session else { continue }
            let visitor = Int(visitors(Int32(index)))
            if visitor >= last.count { last.append(contentsOf: repeatElement(nil, count: visitor + 1 - last.count)) }
            if last[visitor] == nil { count += 1 }
            last[visitor] = last[visitor].map { $0.later(session) } ?? session
        }
    }

    /// By visitor id: the record of each visitor that has a session, nil for the others.
    public func records() -> [VisitorRecord?] {
        // A counting sort by visitor (ids are dense), then each visitor's few days by day.
        let visitorCount = last.count
        var starts = [Int](repeating: 0, count: visitorCount + 1)
        for key in days.keys {
            let visitor = Int(key >> 32)
            if visitor < visitorCount { starts[visitor + 1] += 1 }
        }
        for index in 0..<visitorCount { starts[index + 1] += starts[index] }
        var flat = [(day: Int64, activity: VisitorDay)](repeating: (0, VisitorDay()), count: starts[visitorCount])
        var next = starts
        for (key, activity) in days {
            let visitor = Int(key >> 32)
            guard visitor < visitorCount else { continue }
            flat[next[visitor]] = (Int64(Int32(bitPattern: UInt32(key & 0xFFFF_FFFF))), activity)
            next[visitor] += 1
        }
        var out = [VisitorRecord?](repeating: nil, count: visitorCount)
        for visitor in 0..<visitorCount where starts[visitor] < starts[visitor + 1] {
            guard let last = last[visitor] else { continue }
            var list = Array(flat[starts[visitor]..<starts[visitor + 1]])
            // Insertion sort: a visitor is active on a few days.
            for index in list.indices.dropFirst() {
                let entry = list[index]
                var place = index
                while place > 0, list[place - 1].day > entry.day {
                    list[place] = list[place - 1]
                    place -= 1
                }
                list[place] = entry
            }
            out[visitor] = VisitorRecord(days: list, last: last)
        }
        return out
    }
}

/// One cohort: the visitors first active in one period, and who came back.
public struct Cohort: Sendable, Equatable {
    /// The first day of the cohort's period (a day, or the Monday of an ISO week).
    public var start: Int64
    /// `2026-03-02`, or `2026-W10`.
    public var label: String
    public var visitors: Int
    /// For k = 1…n: the visitors active in period start + k, nil when that period is after the last day.
    public var returned: [Int?]
}

/// Retention and churn, over the visitors of a run or of the whole history.
public struct RetentionFigures: Sendable, Equatable {
    public var returningVisitors = 0
    /// `day` (k in 1…7) or `week` (ISO weeks, k in 1…4).
    public var cohortUnit = "day"
    public var cohorts: [Cohort] = []
    public var customers = 0
    public var repeatCustomers = 0
    public var churnedCustomers = 0
    public var atRiskErrorExit = 0
    public var atRiskAbandonedCart = 0
    public var atRiskSlow = 0

    public var repeatPurchaseRate: Double? { ratio(repeatCustomers, customers) }
    public var churnRate: Double? { ratio(churnedCustomers, customers) }

    public init() {}

    /// - Parameters:
    ///   - end: UTC seconds of the period's end (`--to`, else the last hit).
    ///   - inactiveDays: `churn.inactive_days`.
    public static func compute(_ records: [VisitorRecord], end: Int64, inactiveDays: Int) -> RetentionFigures {
        var counts = RetentionCounts(end: end, inactiveDays: inactiveDays)
        for record in records { counts.add(record) }
        return counts.figures
    }

    /// `2026-03-02`, or the ISO week `2026-W10` of a Monday.
    static func label(_ start: Int64, weekly: Bool) -> String {
        let date = CivilDate(daysSinceEpoch: start)
        guard weekly else { return date.description }
        // The ISO year is the year of the week's Thursday.
        let thursday = CivilDate(daysSinceEpoch: start + 3)
        let yearStart = CivilDate(year: thursday.year, month: 1, day: 1).daysSinceEpoch
        let week = (start + 3 - yearStart) / 7 + 1
        return "\(thursday.year)-W\(week < 10 ? "0" : "")\(week)"
    }
}

/// Retention's figures counted visitor by visitor, in a form that adds up across partitions of
/// the visitors (no visitor in two): a cluster's partial results carry these, a few numbers per
/// day, instead of one record per visitor.
///
/// Whether cohorts are days or ISO weeks depends on the days of every partition, so both are
/// counted; churn depends on the period's end, which every partition is given.
public struct RetentionCounts: Sendable, Equatable, Codable {
    /// The churn cutoff, UTC seconds: customers whose last hit is before it have churned.
    public private(set) var cutoff: Int64
    /// Visitors with an active day, and those with two or more.
    public private(set) var visitors = 0
    public private(set) var returningVisitors = 0
    /// The first and last active day of any visitor.
    public private(set) var firstDay = Int64.max
    public private(set) var lastDay = Int64.min
    /// By a cohort's first day: its size, then the visitors active on day 1…7 after it.
    public private(set) var daily: [Int64: [Int]] = [:]
    /// By the Monday of a cohort's ISO week: its size, then the visitors active in week 1…4 after it.
    public private(set) var weekly: [Int64: [Int]] = [:]
    public private(set) var customers = 0
    public private(set) var repeatCustomers = 0
    public private(set) var churnedCustomers = 0
    public private(set) var atRiskErrorExit = 0
    public private(set) var atRiskAbandonedCart = 0
    public private(set) var atRiskSlow = 0

    static let days = 7
    static let weeks = 4

    /// - Parameters:
    ///   - end: UTC seconds of the period's end (`--to`, else the last hit).
    ///   - inactiveDays: `churn.inactive_days`.
    public init(end: Int64, inactiveDays: Int) {
        cutoff = end - Int64(inactiveDays) * 86_400
    }

    /// The Monday of a day's ISO week (1970-01-01 was a Thursday).
    static func monday(_ day: Int64) -> Int64 {
        day - ((day + 3) % 7 + 7) % 7
    }

    /// Counts one visitor.
    public mutating func add(_ record: VisitorRecord) {
        guard let first = record.days.first?.day, let last = record.days.last?.day else { return }
        visitors += 1
        if record.days.count >= 2 { returningVisitors += 1 }
        firstDay = min(firstDay, first)
        lastDay = max(lastDay, last)
        // Bit k: active k days (or weeks) after the first.
        var dayBits: UInt8 = 0
        var weekBits: UInt8 = 0
        let firstWeek = Self.monday(first)
        for entry in record.days {
            let k = entry.day - first
            if k >= 1 && k <= Int64(Self.days) { dayBits |= 1 << UInt8(k) }
            let w = (Self.monday(entry.day) - firstWeek) / 7
            if w >= 1 && w <= Int64(Self.weeks) { weekBits |= 1 << UInt8(w) }
        }
        Self.count(&daily, first, bits: dayBits, periods: Self.days)
        Self.count(&weekly, firstWeek, bits: weekBits, periods: Self.weeks)
        let purchases = record.days.reduce(0) { $0 + $1.activity.purchaseSessions }
        guard purchases > 0 else { return }
        customers += 1
        if purchases >= 2 { repeatCustomers += 1 }
        if record.last.lastHit < cutoff {
            churnedCustomers += 1
        } else {
            if record.last.ending.contains(.errorExit) { atRiskErrorExit += 1 }
            if record.last.ending.contains(.abandonedCart) { atRiskAbandonedCart += 1 }
            if record.last.ending.contains(.slow) { atRiskSlow += 1 }
        }
    }

    /// Adds one visitor to its cohort: the size, and the periods after the first it was active in.
    private static func count(_ cohorts: inout [Int64: [Int]], _ start: Int64, bits: UInt8, periods: Int) {
        // Updated in place: no copy of the cohort's counts per visitor.
        cohorts[start, default: Array(repeating: 0, count: periods + 1)].withUnsafeMutableBufferPointer { counts in
            counts[0] += 1
            guard bits != 0 else { return }
            for k in 1...periods where bits & (1 << UInt8(k)) != 0 { counts[k] += 1 }
        }
    }

    /// Adds the counts of other visitors, counted against the same cutoff.
    public mutating func merge(_ other: RetentionCounts) {
        visitors += other.visitors
        returningVisitors += other.returningVisitors
        firstDay = min(firstDay, other.firstDay)
        lastDay = max(lastDay, other.lastDay)
        for (start, counts) in other.daily { daily[start] = zip(daily[start] ?? counts.map { _ in 0 }, counts).map(+) }
        for (start, counts) in other.weekly { weekly[start] = zip(weekly[start] ?? counts.map { _ in 0 }, counts).map(+) }
        customers += other.customers
        repeatCustomers += other.repeatCustomers
        churnedCustomers += other.churnedCustomers
        atRiskErrorExit += other.atRiskErrorExit
        atRiskAbandonedCart += other.atRiskAbandonedCart
        atRiskSlow += other.atRiskSlow
    }

    /// The figures: cohorts by day, or by ISO week when the visitors' days span 28 days or more.
    public var figures: RetentionFigures {
        var figures = RetentionFigures()
        guard visitors > 0 else { return figures }
        let weekly = lastDay - firstDay >= 28
        figures.cohortUnit = weekly ? "week" : "day"
        figures.returningVisitors = returningVisitors
        let step: Int64 = weekly ? 7 : 1
        let lastPeriod = weekly ? Self.monday(lastDay) : lastDay
        let cohorts = weekly ? self.weekly : daily
        figures.cohorts = cohorts.keys.sorted().map { start in
            let counts = cohorts[start] ?? []
            let periods = counts.count - 1
            return Cohort(start: start, label: RetentionFigures.label(start, weekly: weekly), visitors: counts.first ?? 0,
                          returned: (0..<max(periods, 0)).map { k in
                              start + Int64(k + 1) * step <= lastPeriod ? counts[k + 1] : nil
                          })
        }
        figures.customers = customers
        figures.repeatCustomers = repeatCustomers
        figures.churnedCustomers = churnedCustomers
        figures.atRiskErrorExit = atRiskErrorExit
        figures.atRiskAbandonedCart = atRiskAbandonedCart
        figures.atRiskSlow = atRiskSlow
        return figures
    }
}
